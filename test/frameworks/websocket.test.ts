/**
 * examples/websocket: socket.io middleware and a `ws` upgrade handler that call
 * strategy.introspect(), on 127.0.0.1 against the fake Amazon. A refused handshake leaks no token,
 * to the client or to the log.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import WebSocket from 'ws';
import { LoginWithAmazonStrategy, type VerifyFunction } from '../../lib/index.js';
import { OTHER_AUDIENCE } from '../../lib/testing/index.js';
import { requireAmazonToken } from '../../examples/websocket/socket-io.js';
import { acceptAmazonSockets } from '../../examples/websocket/ws-upgrade.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';
import { startApp } from '../helpers/express-app.js';

const CLIENT = 'amzn1.application-oa2-client.websocket';
const suite = fakeAmazonSuite(CLIENT);
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const close of closers.splice(0).reverse()) await close(); });

const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };
const strategy = (timeout = 5000): LoginWithAmazonStrategy => new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, retries: 0, timeout }, toUser);

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }));
  return (server.address() as AddressInfo).port;
}

/** The arguments of the next `event` of a socket.io client (not a Node EventEmitter). */
function onceClient(client: ClientSocket, event: 'hello' | 'connect_error'): Promise<unknown[]> {
  return new Promise((resolve) => { client.once(event as 'connect_error', (...args: unknown[]) => { resolve(args); }); });
}

type Refusal = [string, () => unknown];
const refusals = (): Refusal[] => [
  ['no token', () => undefined],
  ['a revoked token', () => { const t = suite.amazon.issueToken(); suite.amazon.revoke(t); return t; }],
  ['a token of another audience', () => suite.amazon.issueToken({}, { aud: OTHER_AUDIENCE, app_id: null })],
  ['a token with CR LF and a header', () => `${suite.amazon.issueToken()}\r\nX-Evil: 1`],
];

