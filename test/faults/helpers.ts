/**
 * A small programmable upstream for the fault matrix (a real node:http server on 127.0.0.1 that can
 * reset a connection mid-body, trickle a body or stream one without end), and a harness that runs
 * the strategy the way Passport does and records every action it takes.
 */
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import Module from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import type { Strategy } from 'passport-strategy';

export const CLIENT_ID = 'amzn1.application-oa2-client.faults0123456789abcdef0123';
export const APP_ID = 'amzn1.application.faults0123456789abcdef0123456789';
export const USER_ID = 'amzn1.account.FAULTS0123456789';
/** Shaped like Amazon's tokens: `Atza|` and 400 URL-safe characters. */
export const TOKEN = `Atza|IwEBIfaults${'Zq9-_Xw7Lm'.repeat(40)}`.slice(0, 405);

export function tokenInfoBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: 'https://www.amazon.com', user_id: USER_ID, aud: CLIENT_ID, app_id: APP_ID, exp: 3597, iat: 1311280970, ...overrides };
}

export function profileBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { user_id: USER_ID, name: 'Mork Hashimoto', email: 'mhashimoto-04@plaxo.com', ...overrides };
}

export type Endpoint = 'tokeninfo' | 'profile';
export const PATHS: Readonly<Record<Endpoint, string>> = { tokeninfo: '/auth/o2/tokeninfo', profile: '/user/profile' };

/** Tools a handler gets besides the request and response. */
export interface HandlerTools {
  /** Runs `action` later unless the upstream closes first. */
  later(ms: number, action: () => void): void;
  /** Runs `action` every `ms` until it returns `false` or the upstream closes. */
  every(ms: number, action: () => boolean): void;
  /** Adds to the bytes this upstream wrote into response bodies. */
  wrote(bytes: number): void;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, tools: HandlerTools) => void;

/** Writes a whole answer: JSON for anything but a string, which is sent as is. */
export function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export const healthy: Readonly<Record<Endpoint, Handler>> = {
  tokeninfo: (_req, res) => reply(res, 200, tokenInfoBody()),
  profile: (_req, res) => reply(res, 200, profileBody()),
};

/** A running programmable upstream. */
export interface Upstream {
  origin: string;
  endpoints: { tokenInfoURL: string; profileURL: string };
  /** Requests received, per path. */
  calls: Record<string, number>;
  /** Responses that closed before they were fully written (the client went away). */
  aborted: number;
  /** Body bytes handed to `res.write` by handlers that report them. */
  bytesWritten: number;
  /** Sockets open right now. */
  openConnections(): number;
  /** Resolves once every response so far has finished or closed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Starts an upstream on 127.0.0.1 whose paths answer with `handlers` (anything else: 404). */
export async function startUpstream(handlers: Record<string, Handler>): Promise<Upstream> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<unknown>>();
  const server = http.createServer();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const upstream: Upstream = {
    origin,
    endpoints: { tokenInfoURL: `${origin}${PATHS.tokeninfo}`, profileURL: `${origin}${PATHS.profile}` },
    calls: {},
    aborted: 0,
    bytesWritten: 0,
    openConnections: () => sockets.size,
    settled: async () => {
      await Promise.all([...pending]);
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // A connection the client dropped before sending a request is not one of the server's HTTP
      // connections; destroy it too, and wait (bounded) until every socket has emitted 'close'.
      for (const socket of sockets) socket.destroy();
      await closed;
      for (let i = 0; i < 100 && sockets.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all([...pending]);
    },
  };
  const tools: HandlerTools = {
    later: (ms, action) => {
      const timer = setTimeout(() => { timers.delete(timer); action(); }, ms);
      timers.add(timer);
    },
    every: (ms, action) => {
      const timer = setInterval(() => {
        if (action()) return;
        clearInterval(timer);
        timers.delete(timer);
      }, ms);
      timers.add(timer);
    },
    wrote: (bytes) => { upstream.bytesWritten += bytes; },
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    upstream.calls[path] = (upstream.calls[path] ?? 0) + 1;
    const done = once(res, 'close').then(() => {
      if (!res.writableFinished) upstream.aborted += 1;
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
    const handler = Object.hasOwn(handlers, path) ? handlers[path] : undefined;
    if (handler === undefined) return reply(res, 404, { error: 'NotFound' });
    handler(req, res, tools);
  });
  return upstream;
}

/** A loopback URL where nothing listens (connection refused). */
export async function refusedURL(path: string): Promise<string> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${String(port)}${path}`;
}

/** One call a strategy made to Passport. */
export type Action =
  | { type: 'success'; user: unknown; info: unknown }
  | { type: 'fail'; challenge: unknown; status: number | undefined }
  | { type: 'error'; err: unknown }
  | { type: 'pass' }
  | { type: 'redirect'; url: unknown };

/** Runs `authenticate` as Passport does (on `Object.create(strategy)`), recording every action. */
export function authenticate(strategy: Strategy, req: unknown): { first: Promise<Action>; actions: Action[]; threw: unknown[] } {
  const actions: Action[] = [];
  const threw: unknown[] = [];
  let resolveFirst: (action: Action) => void = () => undefined;
  const first = new Promise<Action>((resolve) => { resolveFirst = resolve; });
  const record = (action: Action): void => {
    actions.push(action);
    resolveFirst(action);
  };
  const instance = Object.create(strategy) as Strategy & Record<string, unknown>;
  instance.success = (user: unknown, info: unknown) => record({ type: 'success', user, info });
  instance.fail = (challenge: unknown, status?: number) => record({ type: 'fail', challenge, status });
  instance.error = (err: unknown) => record({ type: 'error', err });
  instance.pass = () => record({ type: 'pass' });
  instance.redirect = (url: unknown) => record({ type: 'redirect', url });
  try {
    instance.authenticate(req as never, {});
  } catch (err) {
    threw.push(err);
  }
  return { first, actions, threw };
}

/**
 * Node's own process object. Under jest, `process` is a sandbox copy whose listeners never hear
 * the real 'unhandledRejection' events; the CommonJS loader still hands out the real one.
 */
export function realProcess(): NodeJS.Process {
  return (Module as unknown as { _load(request: string): NodeJS.Process })._load('process');
}

/** Counts unhandled rejections and uncaught exceptions until `stop()`. */
export function watchUnhandled(): { events: unknown[]; stop: () => void } {
  const proc = realProcess();
  const events: unknown[] = [];
  const listener = (reason: unknown): void => { events.push(reason); };
  proc.on('unhandledRejection', listener);
  return { events, stop: () => { proc.off('unhandledRejection', listener); } };
}

/** Sockets, servers and timers alive right now (from process.getActiveResourcesInfo). */
export function resources(): { sockets: number; servers: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  const count = (name: string): number => info.filter((entry) => entry === name).length;
  return { sockets: count('TCPSocketWrap'), servers: count('TCPServerWrap'), timers: count('Timeout') };
}

/**
 * Waits (bounded) until no more sockets, servers and timers are alive than in `baseline`, and
 * returns what is alive then. Closed sockets leave the list a few event-loop turns later.
 */
export async function settleResources(baseline: ReturnType<typeof resources>, maxWaitMs = 2000): Promise<ReturnType<typeof resources>> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const now = resources();
    const clean = now.sockets <= baseline.sockets && now.servers <= baseline.servers && now.timers <= baseline.timers;
    if (clean || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Rejects when `promise` has not settled within `ms` (an upper bound only; the timer is cleared). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${String(ms)} ms`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}
