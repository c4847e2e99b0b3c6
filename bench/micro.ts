/**
 * `npm run bench:micro`: the CPU cost of the observability, in-process, without HTTP: `authenticate()`
 * on a cached token (the warm path, where any overhead shows most), in nanoseconds per call.
 * 1. the build before the channels (BEFORE_CHANNELS) against today's build, nobody subscribed;
 * 2. today's build before and after the OpenTelemetry bridge is enabled (spans and metrics recorded).
 * Builds as `npm run bench` does (tsc with tsconfig.build.json); median of MICRO_ROUNDS rounds.
 */
import { createFakeAmazon } from '../lib/testing/index.js';
import { buildStrategy, buildStrategyAt } from './apps.js';
import { BEFORE_CHANNELS } from './config.js';
import { startTelemetry } from './telemetry.js';

const CALLS = 100_000;
const ROUNDS = 9;

type Lib = typeof import('../lib/index.js');

const amazon = await createFakeAmazon();
const token = amazon.issueToken();
const req = { headers: { authorization: `Bearer ${token}` }, query: {}, body: {} };

/** A function timing CALLS authentications of the cached token with the strategy of `lib`; ns per call. */
async function timer(lib: string): Promise<() => number> {
  const { LoginWithAmazonStrategy } = (await import(new URL('index.js', lib).href)) as Lib;
  const strategy = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints }, (_a, _r, profile, done) => {
    done(null, { id: profile.id });
  });
  const on = (action: () => void): LoginWithAmazonStrategy => Object.assign(Object.create(strategy) as LoginWithAmazonStrategy, { success: action, fail: action, error: action });
  await new Promise<void>((resolve) => { on(resolve).authenticate(req); }); // fills the cache
  const run = on(() => undefined);
  return () => {
    const started = performance.now();
    for (let i = 0; i < CALLS; i += 1) run.authenticate(req);
    return ((performance.now() - started) / CALLS) * 1e6;
  };
}
type LoginWithAmazonStrategy = InstanceType<Lib['LoginWithAmazonStrategy']>;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

try {
  const [now, before] = [await buildStrategy(), await buildStrategyAt(BEFORE_CHANNELS)];
  const [timeNow, timeBefore] = [await timer(now), await timer(before)];
  const rounds = { now: [] as number[], before: [] as number[], otel: [] as number[] };
  for (let r = 0; r < ROUNDS; r += 1) {
    rounds.now.push(timeNow());
    rounds.before.push(timeBefore());
  }
  await startTelemetry(now);
  for (let r = 0; r < ROUNDS; r += 1) rounds.otel.push(timeNow());
  const [n, b, o] = [median(rounds.now), median(rounds.before), median(rounds.otel)];
  console.log(`authenticate() on a cached token, ns per call (median of ${String(ROUNDS)} × ${String(CALLS)}), node ${process.version}:`);
  console.log(`  before the channels (${BEFORE_CHANNELS}): ${b.toFixed(0)}`);
  const signed = (ns: number): string => `${ns >= 0 ? '+' : ''}${ns.toFixed(0)} ns`;
  console.log(`  channels compiled in, no subscriber: ${n.toFixed(0)} (${signed(n - b)}, ${(n / b).toFixed(3)} ×)`);
  console.log(`  OpenTelemetry bridge recording: ${o.toFixed(0)} (${signed(o - n)} over unobserved)`);
} finally {
  await amazon.close();
}
process.exit(0);
