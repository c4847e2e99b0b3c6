/**
 * Bounded soak: SOAK_REQUESTS (default 20,000) authentications at concurrency 100 through a real
 * Express 5 app on 127.0.0.1, against the fake Login with Amazon on loopback, with 2 % of the
 * requests preceded by an injected tokeninfo fault.
 *
 * Run: `npm run soak` (`node --expose-gc --import tsx soak/run.ts`); `npm run soak:ci` does 2,000.
 * The client is node:http with a keep-alive agent of CONCURRENCY sockets.
 *
 * The strategy runs with `cache: false` and `retries: 0`: every request that gets past extraction
 * costs exactly one tokeninfo call, so each injected fault (queued with `times: 1`) is used by
 * exactly one request, and that request ends in exactly one 502/504 whatever token it carried.
 *
 * Asserts: no wrong success (every 200 is a valid token's request naming that token's user);
 * 502/504 count == injected faults, and no other status than the kind's own; tokeninfo calls ==
 * requests that got past extraction; no unhandled rejection or uncaught exception; heap growth
 * (after global.gc) under HEAP_BOUND_MB; no socket, server or timer left after close. Prints a
 * summary table, exits 1 on any failed assertion, 2 when it runs past its time limit.
 */
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Passport } from 'passport';
import { LoginWithAmazonStrategy } from '../lib/index.js';
import { createFakeAmazon } from '../lib/testing/index.js';
import { EXPECTED_STATUS, faultKinds, plan, type Kind, type Planned } from './mix.js';

const TOTAL = Number(process.env.SOAK_REQUESTS ?? 20_000);
const CONCURRENCY = 100;
/** The default upstream timeout: long enough that a busy machine never times out on its own. */
const TIMEOUT_MS = 5000;
const HEAP_BOUND_MB = 32;
/** Requests run before the heap baseline is taken (they count towards TOTAL). */
const WARM_UP = Math.min(1000, Math.floor(TOTAL / 10));
const TIME_LIMIT_MS = Math.max(60_000, TOTAL * 15);

if (!Number.isInteger(TOTAL) || TOTAL < 100) throw new Error('SOAK_REQUESTS must be an integer of at least 100');
const gc = (globalThis as { gc?: () => void }).gc;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc (npm run soak does)');

const watchdog = setTimeout(() => {
  console.error(`soak: still running after ${String(TIME_LIMIT_MS)} ms, giving up`);
  process.exit(2);
}, TIME_LIMIT_MS);
watchdog.unref();

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));
process.on('uncaughtException', (error) => unhandled.push(error));

const CLIENT_ID = 'amzn1.application-oa2-client.soak';
const amazon = await createFakeAmazon({ clientID: CLIENT_ID });
const requests = plan(amazon, TOTAL, TIMEOUT_MS);

const passport = new Passport();
passport.use(new LoginWithAmazonStrategy(
  // The malformed mix sends tokens in the query too (twice, or beside a header): turn the query on.
  { clientID: CLIENT_ID, ...amazon.endpoints, cache: false, retries: 0, timeout: TIMEOUT_MS, tokenSources: ['header', 'amz-header', 'body', 'query'] },
  (_access, _refresh, profile, done) => done(null, { id: profile.id }),
));
const app = express();
app.get('/me', passport.authenticate('amazon-token', { session: false }) as RequestHandler, (req, res) => {
  res.json({ id: (req.user as { id: string }).id });
});
const onError: ErrorRequestHandler = (err: { status?: number; code?: string }, _req, res, _next) => {
  res.status(err.status ?? 500).json({ code: err.code ?? null });
};
app.use(onError);
const server: Server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/me`;

interface Seen {
  status: number;
  body: { id?: string; code?: string | null };
}

/** Keep-alive client: at most CONCURRENCY connections to the app. */
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function send(request: Planned): Promise<Seen> {
  if (request.fault) amazon.fault('tokeninfo', request.fault);
  const { headers, query } = request.wire();
  const { status, text } = await get(base + query, headers);
  let body: Seen['body'] = {};
  try {
    body = JSON.parse(text) as Seen['body'];
  } catch {
    // Passport's 401/400/403 answers have a plain-text body.
  }
  return { status, body };
}

// Tallied as answers arrive (nothing per request is kept, so the heap measures the app, not us).
const kinds: Kind[] = ['valid', 'expired', 'wrong-audience', 'malformed', 'fault'];
const table = new Map<Kind, Record<string, number>>(kinds.map((kind) => [kind, {}]));
const faultCodes = new Set(faultKinds(TIMEOUT_MS).map((f) => `${String(f.status)} ${f.code}`));
const seenAnswers: Record<string, number> = {};
let wrongSuccess = 0;
let upstreamErrors = 0;
let unexpected = 0;
const examples: string[] = [];
function tally(i: number, request: Planned, { status, body }: Seen): void {
  const row = table.get(request.kind) as Record<string, number>;
  row[String(status)] = (row[String(status)] ?? 0) + 1;
  if (status === 200) {
    if (request.userId === undefined || body.id !== request.userId) {
      wrongSuccess += 1;
      if (examples.length < 5) examples.push(`#${String(i)} ${request.kind}: 200 for ${String(body.id)}`);
    }
  } else if (status === 502 || status === 504) {
    upstreamErrors += 1;
    const answer = `${String(status)} ${String(body.code)}`;
    seenAnswers[answer] = (seenAnswers[answer] ?? 0) + 1;
    if (!faultCodes.has(answer)) {
      unexpected += 1;
      if (examples.length < 5) examples.push(`#${String(i)} ${request.kind}: ${answer}`);
    }
  } else if (status !== EXPECTED_STATUS[request.kind]) {
    unexpected += 1;
    if (examples.length < 5) examples.push(`#${String(i)} ${request.kind}: ${String(status)} ${JSON.stringify(body)}`);
  }
}

