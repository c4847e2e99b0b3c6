/**
 * The README's outcome table, one test per row (and per situation listed in a row), through a real
 * Express 5 app on 127.0.0.1 with Amazon faked by nock.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type LoginWithAmazonStrategyOptions, type VerifyFunction } from '../lib/index.js';
import { CLIENT_ID, TOKEN, countUpstream, intercept, mockAmazon, profileBody, tokenInfoBody } from './helpers/amazon-nock.js';
import { startApp, type TestApp } from './helpers/express-app.js';
import { expectNoSecret } from './helpers/leak.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const toUser: VerifyFunction = (_a, _r, profile, done) => done(null, { id: profile.id, name: profile.displayName });

async function serve(options: Partial<LoginWithAmazonStrategyOptions> = {}, verify: VerifyFunction = toUser): Promise<TestApp> {
  app = await startApp(new LoginWithAmazonStrategy({ clientID: CLIENT_ID, cache: false, ...options }, verify));
  return app;
}

function bearer(token: string = TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

describe('row 1: no token anywhere', () => {
  test('answers 401 with a bare Bearer realm challenge and no error attribute', async () => {
    const { url, seen } = await serve();
    const res = await fetch(`${url}/api/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Users"');
    await fetch(`${url}/custom`);
    expect(seen[0]).toEqual({ err: null, user: false, info: 'Bearer realm="Users"', status: undefined });
  });

  test('ignores an Authorization header of another scheme', async () => {
    const { url } = await serve();
    for (const value of ['Basic dXNlcjpwYXNz', `Bearer2 ${TOKEN}`, `XBearer ${TOKEN}`]) {
      const res = await fetch(`${url}/api/me`, { headers: { authorization: value } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Users"');
    }
  });

  test('uses the configured realm', async () => {
    const { url } = await serve({ realm: 'Shop "EU"' });
    const res = await fetch(`${url}/api/me`);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Shop \\"EU\\""');
  });
});

describe('row 2: malformed request -> 400 invalid_request, no upstream call', () => {
  const long = `Atza|${'a'.repeat(2043)}`;
  const cases: [string, RequestInit & { path?: string }][] = [
    ['a bare "Bearer"', { headers: { authorization: 'Bearer' } }],
    ['"Bearer " with nothing after it', { headers: { authorization: 'Bearer ' } }],
    ['a Bearer header with two parts', { headers: { authorization: `Bearer ${TOKEN} extra` } }],
    ['the token in Authorization and x-amz-access-token (same value)', { headers: { ...bearer(), 'x-amz-access-token': TOKEN } }],
    ['the token in the header and the query', { headers: bearer(), path: `?access_token=${encodeURIComponent(TOKEN)}` }],
    ['the token in the body and the query', {
      method: 'POST', path: `?access_token=${encodeURIComponent(TOKEN)}`,
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: TOKEN }),
    }],
    ['a token that is not a string (query array)', { path: '?access_token=a&access_token=b' }],
    ['a token that is not a string (JSON number)', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: 12345 }),
    }],
    ['a token of 2049 bytes', { headers: bearer(`${long}a`) }],
    ['a control character in the token', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: `${TOKEN}\u0001` }),
    }],
    ['a character outside token68 and "|"', { headers: bearer(`${TOKEN.slice(0, 50)}"x`) }],
    ['a broken percent-encoding', { headers: { 'x-amz-access-token': 'Atza%7' } }],
  ];

  test.each(cases)('answers 400 for %s', async (_name, init) => {
    const upstream = countUpstream();
    // The query cases need the query turned on (it is off by default).
    const { url, seen } = await serve({ tokenSources: ['header', 'amz-header', 'body', 'query'] });
    const { path = '', ...request } = init;
    const res = await fetch(`${url}/api/me${path}`, request);
    expect(res.status).toBe(400);
    await fetch(`${url}/custom${path}`, request);
    expect(seen[0]?.status).toBe(400);
    expect(seen[0]?.info).toMatch(/^Bearer realm="Users", error="invalid_request", error_description="[^"]+"$/);
    expect(upstream.count()).toBe(0);
    upstream.stop();
  });

  test('accepts exactly 2048 bytes and a percent-encoded token (decoded once)', async () => {
    const exact = long;
    expect(Buffer.byteLength(exact)).toBe(2048);
    mockAmazon({ token: exact });
    mockAmazon();
    const { url } = await serve();
    expect((await fetch(`${url}/api/me`, { headers: bearer(exact) })).status).toBe(200);
    const encoded = TOKEN.replace('|', '%7C');
    expect((await fetch(`${url}/api/me`, { headers: { 'x-amz-access-token': encoded } })).status).toBe(200);
  });
});

describe('row 3: Amazon rejects the token -> 401 invalid_token', () => {
  const cases: [string, Parameters<typeof mockAmazon>[0]][] = [
    ['tokeninfo answers 400 invalid_token', {
      tokenInfo: [400, { error: 'invalid_token', error_description: 'The request has an invalid parameter : access_token' }], optionalProfile: true,
    }],
    ['tokeninfo answers 401', { tokenInfo: [401, { error: 'invalid_token' }], optionalProfile: true }],
    ['exp is 0', { tokenInfo: [200, tokenInfoBody({ exp: 0 })], optionalProfile: true }],
    ['exp is negative', { tokenInfo: [200, tokenInfoBody({ exp: -30 })], optionalProfile: true }],
    ['aud and app_id both belong to another app', {
      tokenInfo: [200, tokenInfoBody({ aud: 'amzn1.application-oa2-client.other', app_id: 'amzn1.application.other' })], optionalProfile: true,
    }],
    ['the profile names another user', { profile: [200, profileBody({ user_id: 'amzn1.account.SOMEONEELSE' })] }],
    ['iss is not https://www.amazon.com', { tokenInfo: [200, tokenInfoBody({ iss: 'https://evil.example' })], optionalProfile: true }],
  ];

  test.each(cases)('answers 401 invalid_token when %s', async (_name, mock) => {
    mockAmazon(mock);
    mockAmazon(mock);
    const { url, seen, errors } = await serve();
    const res = await fetch(`${url}/api/me`, { headers: bearer() });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="Users", error="invalid_token"(, error_description="[^"]*")?$/);
    expect(res.headers.get('www-authenticate')).not.toContain(TOKEN.slice(5, 30));
    await fetch(`${url}/custom`, { headers: bearer() });
    expect(seen[0]?.status).toBeUndefined();
    expect(seen[0]?.user).toBe(false);
    expect(errors).toEqual([]);
  });

  test('accepts a token of another client id when its app_id is configured', async () => {
    mockAmazon({ tokenInfo: [200, tokenInfoBody({ aud: 'amzn1.application-oa2-client.ios' })] });
    const { url } = await serve({ appID: tokenInfoBody().app_id as string });
    expect((await fetch(`${url}/api/me`, { headers: bearer() })).status).toBe(200);
  });
});

describe('row 4: profile says insufficient_scope -> 403', () => {
  test('answers 403 with an insufficient_scope challenge', async () => {
    mockAmazon({ profile: [401, { error: 'insufficient_scope', error_description: 'scope missing' }] });
    mockAmazon({ profile: [401, { error: 'insufficient_scope' }] });
    const { url, seen } = await serve();
    const res = await fetch(`${url}/api/me`, { headers: bearer() });
    expect(res.status).toBe(403);
    await fetch(`${url}/custom`, { headers: bearer() });
    expect(seen[0]?.status).toBe(403);
    expect(seen[0]?.info).toMatch(/^Bearer realm="Users", error="insufficient_scope"/);
  });
});

describe('row 5: Amazon cannot answer -> error(LoginWithAmazonError), 502 or 504', () => {
  type Setup = () => void;
  const big = JSON.stringify({ ...profileBody(), pad: 'x'.repeat(1024 * 1024) });
  const cases: [string, Setup, string, number, Partial<LoginWithAmazonStrategyOptions>][] = [
    // Nothing listens on port 9 of the loopback: a real "connection refused", retried once
    // (except on Node 24.20+ and 26.7+: see test/node-differences.test.ts).
    ['a network error (connection refused)', () => undefined, 'LWA_NETWORK', 502, {
      tokenInfoURL: 'http://127.0.0.1:9/auth/o2/tokeninfo', profileURL: 'http://127.0.0.1:9/user/profile',
    }],
    ['a timeout', () => {
      intercept('/auth/o2/tokeninfo').delay(500).reply(200, tokenInfoBody());
      intercept('/user/profile').optionally().reply(200, profileBody());
    }, 'LWA_TIMEOUT', 504, { timeout: 100, retries: 0 }],
    ['a 5xx after retries', () => {
      intercept('/auth/o2/tokeninfo').times(2).reply(503, 'busy');
      intercept('/user/profile').optionally().times(2).reply(200, profileBody());
    }, 'LWA_UPSTREAM_STATUS', 502, {}],
    ['a 429', () => {
      intercept('/auth/o2/tokeninfo').reply(429, { error: 'throttled' });
      intercept('/user/profile').optionally().reply(200, profileBody());
    }, 'LWA_UPSTREAM_STATUS', 502, {}],
    ['a non-JSON body', () => {
      intercept('/auth/o2/tokeninfo').reply(200, '<html>gateway</html>', { 'content-type': 'text/html' });
      intercept('/user/profile').optionally().reply(200, profileBody());
    }, 'LWA_BAD_RESPONSE', 502, {}],
    ['a wrongly shaped body', () => {
      intercept('/auth/o2/tokeninfo').reply(200, tokenInfoBody({ aud: 42 }));
      intercept('/user/profile').optionally().reply(200, profileBody());
    }, 'LWA_BAD_RESPONSE', 502, {}],
    ['a body over 1 MiB', () => {
      mockAmazon({ profile: [200, big] });
    }, 'LWA_BAD_RESPONSE', 502, {}],
  ];

  test.each(cases)('reaches the error handler for %s', async (_name, setup, code, status, options) => {
    setup();
    const { url, errors } = await serve(options);
    const res = await fetch(`${url}/api/me`, { headers: bearer() });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ code });
    expect(errors).toHaveLength(1);
    const err = errors[0] as LoginWithAmazonError;
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expectNoSecret(err, TOKEN);
  });
});

describe('row 6: verify says no -> 401 invalid_token', () => {
  test('answers 401 when verify resolves false', async () => {
    mockAmazon();
    const { url } = await serve({}, () => Promise.resolve(false));
    const res = await fetch(`${url}/api/me`, { headers: bearer() });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Users", error="invalid_token"');
  });

  test('puts info.message from done(null, false, info) into error_description', async () => {
    mockAmazon();
    const { url } = await serve({}, (_a, _r, _p, done) => done(null, false, { message: 'account "locked"\r\nX-Evil: 1' }));
    const res = await fetch(`${url}/api/me`, { headers: bearer() });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Users", error="invalid_token", error_description="account lockedX-Evil: 1"');
  });
});

describe('row 7: verify gives a user -> success', () => {
  test('runs the next handler with req.user and the info', async () => {
    mockAmazon();
    const { url } = await serve({}, (_a, _r, profile, done) => done(null, { id: profile.id }, { scope: 'profile' }));
    const res = await fetch(`${url}/api/me`, { headers: bearer() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: 'amzn1.account.K2LI23KL2LK2' }, authInfo: { scope: 'profile' } });
  });

  test('without info from verify, req.authInfo is { tokenInfo }: whom Amazon says the token was issued to', async () => {
    mockAmazon();
    const { url } = await serve();
    const res = await fetch(`${url}/api/me`, { headers: bearer() });
    expect(await res.json()).toEqual({ user: { id: 'amzn1.account.K2LI23KL2LK2', name: 'Mork Hashimoto' }, authInfo: { tokenInfo: tokenInfoBody() } });
  });

  test('ignores a token in the query by default: 401, no call to Amazon', async () => {
    const upstream = countUpstream();
    const { url } = await serve();
    const res = await fetch(`${url}/api/me?access_token=${encodeURIComponent(TOKEN)}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Users"');
    expect(upstream.count()).toBe(0);
    upstream.stop();
  });

  test('takes the token from x-amz-access-token, the body, and the query when enabled', async () => {
    for (let i = 0; i < 3; i += 1) mockAmazon();
    const { url } = await serve({ tokenSources: ['header', 'amz-header', 'body', 'query'] });
    const viaAmz = await fetch(`${url}/api/me`, { headers: { 'x-amz-access-token': TOKEN } });
    const viaBody = await fetch(`${url}/api/me`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${encodeURIComponent(TOKEN)}`,
    });
    const viaQuery = await fetch(`${url}/api/me?access_token=${encodeURIComponent(TOKEN)}`);
    expect([viaAmz.status, viaBody.status, viaQuery.status]).toEqual([200, 200, 200]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
