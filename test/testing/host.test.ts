/**
 * The fake answers only requests addressed to it: `Host` loopback (`localhost`, `127.0.0.1`,
 * `[::1]`, any port) or one of its `allowedHosts`. A rebound name (DNS rebinding: a page on
 * attacker.example whose name now points at 127.0.0.1) gets a 403 on every route and changes
 * nothing: no token or code issued, no code or consent token spent, nothing counted or logged.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';

const APP = 'amzn://com.example.shop';
let amazon: FakeAmazon;
beforeAll(async () => {
  amazon = await createFakeAmazon({ tokenRoute: true, redirectURIs: [APP, 'http://localhost:3000/cb'], consent: 'page', allowedHosts: ['Fake-Amazon.test'] });
});
afterAll(async () => { await amazon.close(); });
beforeEach(() => { amazon.reset(); });

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

function request(method: string, path: string, host: string, body?: string, extra: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host, ...extra };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = http.request(`${amazon.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += String(chunk); });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const port = (): string => new URL(amazon.url).port;
const own = (): string => `127.0.0.1:${port()}`;

/** Every route of the fake, with what it takes to do something real on it. */
function routes(): [string, string, string, () => string | undefined][] {
  const token = amazon.issueToken();
  const app = amazon.authorizeApp({ redirectURI: APP });
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: app.code, code_verifier: app.verifier, redirect_uri: APP, client_id: amazon.clientID }).toString();
  const page = new URLSearchParams({ client_id: amazon.clientID, redirect_uri: 'http://localhost:3000/cb', response_type: 'code', scope: 'profile' }).toString();
  return [
    ['GET tokeninfo', 'GET', `/auth/o2/tokeninfo?access_token=${encodeURIComponent(token)}`, () => undefined],
    ['GET profile', 'GET', `/user/profile?access_token=${encodeURIComponent(token)}`, () => undefined],
    ['POST token (a good code)', 'POST', '/auth/o2/token', () => form],
    ['GET /ap/oa', 'GET', `/ap/oa?${page}`, () => undefined],
    ['GET /ap/oa?decision=allow', 'GET', `/ap/oa?${page}&decision=allow`, () => undefined],
    ['POST /ap/oa', 'POST', '/ap/oa', () => 'consent_token=x&decision=allow'],
    ['POST /tokens', 'POST', '/tokens?kind=valid', () => undefined],
    ['POST /app-codes', 'POST', `/app-codes?redirect_uri=${encodeURIComponent(APP)}`, () => undefined],
    ['GET another path', 'GET', '/admin', () => undefined],
  ];
}

const REBOUND = (): string[] => [
  'attacker.example', `attacker.example:${port()}`, `127.0.0.1.nip.io:${port()}`, `localhost.attacker.example:${port()}`,
  `sub.localhost:${port()}`, `127.0.0.2:${port()}`, `[::2]:${port()}`, `2130706433:${port()}`, `localhost:99999`, `fake-amazon.test.evil:${port()}`,
];

