/**
 * Heap growth of the token cache, run by bench/run.ts in a child (`node --expose-gc --import tsx bench/heap.ts`).
 *
 * Method: the strategy is driven directly (no HTTP) with `cache: { max }`; Amazon is stubbed at
 * `AmazonClient.prototype.validate`, which answers at once with a tokeninfo + profile built from
 * the token (the same shapes the real client returns), so the cache, the strategy and Passport's
 * success path run for real while nothing else (a fake's token table, sockets) grows with the
 * number of tokens. Tokens are made one by one (Amazon's format, 370 characters) and never kept.
 * `heapUsed` is read after `global.gc()` at `from` tokens and again at `to` tokens.
 * Prints one JSON line on stdout.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import type { Validation } from '../lib/amazon/validation.js';

/** The strategy under test: the benchmark's build of lib/ (BENCH_LIB, see buildStrategy in apps.ts). */
const LIB = process.env.BENCH_LIB ?? new URL('../lib/', import.meta.url).href;
const load = async <T>(file: string): Promise<T> => (await import(new URL(file, LIB).href)) as T;
const { AmazonClient } = await load<typeof import('../lib/amazon/client.js')>('amazon-client.js');
const { toProfile } = await load<typeof import('../lib/amazon/profile.js')>('profile.js');
const { parseTokenInfo } = await load<typeof import('../lib/amazon/tokeninfo.js')>('tokeninfo.js');
const { LoginWithAmazonStrategy } = await load<typeof import('../lib/index.js')>('index.js');

const FROM = Number(process.env.BENCH_HEAP_FROM ?? 10_000);
const TO = Number(process.env.BENCH_HEAP_TO ?? 100_000);
const MAX = Number(process.env.BENCH_HEAP_MAX ?? 10_000);
const CONCURRENCY = 64;
const CLIENT_ID = 'amzn1.application-oa2-client.bench';

const gc = (globalThis as { gc?: () => void }).gc;
if (typeof gc !== 'function') throw new Error('run with --expose-gc');

let upstreamCalls = 0;
AmazonClient.prototype.validate = function validate(token: string): Promise<Validation> {
  upstreamCalls += 1;
  const userId = `amzn1.account.${createHash('sha256').update(token).digest('hex').slice(0, 28).toUpperCase()}`;
  const tokenInfo = parseTokenInfo({ iss: 'https://www.amazon.com', user_id: userId, aud: CLIENT_ID, exp: 3600, iat: Math.floor(Date.now() / 1000) });
  const raw = JSON.stringify({ user_id: userId, name: 'Bench User', email: 'bench@example.com' });
  return Promise.resolve({ tokenInfo, profile: toProfile(raw, JSON.parse(raw) as unknown), askedAt: Date.now() });
};

const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT_ID, cache: { max: MAX } }, (_a, _r, profile) => Promise.resolve({ id: profile.id }));

let succeeded = 0;
/** One authentication the way Passport runs it: a fresh object per request with the outcome functions. */
function authenticate(): Promise<void> {
  const token = `Atza|IwEBI${randomBytes(270).toString('base64url')}`;
  return new Promise((resolve, reject) => {
    const run = Object.create(strategy) as typeof strategy & Record<string, unknown>;
    run.success = () => { succeeded += 1; resolve(); };
    run.fail = (challenge: unknown) => reject(new Error(`fail: ${String(challenge)}`));
    run.error = (err: unknown) => reject(err instanceof Error ? err : new Error(String(err)));
    run.authenticate({ headers: { authorization: `Bearer ${token}` }, query: {} });
  });
}

async function drive(count: number): Promise<void> {
  let left = count;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left -= 1;
      await authenticate();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    await tick();
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

const started = performance.now();
await drive(FROM);
const heapAtFrom = await settledHeap();
await drive(TO - FROM);
const heapAtTo = await settledHeap();
const cacheSize = (strategy as unknown as { validator: { memory?: { size: number } } }).validator.memory?.size;

process.stdout.write(`${JSON.stringify({
  from: FROM,
  to: TO,
  max: MAX,
  succeeded,
  upstreamCalls,
  cacheSize,
  heapAtFromBytes: heapAtFrom,
  heapAtToBytes: heapAtTo,
  growthBytes: heapAtTo - heapAtFrom,
  seconds: (performance.now() - started) / 1000,
})}\n`);
