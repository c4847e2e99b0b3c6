/**
 * `npm run bench`: the benchmark of the strategy against the fake Amazon, on loopback only.
 *
 * Layout (the machine may have only 2 cores):
 * - this process: the fake Amazon (`createFakeAmazon({ latencyMs })`) and the load generator
 *   (autocannon, in-process), so upstream calls are counted exactly from `amazon.calls`;
 * - one child process per app under test (`node --import tsx bench/app.ts`): an Express 5 app
 *   with one Passport strategy; its peak RSS is the kernel's high-water mark for that child
 *   (`process.resourceUsage().maxRSS`), read right after the measured run;
 * - one child for the heap measurement (`node --expose-gc --import tsx bench/heap.ts`).
 * The strategy itself is loaded as users run it: lib/ compiled by tsc with tsconfig.build.json into
 * node_modules/.cache/ at the start of every run (BENCH_SOURCES=1: lib/*.ts through tsx instead).
 *
 * The cold scenarios (a new token per request) run as one group and the warm ones (one token) as
 * another; within a group the apps take turns in short rounds, so the ratios compare runs made
 * under the same machine load.
 *
 * Environment: BENCH_LATENCY_MS (default 20) per upstream call, BENCH_DURATION measured seconds per
 * scenario (default 5), BENCH_ROUNDS it is split into (default 5), BENCH_WARMUP seconds before each
 * (default 1), BENCH_CONNECTIONS (default 10), BENCH_ONLY (comma-separated scenario ids: only those,
 * no targets).
 * Everything stops by itself; the whole run takes about a minute with the defaults.
 */
import os from 'node:os';
import { createFakeAmazon, type FakeAmazon } from '../lib/testing/index.js';
import { buildStrategy, buildStrategyAt, measureHeap, startApp, type RunningApp } from './apps.js';
import { BEFORE_CHANNELS, BURST, CONNECTIONS, DURATION_S, LATENCY_MS, MALFORMED_CONNECTIONS, MALFORMED_REQUESTS, ONLY, ROUNDS, WARMUP_S } from './config.js';
import { burst, malformed, round, summarize, upstream, type LoadResult, type Round, type TokenPlace } from './load.js';
import { fixed, mb, statuses, table, verdict } from './report.js';
import type { AppKind } from './protocol.js';

const MB = 1024 * 1024;

interface Scenario {
  id: string;
  /** Short name for the burst and malformed tables. */
  name: string;
  label: string;
  app: AppKind;
  place: TokenPlace;
  /** A new token for every request (cold), or one token throughout (warm). */
  fresh: boolean;
  burst: boolean;
  malformed: boolean;
  /** Run the build of {@link BEFORE_CHANNELS} instead of today's. */
  before?: boolean;
}

const SCENARIOS: Scenario[] = [
  { id: 'lwa-cold-off', name: 'this strategy, cache off', label: 'this strategy, cache off, cold (new token per request)', app: 'lwa-off', place: 'bearer', fresh: true, burst: true, malformed: false },
  { id: 'lwa-cold-tokeninfo', name: 'this strategy, profile: false, cache off', label: 'this strategy, profile: false (tokeninfo only), cache off, cold', app: 'lwa-off-tokeninfo', place: 'bearer', fresh: true, burst: false, malformed: false },
  { id: 'lwa-cold-on', name: 'this strategy, cache on', label: 'this strategy, cache on, cold (new token per request)', app: 'lwa-on', place: 'bearer', fresh: true, burst: false, malformed: false },
  { id: 'lwa-warm-on', name: 'this strategy, cache on', label: 'this strategy, cache on, warm (same token)', app: 'lwa-on', place: 'bearer', fresh: false, burst: true, malformed: true },
  { id: 'lwa-warm-before', name: 'before the channels', label: `this strategy before the diagnostics channels (${BEFORE_CHANNELS}), cache on, warm`, app: 'lwa-on', place: 'bearer', fresh: false, burst: false, malformed: false, before: true },
  { id: 'lwa-warm-otel', name: 'OpenTelemetry bridge', label: 'this strategy, cache on, warm, OpenTelemetry bridge recording spans and metrics', app: 'lwa-on-otel', place: 'bearer', fresh: false, burst: false, malformed: false },
  { id: 'baseline', name: 'baseline: passport-http-bearer + got', label: 'baseline: passport-http-bearer + got, tokeninfo then profile, cold', app: 'baseline', place: 'bearer', fresh: true, burst: true, malformed: true },
  { id: 'peer', name: 'passport-amazon-token', label: 'passport-amazon-token (profile only, no audience check), cold', app: 'peer', place: 'query', fresh: true, burst: true, malformed: false },
  { id: 'ceiling', name: 'ceiling', label: 'ceiling: passport-http-bearer, constant verify (same token)', app: 'ceiling', place: 'bearer', fresh: false, burst: false, malformed: false },
];

