/**
 * The app under the flood (a child of bench/flood.ts, run with `node --expose-gc --import tsx`):
 * an Express 5 app with one strategy (FLOOD_KIND `token` or `app-code`, loaded from FLOOD_LIB)
 * whose Amazon is FLOOD_UPSTREAM, an endpoint that never answers. It samples `heapUsed` every
 * 20 ms and, asked over IPC, reports the idle heap, the peak, the heap after GC and the longest
 * time from a request's arrival in Express to its answer.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express, { type RequestHandler } from 'express';
import { Passport } from 'passport';

const LIB = process.env.FLOOD_LIB === undefined ? new URL('../lib/', import.meta.url).href : pathToFileURL(process.env.FLOOD_LIB).href;
const KIND = process.env.FLOOD_KIND ?? 'token';
const UPSTREAM = process.env.FLOOD_UPSTREAM ?? 'http://127.0.0.1:9';
const TIMEOUT = Number(process.env.FLOOD_TIMEOUT ?? 3000);
const RETRIES = Number(process.env.FLOOD_RETRIES ?? 0);
const MAX_WAITING = process.env.FLOOD_MAX_WAITING === undefined ? {} : { maxWaitingForAmazon: Number(process.env.FLOOD_MAX_WAITING) };
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => { throw new Error('run with --expose-gc'); });

// The library of either commit, loaded at run time.
const lib = (await import(new URL('index.ts', LIB).href)) as typeof import('../lib/index.js');
const verify = (_a: string, _r: string | undefined, profile: { id: string }, done: (err: null, user: object) => void): void => { done(null, { id: profile.id }); };
const common = { clientID: 'amzn1.application-oa2-client.flood', timeout: TIMEOUT, retries: RETRIES, ...MAX_WAITING };
const strategy = KIND === 'token'
  ? new lib.LoginWithAmazonStrategy({ ...common, tokenInfoURL: `${UPSTREAM}/auth/o2/tokeninfo`, profileURL: `${UPSTREAM}/user/profile`, cache: false }, verify)
  : new lib.LoginWithAmazonCodeExchangeStrategy({
    ...common, clientSecret: 'flood-secret', redirectURIs: ['amzn://com.example.flood'], tokenURL: `${UPSTREAM}/auth/o2/token`, profileURL: `${UPSTREAM}/user/profile`,
  }, verify);

const passport = new Passport();
passport.use(strategy);
const app = express();
// The longest time from the request's arrival in Express to its answer (what the library can bound).
let longestInApp = 0;
let arrivedCount = 0;
app.use((_req, res, next) => {
  arrivedCount += 1;
  const arrived = performance.now();
  res.on('finish', () => { longestInApp = Math.max(longestInApp, performance.now() - arrived); });
  next();
});
app.use(express.json());
if (KIND === 'hold') app.all('/auth', () => undefined);
// The load alone: every request refused at once, as the library refuses one past the cap.
if (KIND === 'refuse') app.all('/auth', (_req, res) => { res.set('retry-after', '4').status(503).send('Service Unavailable'); });
app.all('/auth', passport.authenticate(strategy.name, { session: false }) as RequestHandler, (_req, res) => { res.json({ ok: true }); });
// Express's default error handler answers (503 + Retry-After after the change, 504/502 else).
const server = app.listen(0, '127.0.0.1', 65_535);
server.keepAliveTimeout = 120_000;
server.requestTimeout = 0;
server.headersTimeout = 0;
await once(server, 'listening');

const settle = async (): Promise<number> => {
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
};
const idle = await settle();
let peak = idle;
// How late the event loop ran (a starved process answers late whatever the library promises).
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 20);
// FLOOD_LIVE_MS: also the peak of the live heap (after a forced GC every so many ms), what is kept
// rather than what V8 has not collected yet. The forced GCs slow the app: its times are not comparable.
let livePeak = idle;
const LIVE_MS = Number(process.env.FLOOD_LIVE_MS ?? 0);
const liveSampler = LIVE_MS > 0 ? setInterval(() => { gc(); livePeak = Math.max(livePeak, process.memoryUsage().heapUsed); }, LIVE_MS) : undefined;

process.on('message', (message: string) => {
  void (async () => {
    if (message === 'heap') {
      process.send?.({ heap: await settle(), idle, peak, livePeak: LIVE_MS > 0 ? livePeak : undefined, longestInApp, maxLoopDelayMs: lag.max / 1e6, arrived: arrivedCount, waiting: (strategy as unknown as { admission?: { size: number } }).admission?.size });
    } else if (message === 'snapshot') {
      await settle();
      const { writeHeapSnapshot } = await import('node:v8');
      process.send?.({ file: writeHeapSnapshot('/tmp/flood.heapsnapshot') });
    } else if (message === 'stop') {
      clearInterval(sampler);
      clearInterval(liveSampler);
      server.closeAllConnections();
      server.close();
      process.exit(0);
    }
  })();
});
process.send?.({ port: (server.address() as AddressInfo).port });
