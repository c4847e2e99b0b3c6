/**
 * The app-code route refuses a browser's cross-site request (403, no call to Amazon) by its
 * `Sec-Fetch-Site` and `Origin` headers; a request with neither (a native app) passes, and
 * `allowedOrigins` admits a web front end on another origin. Through a real Express app and the
 * fake Amazon, then the pieces on their own (the request's own origin, the option's checks).
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import { Passport } from 'passport';
import { CODE_EXCHANGE_MESSAGES, LoginWithAmazonCodeExchangeStrategy, type LoginWithAmazonCodeExchangeOptions } from '../../lib/index.js';
import { allowedOriginsOption, isCrossSite, ownOrigin } from '../../lib/app-code/origin.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ANDROID_REDIRECT, appCodeOptions, bodyOf, expectClean, post, toUser } from '../helpers/app-code.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const ADA = { user_id: 'amzn1.account.ACROSSSITE', name: 'Ada Lovelace' };
const FRONT_END = 'https://shop.example';
let amazon: FakeAmazon;
let app: TestApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.crosssite', user: ADA, redirectURIs: [ANDROID_REDIRECT] }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

async function serve(patch: Partial<LoginWithAmazonCodeExchangeOptions> = {}): Promise<TestApp> {
  app = await startApp(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon, patch), toUser));
  return app;
}

/** `OWN` in a header stands for the app's own origin (`http://127.0.0.1:<port>`), `OWN_HTTPS` for it with https. */
type Headers = Record<string, string>;
const own = (headers: Headers, origin: string): Headers => Object.fromEntries(Object.entries(headers)
  .map(([k, v]) => [k, v.replace('OWN_HTTPS', origin.replace(/^http:/, 'https:')).replace('OWN', origin)]));

describe('by default', () => {
  test.each<[string, Headers]>([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain is another origin)', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site with an unknown value', { 'sec-fetch-site': 'SAME-ORIGIN' }],
    ['Sec-Fetch-Site: cross-site even with our own Origin', { 'sec-fetch-site': 'cross-site', origin: 'OWN' }],
    ['an Origin of another site', { origin: 'https://attacker.example' }],
    ['Origin: null (a sandboxed frame, a data: page, a redirect across sites)', { origin: 'null' }],
    ['our own host with another scheme', { origin: 'OWN_HTTPS' }],
    ['our own host on another port', { origin: 'http://127.0.0.1:1' }],
    ['our origin with a path (no browser sends one)', { origin: 'OWN/' }],
    ['a listed-looking origin that is not listed', { origin: FRONT_END }],
  ])('%s: fail() 403, no call to Amazon', async (_name, headers) => {
    const target = await serve();
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const res = await post(`${target.url}/custom`, bodyOf(a), 'form', own(headers, target.url));
    expect(res.status).toBe(200);
    expect(target.seen[0]).toEqual({ err: null, user: false, info: { message: CODE_EXCHANGE_MESSAGES.crossSite }, status: 403 });
    expectClean(target.seen[0]?.info, [amazon.clientSecret, a.code, a.verifier]);
    expect((await post(`${target.url}/api/me`, bodyOf(a), 'json', own(headers, target.url))).status).toBe(403);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test.each<[string, Headers]>([
    ['neither header (a native app, curl)', {}],
    ['Sec-Fetch-Site: same-origin with our own Origin', { 'sec-fetch-site': 'same-origin', origin: 'OWN' }],
    ['Sec-Fetch-Site: none (typed by the user)', { 'sec-fetch-site': 'none' }],
    ['our own Origin without Sec-Fetch-Site (a browser over plain http)', { origin: 'OWN' }],
  ])('%s: signs in', async (_name, headers) => {
    const target = await serve();
    const res = await post(`${target.url}/api/me`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })), 'json', own(headers, target.url));
    expect(res.status).toBe(200);
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });
});