const clientErrors: unknown[] = [];
async function drive(from: number, to: number): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const i = next;
      next += 1;
      const request = requests[i] as Planned;
      try {
        tally(i, request, await send(request));
      } catch (error) {
        clientErrors.push(error);
        tally(i, request, { status: 0, body: {} });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const started = performance.now();
await drive(0, WARM_UP);
const heapBefore = heapAfterGc();
const middle = Math.floor((WARM_UP + TOTAL) / 2);
await drive(WARM_UP, middle);
const heapMiddle = heapAfterGc();
await drive(middle, TOTAL);
const heapAfter = heapAfterGc();
const seconds = (performance.now() - started) / 1000;
const openToApp = await new Promise<number>((resolve) => server.getConnections((_e, count) => resolve(count)));
const upstreamCalls = amazon.calls;

// Close everything, then wait (bounded) for the sockets to go.
agent.destroy();
server.closeAllConnections();
await new Promise<void>((resolve) => server.close(() => resolve()));
await amazon.close();
const resourcesLeft = async (): Promise<string[]> => {
  const deadline = Date.now() + 5000;
  for (;;) {
    const left = process.getActiveResourcesInfo().filter((name) => ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].includes(name));
    // The watchdog is one Timeout of our own.
    const withoutWatchdog = left.filter((name, i) => !(name === 'Timeout' && i === left.indexOf('Timeout')));
    if (withoutWatchdog.length === 0 || Date.now() > deadline) return withoutWatchdog;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const left = await resourcesLeft();

const injected = requests.filter((request) => request.fault).length;
// Per answer: how many each injected fault kind must produce, and how many came.
const byAnswer = (entries: string[]): Record<string, number> =>
  entries.reduce<Record<string, number>>((counts, key) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 }), {});
const kindsByFault = new Map(faultKinds(TIMEOUT_MS).map((f) => [JSON.stringify(f.fault), `${String(f.status)} ${f.code}`]));
const expectedAnswers = byAnswer(requests.flatMap((request) => (request.fault ? [kindsByFault.get(JSON.stringify(request.fault)) ?? '?'] : [])));
const sameAnswers = JSON.stringify(Object.entries(expectedAnswers).sort()) === JSON.stringify(Object.entries(seenAnswers).sort());
const pastExtraction = requests.filter((request) => request.kind !== 'malformed').length;
const growth = heapAfter - heapBefore;

const statuses = [...new Set([...table.values()].flatMap((row) => Object.keys(row)))].sort();
console.log(`\nsoak: ${String(TOTAL)} authentications, concurrency ${String(CONCURRENCY)}, ${seconds.toFixed(1)} s ` +
  `(${String(Math.round(TOTAL / seconds))} req/s), cache: false, retries: 0, timeout ${String(TIMEOUT_MS)} ms\n`);
console.table(Object.fromEntries(kinds.map((kind) => {
  const row = table.get(kind) as Record<string, number>;
  return [kind, Object.fromEntries(statuses.map((status) => [status, row[status] ?? 0]))];
})));

const checks: [string, string, boolean][] = [
  ['wrong successes', String(wrongSuccess), wrongSuccess === 0],
  ['502/504 answers == injected faults', `${String(upstreamErrors)} == ${String(injected)}`, upstreamErrors === injected],
  ['502/504 by code == injected by kind', Object.entries(seenAnswers).sort().map(([k, n]) => `${k}: ${String(n)}`).join(', '), sameAnswers],
  ['answers outside the expected ones', String(unexpected), unexpected === 0],
  ['client-side request errors', String(clientErrors.length), clientErrors.length === 0],
  ['tokeninfo calls == requests past extraction', `${String(upstreamCalls.tokeninfo)} == ${String(pastExtraction)}`, upstreamCalls.tokeninfo === pastExtraction],
  ['unhandled rejections / uncaught exceptions', String(unhandled.length), unhandled.length === 0],
  [`heap growth after gc (< ${String(HEAP_BOUND_MB)} MB)`, `${String(mb(growth))} MB (${String(mb(heapBefore))} -> ${String(mb(heapMiddle))} -> ${String(mb(heapAfter))})`, growth < HEAP_BOUND_MB * 1024 * 1024],
  ['connections to the app before close', String(openToApp), openToApp <= CONCURRENCY],
  ['sockets, servers, timers left after close', left.length === 0 ? '0' : left.join(', '), left.length === 0],
];
console.table(checks.map(([check, value, ok]) => ({ check, value, result: ok ? 'ok' : 'FAILED' })));
for (const line of examples) console.log(`  e.g. ${line}`);
for (const error of [...unhandled, ...clientErrors].slice(0, 3)) console.log('  ', error);
clearTimeout(watchdog);
const failed = checks.filter(([, , ok]) => !ok).length;
console.log(failed === 0 ? 'soak: all checks passed' : `soak: ${String(failed)} check(s) FAILED`);
process.exitCode = failed === 0 ? 0 : 1;