describe('a request whose Host is not the fake\'s', () => {
  const names = ['GET tokeninfo', 'GET profile', 'POST token (a good code)', 'GET /ap/oa', 'GET /ap/oa?decision=allow', 'POST /ap/oa', 'POST /tokens', 'POST /app-codes', 'GET another path'];
  test('the list below is every route', () => { amazon.reset(); expect(routes().map(([name]) => name)).toEqual(names); });
  test.each(names.map((name) => [name]))('%s: 403 for every rebound Host, nothing issued, spent, counted or logged', async (name) => {
    const [, method, path, body] = routes().find(([n]) => n === name) ?? [];
    for (const host of REBOUND()) {
      const answer = await request(String(method), String(path), host, body?.());
      expect({ host, status: answer.status, location: answer.headers.location }).toEqual({ host, status: 403, location: undefined });
      expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_request', error_description: 'the fake answers requests to localhost, 127.0.0.1, [::1] or its allowedHosts only' });
    }
    expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 1 }); // the one authorizeApp() of routes()
    expect(amazon.requests).toEqual([]);
  });

  test('a code and a consent token sent with a rebound Host stay unspent: the same requests with the fake\'s Host then succeed', async () => {
    const app = amazon.authorizeApp({ redirectURI: APP });
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: app.code, code_verifier: app.verifier, redirect_uri: APP, client_id: amazon.clientID }).toString();
    expect((await request('POST', '/auth/o2/token', 'attacker.example', form)).status).toBe(403);
    expect((await request('POST', '/auth/o2/token', own(), form)).status).toBe(200);
    const page = await request('GET', `/ap/oa?${new URLSearchParams({ client_id: amazon.clientID, redirect_uri: APP, response_type: 'code', scope: 'profile' }).toString()}`, own());
    const consent = `consent_token=${String(/name="consent_token" value="([^"]+)"/.exec(page.body)?.[1])}&decision=allow`;
    expect((await request('POST', '/ap/oa', `attacker.example:${port()}`, consent)).status).toBe(403);
    const allowed = await request('POST', '/ap/oa', own(), consent);
    expect(allowed.status).toBe(302);
    expect(String(allowed.headers.location)).toMatch(/^amzn:\/\/com\.example\.shop\?code=AN/);
  });

  test.each([
    ['no Host at all (HTTP/1.0)', 'POST /tokens?kind=valid HTTP/1.0\r\n\r\n', 403],
    ['an empty Host (HTTP/1.0)', 'POST /tokens?kind=valid HTTP/1.0\r\nHost: \r\n\r\n', 403],
    ['no Host at all (HTTP/1.1: Node refuses it first)', 'POST /tokens?kind=valid HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
  ])('%s is refused too', async (_name, head, status) => {
    const socket = net.connect(Number(port()), '127.0.0.1');
    socket.end(head);
    let raw = '';
    for await (const chunk of socket) raw += String(chunk);
    expect(raw.startsWith(`HTTP/1.1 ${String(status)} `)).toBe(true);
    expect(raw).not.toContain('Atza|');
    expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
  });
});

describe('the control routes and a browser on another site\'s page', () => {
  test.each([
    ['another site\'s Origin', { origin: 'http://attacker.test' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ])('%s: POST /tokens and POST /app-codes answer 403 and issue nothing', async (_name, extra) => {
    for (const path of ['/tokens?kind=valid', `/app-codes?redirect_uri=${encodeURIComponent(APP)}`]) {
      const answer = await request('POST', path, own(), undefined, extra);
      expect({ path, status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ path, status: 403, body: { error: 'invalid_request', error_description: 'not from another site\'s page' } });
    }
    expect(amazon.calls.authorization).toBe(0);
  });

  test.each([
    ['its own Origin, same-origin', (): Record<string, string> => ({ origin: `http://${own()}`, 'sec-fetch-site': 'same-origin' })],
    ['Sec-Fetch-Site: none (typed in the address bar)', (): Record<string, string> => ({ 'sec-fetch-site': 'none' })],
  ])('%s: answered', async (_name, extra) => {
    expect((await request('POST', '/tokens?kind=valid', own(), undefined, extra())).status).toBe(200);
  });
});

describe('the fake\'s own names', () => {
  test.each([
    ['127.0.0.1 with its port', (): string => own()],
    ['localhost with its port', (): string => `localhost:${port()}`],
    ['[::1] with its port', (): string => `[::1]:${port()}`],
    ['localhost without a port', (): string => 'localhost'],
    ['LOCALHOST (names are case-insensitive)', (): string => `LOCALHOST:${port()}`],
    ['another port (a proxy in front)', (): string => '127.0.0.1:8443'],
    ['an allowedHosts name, case-insensitive', (): string => `fake-amazon.TEST:${port()}`],
  ])('%s: answered', async (_name, host) => {
    const answer = await request('POST', '/tokens?kind=valid', host());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ token: expect.stringMatching(/^Atza\|/) });
  });

  test.each([
    [['a b']], [['fake.test:80']], [['http://fake.test']], [['']], [[42]], ['fake.test'], [['-fake.test']], [['fake..test']],
  ])('allowedHosts %j is a TypeError naming the option', async (allowedHosts) => {
    await expect(createFakeAmazon({ allowedHosts: allowedHosts as unknown as string[] })).rejects.toThrow(
      new TypeError('"allowedHosts" must be an array of host names (letters, digits, dots and dashes; no port)'));
  });
});
