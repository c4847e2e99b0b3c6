/**
 * `npm run bench:flood`: a flood of distinct well-formed requests against an app whose Amazon
 * accepts connections and never answers (loopback only). Reports the app's heap growth (peak
 * `heapUsed` sampled every 20 ms, and after GC once every request has its answer), the longest
 * time to an answer (in the app: from the request's arrival in Express; and in the load generator:
 * from the moment the request had its connection, which adds the app's accept and parse backlog), the answers by status, and
 * whether the app still answers afterwards. With FLOOD_PER_REQUEST=W it measures instead what each
 * waiting request costs: W requests held waiting (a 60 s timeout), the heap after GC over W.
 *
 * Environment: FLOOD_KIND (`token` or `app-code`, default token; `hold`: a route without the
 * library that never answers, the cost of a waiting request's connection and Express objects alone,
 * with FLOOD_PER_REQUEST; `refuse`: a route without the library that answers 503 at once, what the
 * flood itself costs the app), FLOOD_N (default 100000), FLOOD_SNAPSHOT (with FLOOD_PER_REQUEST: write
 * the app's heap snapshot to /tmp/flood.heapsnapshot while the requests wait), FLOOD_LIVE_MS
 * (also the peak live heap: a forced GC every so many ms, then `heapUsed`; slows the app),
 * FLOOD_CONNECTIONS (default 10000), FLOOD_TIMEOUT (ms, default 3000), FLOOD_RETRIES (default 0),
 * FLOOD_MAX_WAITING (the option; default: the library's), FLOOD_LIB (a lib/ folder of another
 * checkout, for the "before" row), FLOOD_LIMIT_S (hard stop, default 900).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';

const KIND = process.env.FLOOD_KIND ?? 'token';
const N = Number(process.env.FLOOD_N ?? 100_000);
const CONNECTIONS = Number(process.env.FLOOD_CONNECTIONS ?? 10_000);
const PER_REQUEST = Number(process.env.FLOOD_PER_REQUEST ?? 0);
const TIMEOUT = PER_REQUEST > 0 ? 60_000 : Number(process.env.FLOOD_TIMEOUT ?? 3000);
const LIMIT_S = Number(process.env.FLOOD_LIMIT_S ?? 900);
const MB = 1024 * 1024;


// Amazon that never answers: connections are accepted, read and left open.
let upstreamConnections = 0;
const silent = net.createServer((socket) => { upstreamConnections += 1; socket.on('error', () => undefined); socket.resume(); });
silent.listen(0, '127.0.0.1');
await new Promise((resolve) => silent.once('listening', resolve));
const upstream = `http://127.0.0.1:${String((silent.address() as net.AddressInfo).port)}`;

const child = fork(new URL('flood-app.ts', import.meta.url), [], {
  execArgv: ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx'],
  // NODE_ENV=test: Express's default error handler answers without printing each error's stack.
  env: { ...process.env, NODE_ENV: 'test', FLOOD_UPSTREAM: upstream, FLOOD_TIMEOUT: String(TIMEOUT) },
});
child.on('exit', (code) => { if (code !== 0) { console.error(`flood: the app exited (${String(code)})`); process.exit(3); } });
type Heap = { heap: number; idle: number; peak: number; livePeak?: number; longestInApp: number; maxLoopDelayMs: number; arrived: number; waiting?: number };
const nextMessage = <T>(): Promise<T> => new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
const { port } = await nextMessage<{ port: number }>();
const askHeap = (): Promise<Heap> => { const reply = nextMessage<Heap>(); child.send('heap'); return reply; };

// At the hard limit: what was answered so far, then stop.
const limit = setTimeout(() => {
  const partial = { kind: KIND, hardLimitS: LIMIT_S, answered, longestFromConnectionS: Number((longest / 1000).toFixed(2)), statuses: Object.fromEntries(statuses) };
  const report = (heap?: Heap): never => {
    const heapMB = heap && { peakHeapGrowthMB: Number(((heap.peak - heap.idle) / MB).toFixed(1)), heapNowMB: Number(((heap.heap - heap.idle) / MB).toFixed(1)), longestInAppS: Number((heap.longestInApp / 1000).toFixed(2)) };
    console.log(JSON.stringify({ ...partial, ...heapMB }));
    child.kill();
    process.exit(2);
  };
  setTimeout(() => { report(); }, 30_000).unref();
  void askHeap().then(report);
}, LIMIT_S * 1000);
limit.unref();

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const statuses = new Map<string, number>();
let longest = 0;
let answered = 0;

function body(): string {
  return JSON.stringify({ code: `ANflood${randomBytes(15).toString('base64url')}`, code_verifier: randomBytes(48).toString('base64url'), redirect_uri: 'amzn://com.example.flood' });
}

/** One request; resolves with its status (or an error name) once answered. */
function send(): Promise<void> {
  return new Promise((resolve) => {
    const payload = KIND === 'token' ? undefined : body();
    const headers: http.OutgoingHttpHeaders = KIND === 'token'
      ? { authorization: `Bearer Atza|IwEBI${randomBytes(270).toString('base64url')}` }
      : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload ?? '') };
    let startedAt = 0;
    const done = (status: string): void => {
      if (startedAt > 0) longest = Math.max(longest, performance.now() - startedAt);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      answered += 1;
      resolve();
    };
    const req = http.request({ host: '127.0.0.1', port, path: '/auth', method: KIND === 'token' ? 'GET' : 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => { done(String(res.statusCode)); });
    });
    req.on('socket', () => { startedAt = performance.now(); });
    req.on('error', (err: NodeJS.ErrnoException) => { done(err.code ?? err.name); });
    req.end(payload);
  });
}

