/**
 * Egress: the `agent` option routes the calls to Amazon through a forward proxy (the README's
 * hpagent recipe, against a real proxy on 127.0.0.1), and the default keep-alive agents stay
 * within MAX_SOCKETS connections per host under a burst of distinct tokens.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { HttpProxyAgent } from 'hpagent';
import nock from 'nock';
import { createProxy } from 'proxy';
import { AmazonClient } from '../../lib/amazon/client.js';
import { REGIONS } from '../../lib/amazon/endpoints.js';
import { MAX_FREE_SOCKETS, MAX_SOCKETS } from '../../lib/amazon/http.js';
import { LoginWithAmazonStrategy, type VerifyFunction } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CLIENT_ID, profileBody, tokenInfoBody } from '../helpers/amazon-nock.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const CLIENT = 'amzn1.application-oa2-client.egress';
const servers: Server[] = [];
const apps: TestApp[] = [];
let amazon: FakeAmazon;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

beforeAll(async () => {
  // Real sockets, not nock's interceptor: these tests are about connections (agents, pools,
  // a proxy), which nock's MockHttpSocket replaces. Every request here goes to 127.0.0.1.
  nock.restore();
  amazon = await createFakeAmazon({ clientID: CLIENT });
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});
afterAll(async () => {
  await amazon.close();
});

const passThrough: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id, name: profile.displayName }); };

describe('agent: egress through a forward proxy (hpagent)', () => {
  test('tokeninfo and profile both go through the proxy; the token is never in CONNECT, and in the tunnel only in the x-amz-access-token header', async () => {
    const proxy = createProxy(createServer());
    // hpagent tunnels with CONNECT (for http: and https: targets alike): the proxy reads the CONNECT
    // request; what follows is the upstream HTTP, here plain text (Amazon's is TLS), tapped to count the calls.
    const connects: string[] = [];
    const tunnelled: string[] = [];
    proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
      connects.push(`${String(req.method)} ${String(req.url)} ${JSON.stringify(req.headers)}`);
      socket.on('data', (chunk: Buffer) => { tunnelled.push(chunk.toString('latin1')); });
    });
    const proxyURL = await listen(proxy);
    const agent = { http: new HttpProxyAgent({ proxy: proxyURL, keepAlive: true, maxSockets: 50 }) };
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...amazon.endpoints, cache: false, agent }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    const token = amazon.issueToken({ user_id: 'amzn1.account.PROXIED', name: 'Proxied' });

    const answer = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { user: unknown }).user).toEqual({ id: 'amzn1.account.PROXIED', name: 'Proxied' });
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
    const host = new URL(amazon.url).host;
    expect(connects.length).toBeGreaterThanOrEqual(1);
    for (const connect of connects) {
      expect(connect.startsWith(`CONNECT ${host} `)).toBe(true);
      expect(connect).not.toContain(token);
    }
    const lines = tunnelled.join('').split('\r\n');
    const requestLines = lines.filter((line) => line.startsWith('GET '));
    expect(requestLines.sort()).toEqual(['GET /auth/o2/tokeninfo HTTP/1.1', 'GET /user/profile HTTP/1.1']);
    // The tunnel here is plain HTTP (Amazon's is TLS: the proxy then reads ciphertext only); even so
    // the token is in no request line, no URL, no other header: only in x-amz-access-token, once a call.
    expect(lines.filter((line) => line.includes(token))).toEqual([`x-amz-access-token: ${token}`, `x-amz-access-token: ${token}`]);
    agent.http.destroy();
  });

  test('without the option no proxy is used, not even the one HTTP_PROXY and HTTPS_PROXY name', async () => {
    const proxy = createProxy(createServer());
    let requests = 0;
    proxy.on('request', () => { requests += 1; });
    proxy.on('connect', () => { requests += 1; });
    const proxyURL = await listen(proxy);
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    Object.assign(process.env, { HTTP_PROXY: proxyURL, HTTPS_PROXY: proxyURL, NO_PROXY: '' });
    try {
      const app = await startApp(new LoginWithAmazonStrategy({ clientID: CLIENT, ...amazon.endpoints, cache: false }, passThrough));
      apps.push(app);
      const before = amazon.calls;
      const answer = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${amazon.issueToken()}` } });
      expect(answer.status).toBe(200);
      expect(amazon.calls.tokeninfo - before.tokeninfo).toBe(1); // Amazon was asked, directly
      expect(requests).toBe(0);
      // The count works: a request sent to the proxy is counted.
      await fetch(`${proxyURL}/`).catch(() => undefined);
      expect(requests).toBe(1);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
    }
  });
});

describe('default agents: sockets within bounds', () => {
  test(`a burst of 200 distinct tokens opens at most MAX_SOCKETS (${String(MAX_SOCKETS)}) connections; idle ones drop to MAX_FREE_SOCKETS (${String(MAX_FREE_SOCKETS)})`, async () => {
    const open = new Set<Socket>();
    let peak = 0;
    const server = createServer((req, res) => {
      // Hold each answer so that a burst piles up.
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.url?.startsWith('/auth') ? tokenInfoBody() : profileBody()));
      }, 50);
    });
    server.on('connection', (socket: Socket) => {
      open.add(socket);
      peak = Math.max(peak, open.size);
      socket.on('close', () => open.delete(socket));
    });
    const origin = await listen(server);
    const client = new AmazonClient({
      ...REGIONS.NA, tokenInfoURL: `${origin}/auth/o2/tokeninfo`, profileURL: `${origin}/user/profile`,
      timeout: 20_000, retries: 0, clientIDs: [CLIENT_ID], appIDs: [],
    });

    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => client.validate(`Atza|burst-${String(i)}`)));

    expect(results).toHaveLength(200);
    expect(results.every((result) => result.profile.id === 'amzn1.account.K2LI23KL2LK2')).toBe(true);
    expect(peak).toBe(MAX_SOCKETS); // reached (400 calls > MAX_SOCKETS), never passed
    // Keep-alive keeps at most MAX_FREE_SOCKETS idle sockets; the agent closes the rest.
    for (let i = 0; i < 100 && open.size > MAX_FREE_SOCKETS; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(open.size).toBeLessThanOrEqual(MAX_FREE_SOCKETS);
  });
});