describe('socket.io: the token from handshake.auth.token', () => {
  async function serve(s = strategy()) {
    const logs: string[] = [];
    const server = http.createServer();
    const io = new Server(server);
    closers.push(() => new Promise<void>((resolve) => { void io.close(() => { resolve(); }); }));
    requireAmazonToken(io, s, (line) => { logs.push(line); });
    io.on('connection', (socket) => { socket.emit('hello', (socket.data as { profile: { id: string } }).profile.id); });
    const port = await listen(server);
    const open = (auth: Record<string, unknown>): ClientSocket => {
      const client = connect(`http://127.0.0.1:${String(port)}`, { auth, transports: ['websocket'], reconnection: false });
      closers.push(() => { client.close(); });
      return client;
    };
    return { logs, open };
  }

  test('admits a token Amazon vouches for; the socket knows the profile', async () => {
    const { open } = await serve();
    const client = open({ token: suite.amazon.issueToken({ user_id: 'amzn1.account.SOCKET' }) });
    const [id] = await onceClient(client, 'hello');
    expect(id).toBe('amzn1.account.SOCKET');
  });

  test.each(refusals())('refuses %s with connect_error "unauthorized" and no token anywhere', async (_name, make) => {
    const { open, logs } = await serve();
    const token = make();
    const [err] = (await onceClient(open({ token }), 'connect_error')) as [Error & { data?: unknown }];
    expect(err.message).toBe('unauthorized');
    const seen = JSON.stringify([err.message, err.data, String(err), logs]);
    expect(seen).not.toContain(typeof token === 'string' ? token.slice(5, 30) : '\u0000');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^handshake refused: LWA_(NO_TOKEN|INVALID_TOKEN|AUDIENCE_MISMATCH|INVALID_REQUEST)$/);
  });

  test('Amazon failing is "unavailable", not "unauthorized"', async () => {
    const { open, logs } = await serve();
    suite.amazon.fault('tokeninfo', { status: 503 });
    const [err] = (await onceClient(open({ token: suite.amazon.issueToken() }), 'connect_error')) as [Error];
    expect(err.message).toBe('unavailable');
    expect(logs).toEqual(['handshake refused: LWA_UPSTREAM_STATUS']);
  });

  test('an approval made in a Passport route admits the socket without another call to Amazon', async () => {
    const s = strategy();
    const app = await startApp(s);
    closers.push(() => app.close());
    const { open } = await serve(s);
    const token = suite.amazon.issueToken();
    expect((await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await onceClient(open({ token }), 'hello');
    expect(suite.amazon.calls.tokeninfo).toBe(1);
  });
});

describe('ws: the token from the upgrade request\'s Authorization header', () => {
  async function serve(timeout?: number) {
    const logs: string[] = [];
    const server = http.createServer();
    const wss = acceptAmazonSockets(server, strategy(timeout), (ws, profile) => { ws.send(profile.id); }, (line) => { logs.push(line); });
    closers.push(() => { wss.close(); });
    const port = await listen(server);
    const open = (headers: Record<string, string>): WebSocket => {
      const ws = new WebSocket(`ws://127.0.0.1:${String(port)}/`, { headers });
      ws.on('error', () => undefined);
      closers.push(() => { ws.terminate(); });
      return ws;
    };
    return { logs, open };
  }

  async function refused(ws: WebSocket): Promise<{ status: number | undefined; headers: string; body: string }> {
    const [, res] = (await once(ws, 'unexpected-response')) as unknown as [unknown, http.IncomingMessage];
    let body = '';
    for await (const chunk of res) body += String(chunk);
    return { status: res.statusCode, headers: JSON.stringify(res.headers), body };
  }

  test('completes the handshake for a token Amazon vouches for', async () => {
    const { open } = await serve();
    const ws = open({ authorization: `Bearer ${suite.amazon.issueToken({ user_id: 'amzn1.account.WSUSER' })}` });
    const [data] = (await once(ws, 'message')) as unknown[];
    expect(String(data)).toBe('amzn1.account.WSUSER');
  });

  test.each(refusals().filter(([name]) => !name.includes('CR LF')))('answers %s with 401 and closes, no token anywhere', async (_name, make) => {
    const { open, logs } = await serve();
    const token = make();
    const res = await refused(open(typeof token === 'string' ? { authorization: `Bearer ${token}` } : {}));
    expect(res.status).toBe(401);
    expect(res.headers).toContain('Bearer realm=\\"Users\\", error=\\"invalid_token\\"');
    expect(JSON.stringify([res, logs])).not.toContain(typeof token === 'string' ? token.slice(5, 30) : '\u0000');
    expect(logs).toHaveLength(1);
  });

  test('a malformed token is a 400 with no call to Amazon', async () => {
    const { open } = await serve();
    const res = await refused(open({ authorization: `Bearer ${'A'.repeat(3000)}` }));
    expect(res.status).toBe(400);
    expect(suite.amazon.calls.tokeninfo).toBe(0);
  });

  test('Amazon failing is a 502, Amazon timing out a 504, not a 401', async () => {
    const { open } = await serve(100);
    suite.amazon.fault('tokeninfo', { status: 500, times: 1 });
    expect((await refused(open({ authorization: `Bearer ${suite.amazon.issueToken()}` }))).status).toBe(502);
    suite.amazon.fault('tokeninfo', { delayMs: 400, times: 1 });
    expect((await refused(open({ authorization: `Bearer ${suite.amazon.issueToken()}` }))).status).toBe(504);
  });

  test('a client that goes away during the check: no handshake, no crash, the next client is served', async () => {
    const { open, logs } = await serve();
    suite.amazon.fault('tokeninfo', { delayMs: 300, times: 1 });
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.GONE' });
    const ws = open({ authorization: `Bearer ${token}` });
    await new Promise((resolve) => setTimeout(resolve, 50));
    ws.terminate();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ws.readyState).toBe(WebSocket.CLOSED);
    const next = open({ authorization: `Bearer ${token}` });
    expect(String((await once(next, 'message'))[0])).toBe('amzn1.account.GONE');
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    expect(JSON.stringify(logs)).not.toContain(token.slice(5, 30));
  });
});