describe('allowedOrigins', () => {
  test('admits a listed front end\'s cross-site request, and only that origin', async () => {
    const target = await serve({ allowedOrigins: [FRONT_END] });
    const body = (): Record<string, unknown> => bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    expect((await post(`${target.url}/api/me`, body(), 'json', { origin: FRONT_END, 'sec-fetch-site': 'cross-site' })).status).toBe(200);
    expect((await post(`${target.url}/api/me`, body(), 'json', { origin: `${FRONT_END}:8443`, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(`${target.url}/api/me`, body(), 'json', { origin: 'https://SHOP.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(`${target.url}/api/me`, body(), 'json', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(amazon.calls.token).toBe(1);
  });

  test.each<[string, unknown]>([
    ['a string', FRONT_END],
    ['an origin with a trailing slash', [`${FRONT_END}/`]],
    ['an origin with a path', [`${FRONT_END}/app`]],
    ['an origin with a default port written out', ['https://shop.example:443']],
    ['an upper-case host', ['https://SHOP.example']],
    ['"null"', ['null']],
    ['"*"', ['*']],
    ['an app scheme', ['amzn://com.example.shop']],
    ['a ws: origin (it has a tuple origin, but is no page)', ['wss://shop.example']],
    ['a number', [443]],
    ['a duplicate', [FRONT_END, FRONT_END]],
  ])('%s is a TypeError naming "allowedOrigins"', (_name, allowedOrigins) => {
    expect(() => new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon, { allowedOrigins } as never), toUser))
      .toThrow(new TypeError('"allowedOrigins" must be an array of distinct origins such as https://app.example (scheme, host and port only)'));
  });

  test('an empty array and undefined are the default', () => {
    expect(allowedOriginsOption(undefined)).toEqual(new Set());
    expect(allowedOriginsOption([])).toEqual(new Set());
    expect(allowedOriginsOption([FRONT_END, 'http://localhost:5173'])).toEqual(new Set([FRONT_END, 'http://localhost:5173']));
  });
});

describe('the request\'s own origin', () => {
  test.each<[string, Record<string, unknown>, string | undefined]>([
    ['Host and a plain socket', { headers: { host: 'api.example:8080' }, socket: {} }, 'http://api.example:8080'],
    ['Host and a TLS socket', { headers: { host: 'api.example' }, socket: { encrypted: true } }, 'https://api.example'],
    ['the framework\'s protocol (a trusted proxy\'s X-Forwarded-Proto)', { headers: { host: 'api.example' }, protocol: 'https', socket: {} }, 'https://api.example'],
    ['a protocol that is neither http nor https falls back to the socket', { headers: { host: 'api.example' }, protocol: 'ftp', socket: {} }, 'http://api.example'],
    ['the default port dropped, as browsers do', { headers: { host: 'API.example:443' }, protocol: 'https' }, 'https://api.example'],
    ['HTTP/2 :authority', { headers: { ':authority': 'api.example' }, socket: { encrypted: true } }, 'https://api.example'],
    ['no Host', { headers: {} }, undefined],
    ['a Host with userinfo', { headers: { host: 'attacker.example@api.example' } }, undefined],
    ['a Host with a path', { headers: { host: 'api.example/x' } }, undefined],
    ['a Host with a space', { headers: { host: 'api.example x' } }, undefined],
    ['a repeated Host (an array)', { headers: { host: ['a.example', 'b.example'] } }, undefined],
    ['an empty Host', { headers: { host: '' } }, undefined],
    ['a Host with a backslash', { headers: { host: 'api.example\\x' } }, undefined],
    ['a Host with a query', { headers: { host: 'api.example?x' } }, undefined],
    ['a Host with a fragment', { headers: { host: 'api.example#x' } }, undefined],
    ['a Host that is no host at all', { headers: { host: '[' } }, undefined],
    ['a Host inherited, not the headers\' own', { headers: Object.create({ host: 'api.example' }) as object }, undefined],
    ['the framework\'s http wins over a TLS socket', { headers: { host: 'api.example' }, protocol: 'http', socket: { encrypted: true } }, 'http://api.example'],
    ['a socket whose encrypted is merely truthy is plain', { headers: { host: 'api.example' }, socket: { encrypted: 1 } }, 'http://api.example'],
  ])('%s', (_name, req, origin) => {
    expect(ownOrigin(req)).toBe(origin);
  });

  test('an Origin is never our own when the Host cannot be read; no request object is not cross-site', () => {
    expect(isCrossSite({ headers: { origin: 'http://api.example' } }, new Set())).toBe(true);
    expect(isCrossSite({ headers: { host: 'api.example' } }, new Set())).toBe(false);
    expect(isCrossSite(undefined, new Set())).toBe(false);
    expect(isCrossSite({ headers: { origin: ['http://api.example'], host: 'api.example' } }, new Set(['http://api.example']))).toBe(true);
    expect(isCrossSite({ headers: { 'sec-fetch-site': ['same-origin'], host: 'api.example' } }, new Set())).toBe(true);
    expect(isCrossSite({}, new Set())).toBe(false);
    expect(isCrossSite({ headers: null }, new Set())).toBe(false);
    // Headers inherited from a polluted prototype are not the request's: no refusal of every request.
    expect(isCrossSite({ headers: Object.create({ origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' }) as object }, new Set())).toBe(false);
  });
});

describe('behind a proxy (Express\'s trust proxy)', () => {
  async function proxied(trust: boolean): Promise<{ url: string; close: () => Promise<void> }> {
    const passport = new Passport();
    passport.use(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), toUser));
    const server = express();
    if (trust) server.set('trust proxy', 'loopback');
    server.post('/app', express.json(), passport.authenticate('amazon-code', { session: false }) as RequestHandler, (_req, res) => { res.json({ ok: true }); });
    const listening: Server = server.listen(0, '127.0.0.1');
    await once(listening, 'listening');
    return {
      url: `http://127.0.0.1:${String((listening.address() as AddressInfo).port)}/app`,
      close: () => new Promise((resolve) => { listening.closeAllConnections(); listening.close(() => { resolve(); }); }),
    };
  }

  test.each([[true, 200], [false, 403]])('trust proxy %s: an https page of our own host through a TLS-terminating proxy answers %s', async (trust, status) => {
    const target = await proxied(trust);
    try {
      const host = new URL(target.url).host;
      const res = await post(target.url, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })), 'json',
        { origin: `https://${host}`, 'sec-fetch-site': 'same-origin', 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(status);
    } finally {
      await target.close();
    }
  });
});
