/**
 * Calls past the agent's sockets wait as functions, not as started requests: against an Amazon that
 * accepts connections and never answers, 120 calls start 50 HTTP requests (the default agents'
 * `MAX_SOCKETS`), the other 70 are never requests at all, and every call still gets its
 * `LWA_TIMEOUT` within `timeout`. A custom agent without a socket cap is not gated.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { UpstreamHttp } from '../../lib/amazon/http.js';
import { LoginWithAmazonError, LoginWithAmazonStrategy, MAX_SOCKETS } from '../../lib/index.js';
import { expectNoSecret } from '../helpers/leak.js';
import { admissionOf, startPlainApp, until } from './helpers.js';

let silent: net.Server;
let connections: net.Socket[] = [];
let base = '';
let started = 0;
const onStart = (): void => { started += 1; };

beforeAll(async () => {
  silent = net.createServer((socket) => { connections.push(socket); socket.on('error', () => undefined); socket.resume(); });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((silent.address() as net.AddressInfo).port)}`;
});
afterAll(async () => { await new Promise((resolve) => silent.close(resolve)); });
beforeEach(() => { started = 0; diagnostics.subscribe('http.client.request.start', onStart); });
afterEach(() => {
  diagnostics.unsubscribe('http.client.request.start', onStart);
  for (const socket of connections) socket.destroy();
  connections = [];
});

const token = (i: number): string => `Atza|IwEBIsocketwait${String(i).padStart(4, '0')}${'x'.repeat(40)}`;

describe('calls waiting for a socket', () => {
  test('120 calls to a silent host: 50 requests start, 70 wait unstarted; all 120 end in LWA_TIMEOUT for their endpoint, naming no token', async () => {
    const upstream = new UpstreamHttp({ timeout: 1500, retries: 0 });
    const calls = Array.from({ length: 120 }, (_, i) => upstream.get('tokeninfo', `${base}/auth/o2/tokeninfo`, token(i)));
    const outcomes = Promise.allSettled(calls.map((call) => call.promise));
    await until(() => connections.length === MAX_SOCKETS);
    // Every started request has its socket; none is queued in the agent.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started).toBe(MAX_SOCKETS);
    expect(connections).toHaveLength(MAX_SOCKETS);
    const settled = await outcomes;
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    for (const [i, s] of settled.entries()) {
      const error = (s as PromiseRejectedResult).reason as LoginWithAmazonError;
      expect(error).toBeInstanceOf(LoginWithAmazonError);
      expect(error).toMatchObject({ code: 'LWA_TIMEOUT', status: 504, endpoint: 'tokeninfo', message: 'tokeninfo request timed out' });
      expectNoSecret(error, token(i));
    }
    // The waiting ones timed out while waiting (a few may have started in the last milliseconds).
    expect(started).toBeLessThan(120);
  });

  test('a cancelled waiting call never becomes a request', async () => {
    const upstream = new UpstreamHttp({ timeout: 1000, retries: 0 });
    const holders = Array.from({ length: MAX_SOCKETS }, (_, i) => upstream.get('profile', `${base}/user/profile`, token(i)));
    const extra = upstream.get('profile', `${base}/user/profile`, token(999));
    await until(() => connections.length === MAX_SOCKETS);
    extra.cancel();
    await expect(extra.promise).rejects.toMatchObject({ code: 'LWA_NETWORK', endpoint: 'profile' });
    for (const call of holders) call.cancel();
    await Promise.allSettled(holders.map((call) => call.promise));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).toBe(MAX_SOCKETS);
  });

  test('an agent without a socket cap is not gated: every call is a request at once', async () => {
    const agent = new http.Agent({ keepAlive: false });
    const upstream = new UpstreamHttp({ timeout: 800, retries: 0, agent: { http: agent } });
    const calls = Array.from({ length: 60 }, (_, i) => upstream.get('tokeninfo', `${base}/auth/o2/tokeninfo`, token(i)));
    await until(() => connections.length === 60);
    expect(started).toBe(60);
    await Promise.allSettled(calls.map((call) => call.promise));
    agent.destroy();
  });

  test('an agent with its own cap (here 5) is gated at that cap', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 5 });
    const upstream = new UpstreamHttp({ timeout: 800, retries: 0, agent: { http: agent } });
    const calls = Array.from({ length: 12 }, (_, i) => upstream.get('tokeninfo', `${base}/auth/o2/tokeninfo`, token(i)));
    await until(() => connections.length === 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).toBe(5);
    const settled = await Promise.allSettled(calls.map((call) => call.promise));
    expect(settled.map((s) => s.status)).toEqual(Array(12).fill('rejected'));
    agent.destroy();
  });

  test('through the token strategy: 100 requests past 50 sockets all get their 504, the count goes back to zero, and the app answers after', async () => {
    const strategy = new LoginWithAmazonStrategy({
      clientID: 'amzn1.application-oa2-client.socketwait', tokenInfoURL: `${base}/auth/o2/tokeninfo`, profileURL: `${base}/user/profile`,
      timeout: 1000, retries: 0, cache: false,
    }, (_a, _r, profile, done) => { done(null, { id: profile.id }); });
    const app = await startPlainApp(strategy);
    try {
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => fetch(app.url, { headers: { authorization: `Bearer ${token(i)}` } }).then((r) => r.status)));
      expect(answers).toEqual(Array(100).fill(504));
      // Two calls per request (tokeninfo and profile at once), at most 50 of them as requests at a time.
      expect(started).toBeLessThan(200);
      await until(() => admissionOf(strategy).size === 0);
      expect(app.reached).toBe(0);
    } finally {
      await app.close();
    }
  });
});