interface Measured {
  scenario: Scenario;
  load: LoadResult;
  upstreamPerAuth: number;
  idleRssBytes: number;
  peakRssBytes: number;
  burst?: { upstream: number; statusCounts: Record<string, number> };
  malformed?: { upstream: number; statusCounts: Record<string, number>; errors: number };
}

/** Requests cut off when a run stops are still served by the app, upstream calls included: wait for them. */
const settle = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 200 + 3 * LATENCY_MS));

/**
 * Measures a group of scenarios whose figures are compared with each other. All their apps run
 * at once (idle apps cost nothing), each is warmed up, then they take turns in {@link ROUNDS}
 * rounds of DURATION_S / ROUNDS seconds, the order reversed every other round, so that a change
 * in the machine's load during the run (other processes) falls on all of them alike.
 * Afterwards each app's peak RSS is read, then its burst and malformed mix run.
 */
async function measureGroup(group: readonly Scenario[], amazon: FakeAmazon, libs: { now: string; before?: string }): Promise<Measured[]> {
  const apps: RunningApp[] = [];
  try {
    for (const scenario of group) apps.push(await startApp(scenario.app, amazon, scenario.before === true ? libs.before ?? '' : libs.now));
    const runs = await Promise.all(apps.map(async (app, k) => {
      const scenario = group[k] as Scenario;
      return { scenario, app, token: amazon.issueToken(), idleRssBytes: (await app.stats()).rssBytes, rounds: [] as Round[], upstream: 0 };
    }));
    for (const run of runs) {
      if (WARMUP_S === 0) break;
      await round(run.app.port, amazon, { ...run.scenario, token: run.token, seconds: WARMUP_S });
      await settle();
    }
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const run of r % 2 === 0 ? runs : [...runs].reverse()) {
        amazon.reset();
        run.rounds.push(await round(run.app.port, amazon, { ...run.scenario, token: run.token, seconds: DURATION_S / ROUNDS }));
        await settle();
        run.upstream += upstream(amazon);
      }
    }
    const measured: Measured[] = [];
    for (const run of runs) {
      const result = summarize(run.rounds);
      const row: Measured = {
        scenario: run.scenario,
        load: result,
        upstreamPerAuth: run.upstream / Math.max(1, result.sent),
        idleRssBytes: run.idleRssBytes,
        peakRssBytes: (await run.app.stats()).maxRssBytes,
      };
      if (run.scenario.burst) {
        const fresh = amazon.issueToken();
        amazon.reset();
        const statusCounts = await burst(run.app.port, run.scenario.place, fresh, BURST);
        row.burst = { upstream: upstream(amazon), statusCounts };
      }
      if (run.scenario.malformed) row.malformed = await malformed(run.app.port, amazon);
      measured.push(row);
    }
    return measured;
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
  }
}