const started = performance.now();
if (PER_REQUEST > 0) {
  for (let i = 0; i < PER_REQUEST; i += 1) void send();
  // Every request waits once all have arrived in the app, the upstream sockets are open, and 2 s more have passed.
  let heap = await askHeap();
  while (heap.arrived < PER_REQUEST || (KIND !== 'hold' && upstreamConnections < 50)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    heap = await askHeap();
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  heap = await askHeap();
  const result = { kind: KIND, waiting: PER_REQUEST, answeredMeanwhile: answered, heapAfterGcMB: (heap.heap - heap.idle) / MB, perRequestKB: (heap.heap - heap.idle) / PER_REQUEST / 1024, arrived: heap.arrived, admissionSize: heap.waiting };
  console.log(JSON.stringify(result));
  if (process.env.FLOOD_SNAPSHOT) { const r = nextMessage<{ file: string }>(); child.send('snapshot'); console.log(await r); }
} else {
  await Promise.all(Array.from({ length: N }, send));
  const seconds = (performance.now() - started) / 1000;
  const heap = await askHeap();
  const lastStatuses = Object.fromEntries([...statuses].sort());
  statuses.clear();
  const before = answered;
  await send(); // the app still answers
  const alive = answered === before + 1 && [...statuses.keys()].every((s) => /^\d+$/.test(s));
  const result = {
    kind: KIND, requests: N, connections: CONNECTIONS, timeoutMs: TIMEOUT, seconds: Number(seconds.toFixed(1)),
    longestInAppS: Number((heap.longestInApp / 1000).toFixed(2)), maxEventLoopDelayS: Number((heap.maxLoopDelayMs / 1000).toFixed(2)), longestFromConnectionS: Number((longest / 1000).toFixed(2)), peakHeapGrowthMB: Number(((heap.peak - heap.idle) / MB).toFixed(1)),
    ...(heap.livePeak === undefined ? {} : { peakLiveHeapGrowthMB: Number(((heap.livePeak - heap.idle) / MB).toFixed(1)) }),
    heapAfterGcGrowthMB: Number(((heap.heap - heap.idle) / MB).toFixed(1)), upstreamConnections, aliveAfter: alive, statuses: lastStatuses,
  };
  console.log(JSON.stringify(result));
}
child.send('stop');
agent.destroy();
silent.close();
process.exit(0);