/** Warm req/s with the channels (no subscriber) over the build before them; with the bridge over without. */
function observabilityRatios(results: Map<string, Measured>): { channels?: number; otel?: number } {
  const rps = (id: string): number | undefined => results.get(id)?.load.reqPerSec;
  const [now, before, otel] = [rps('lwa-warm-on'), rps('lwa-warm-before'), rps('lwa-warm-otel')];
  return {
    ...(now !== undefined && before !== undefined ? { channels: now / before } : {}),
    ...(now !== undefined && otel !== undefined ? { otel: otel / now } : {}),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`passport-login-with-amazon benchmark: node ${process.version}, ${String(os.availableParallelism())} CPUs, ` +
    `upstream latency ${String(LATENCY_MS)} ms per call, ${String(CONNECTIONS)} connections, ` +
    `${String(WARMUP_S)} s warm-up + ${String(DURATION_S)} s per scenario in ${String(ROUNDS)} alternating rounds; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const lib = await buildStrategy();
  console.log(`strategy under test: ${lib.startsWith(new URL('../lib/', import.meta.url).href) ? 'lib/*.ts through tsx (BENCH_SOURCES=1)' : 'lib/ compiled with tsconfig.build.json (as published)'}`);
  const chosen = SCENARIOS.filter((s) => ONLY === undefined || ONLY.includes(s.id));
  const before = chosen.some((s) => s.before === true) ? await buildStrategyAt(BEFORE_CHANNELS) : undefined;
  const amazon = await createFakeAmazon({ latencyMs: LATENCY_MS });
  const results = new Map<string, Measured>();
  try {
    // Cold scenarios are compared with each other, warm ones with each other (see measureGroup).
    for (const group of [chosen.filter((s) => s.fresh), chosen.filter((s) => !s.fresh)]) {
      if (group.length === 0) continue;
      process.stderr.write(`  running, in turns: ${group.map((s) => s.id).join(', ')}\n`);
      for (const row of await measureGroup(group, amazon, { now: lib, ...(before ? { before } : {}) })) results.set(row.scenario.id, row);
    }
  } finally {
    await amazon.close();
  }
  if (ONLY !== undefined) {
    console.log(`\nBENCH_ONLY=${ONLY.join(',')}: targets skipped.\n`);
    console.log(table([...results.values()].map((m) => ({ ...m, label: m.scenario.label }))));
    const ratios = observabilityRatios(results);
    if (ratios.channels !== undefined) console.log(`\nchannels compiled in, no subscriber: ${fixed(ratios.channels, 3)} × the warm req/s before them`);
    if (ratios.otel !== undefined) console.log(`OpenTelemetry bridge recording: ${fixed(ratios.otel, 3)} × the unobserved warm req/s`);
    return;
  }
  process.stderr.write('  running: heap (10,000 → 100,000 distinct tokens)\n');
  const heap = await measureHeap(lib);

  const get = (id: string): Measured => {
    const found = results.get(id);
    if (!found) throw new Error(`missing scenario ${id}`);
    return found;
  };
  const cold = get('lwa-cold-off');
  const warm = get('lwa-warm-on');
  const baseline = get('baseline');
  const ceiling = get('ceiling');
  const peer = get('peer');
  const tokenInfoOnly = get('lwa-cold-tokeninfo');
  const lwaBurst = warm.burst;
  const lwaMalformed = warm.malformed;
  if (!lwaBurst || !lwaMalformed) throw new Error('missing burst or malformed measurement');

  const warmBefore = get('lwa-warm-before');
  const observed = get('lwa-warm-otel');
  const { channels: channelsRatio = NaN, otel: otelRatio = NaN } = observabilityRatios(results);
  const coldRatio = cold.load.p50 / baseline.load.p50;
  const warmRatio = warm.load.reqPerSec / ceiling.load.reqPerSec;
  const growthMB = heap.growthBytes / MB;

  console.log('\nScenarios (autocannon in the load-generator process, each app in its own child process; cold and warm groups each in alternating rounds):\n');
  console.log(table([...results.values()].map((m) => ({ ...m, label: m.scenario.label }))));

  console.log(`\nBurst: ${String(BURST)} concurrent requests, one new token, one connection each:\n`);
  console.log('| app | upstream calls | responses |');
  console.log('|---|---:|---|');
  for (const row of results.values()) {
    if (row.burst) console.log(`| ${row.scenario.name} | ${String(row.burst.upstream)} | ${statuses(row.burst.statusCounts)} |`);
  }

  console.log(`\nMalformed: ${MALFORMED_REQUESTS.toLocaleString('en-US')} requests, ${String(MALFORMED_CONNECTIONS)} connections, ` +
    'mix of control characters (query %01, TAB in x-amz-access-token, bearer %00), a 2,100-byte token, ' +
    'token in two places (bearer + query, bearer + x-amz-access-token), a bare `Bearer`:\n');
  console.log('| app | upstream calls | responses |');
  console.log('|---|---:|---|');
  for (const row of results.values()) {
    if (row.malformed) {
      const errors = row.malformed.errors > 0 ? ` errors×${String(row.malformed.errors)}` : '';
      console.log(`| ${row.scenario.name} | ${String(row.malformed.upstream)} | ${statuses(row.malformed.statusCounts)}${errors} |`);
    }
  }

  console.log(`\nHeap: ${heap.to.toLocaleString('en-US')} distinct valid tokens through the strategy (no HTTP; Amazon stubbed at ` +
    `AmazonClient.prototype.validate), cache { max: ${heap.max.toLocaleString('en-US')} }, heapUsed after global.gc(): ` +
    `${mb(heap.heapAtFromBytes)} at ${heap.from.toLocaleString('en-US')}, ${mb(heap.heapAtToBytes)} at ${heap.to.toLocaleString('en-US')} ` +
    `(${String(heap.succeeded)} authenticated, ${String(heap.upstreamCalls)} upstream validations, cache size ${String(heap.cacheSize ?? 'n/a')}, ${fixed(heap.seconds, 1)} s)`);

  console.log('\nTargets:\n');
  console.log('| measure | baseline | target | measured | result |');
  console.log('|---|---|---|---|---|');
  console.log(`| cold authentication latency (p50), cache off | sequential tokeninfo → profile: ${fixed(baseline.load.p50, 1)} ms | ≤ 0.6 × baseline | ${fixed(cold.load.p50, 1)} ms = ${fixed(coldRatio, 2)} × baseline | ${verdict(coldRatio <= 0.6)} |`);
  console.log(`| warm throughput, same token, cache on | ceiling (passport-http-bearer, constant verify): ${fixed(ceiling.load.reqPerSec, 0)} req/s | ≥ 0.85 × ceiling | ${fixed(warm.load.reqPerSec, 0)} req/s = ${fixed(warmRatio, 2)} × ceiling | ${verdict(warmRatio >= 0.85)} |`);
  console.log(`| warm throughput, channels compiled in, no subscriber | before the channels (${BEFORE_CHANNELS}): ${fixed(warmBefore.load.reqPerSec, 0)} req/s | within 2% (0.98–1.02 ×) | ${fixed(warm.load.reqPerSec, 0)} req/s = ${fixed(channelsRatio, 3)} × | ${verdict(Math.abs(channelsRatio - 1) <= 0.02)} |`);
  console.log(`| warm throughput, OpenTelemetry bridge recording spans and metrics | unobserved: ${fixed(warm.load.reqPerSec, 0)} req/s | ≥ 0.85 × unobserved | ${fixed(observed.load.reqPerSec, 0)} req/s = ${fixed(otelRatio, 2)} × | ${verdict(otelRatio >= 0.85)} |`);
  console.log(`| upstream calls, burst of ${String(BURST)} concurrent requests with one new token | 200 (measured: ${String(baseline.burst?.upstream ?? 'n/a')}) | exactly 2 | ${String(lwaBurst.upstream)} | ${verdict(lwaBurst.upstream === 2)} |`);
  console.log(`| upstream calls, ${MALFORMED_REQUESTS.toLocaleString('en-US')} requests with malformed tokens | up to 20,000 (measured: ${String(baseline.malformed?.upstream ?? 'n/a')}) | 0 | ${String(lwaMalformed.upstream)} | ${verdict(lwaMalformed.upstream === 0)} |`);
  console.log(`| heapUsed growth after GC, ${heap.from.toLocaleString('en-US')} → ${heap.to.toLocaleString('en-US')} distinct tokens, cache.max ${heap.max.toLocaleString('en-US')} | — | ≤ 5 MB | ${fixed(growthMB, 2)} MB | ${verdict(growthMB <= 5)} |`);

  console.log(`\nAlso: cache off, cold p50 = ${fixed(cold.load.p50 / peer.load.p50, 2)} × passport-amazon-token's (one upstream call, no audience check); ` +
    `cold req/s ${fixed(cold.load.reqPerSec / baseline.load.reqPerSec, 2)} × baseline.`);
  console.log(`profile: false, cache off: ${fixed(tokenInfoOnly.upstreamPerAuth, 2)} upstream calls per authentication (full mode ${fixed(cold.upstreamPerAuth, 2)}), ` +
    `cold p50 ${fixed(tokenInfoOnly.load.p50, 1)} ms = ${fixed(tokenInfoOnly.load.p50 / cold.load.p50, 2)} × the full mode's.`);
  console.log(`Total time ${fixed((performance.now() - started) / 1000, 0)} s.`);

  const failed = [coldRatio <= 0.6, warmRatio >= 0.85, Math.abs(channelsRatio - 1) <= 0.02, otelRatio >= 0.85, lwaBurst.upstream === 2, lwaMalformed.upstream === 0, growthMB <= 5].some((ok) => !ok);
  if (failed) process.exitCode = 1;
}

// A hard stop, in case anything hangs: the run never outlives a generous multiple of its plan.
const LIMIT_MS = (SCENARIOS.length * (WARMUP_S + DURATION_S + 15) + 180) * 1000;
setTimeout(() => {
  console.error(`bench: still running after ${String(LIMIT_MS / 1000)} s, stopping`);
  process.exit(2);
}, LIMIT_MS).unref();

await main();
