/**
 * LoginWithAmazonCodeExchangeStrategy, one describe per row of the README's outcome table, through
 * a real Express 5 app (express.json and express.urlencoded) and the fake Amazon. Every error and
 * failure is searched for the client secret, the code, the verifier and the tokens.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { CODE_EXCHANGE_MESSAGES, LoginWithAmazonCodeExchangeStrategy, LoginWithAmazonError, type LoginWithAmazonCodeExchangeOptions } from '../../lib/index.js';
import { createFakeAmazon, type AppAuthorization, type FakeAmazon } from '../../lib/testing/index.js';
import { accessTokenSent, ANDROID_REDIRECT, appCodeOptions, bodyOf, expectClean, IOS_REDIRECT, post, toUser } from '../helpers/app-code.js';
import { startApp, type CallbackSeen, type TestApp } from '../helpers/express-app.js';

const ADA = { user_id: 'amzn1.account.AAPPCODE0ADA', name: 'Ada Lovelace', email: 'ada@example.com' };
let amazon: FakeAmazon;
let app: TestApp | undefined;
beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.appcode', user: ADA, redirectURIs: [ANDROID_REDIRECT, IOS_REDIRECT] });
});
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

/** Posts to the custom-callback route; what Passport's callback saw. */
async function land(target: TestApp, body: unknown, as: 'json' | 'form' = 'json', headers: Record<string, string> = {}): Promise<CallbackSeen> {
  const { status } = await post(`${target.url}/custom`, body, as, headers);
  expect(status).toBe(200);
  const [seen] = target.seen;
  if (seen === undefined) throw new Error('the custom callback did not run');
  return seen;
}

const secretsOf = (auth: AppAuthorization, ...more: string[]): string[] => [amazon.clientSecret, auth.code, auth.verifier, ...more];

describe('row: a browser\'s cross-site request -> fail() 403, no call to Amazon (test/app-code/cross-site.test.ts has every case)', () => {
  test.each<[string, Record<string, string>]>([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['an Origin of another site', { origin: 'https://attacker.example' }],
    ['Origin: null', { origin: 'null' }],
  ])('%s, with a body that would sign in', async (_name, headers) => {
    const target = await serve();
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a), 'form', headers);
    expect(seen).toEqual({ err: null, user: false, info: { message: CODE_EXCHANGE_MESSAGES.crossSite }, status: 403 });
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0, tokeninfo: 0 });
    expectClean(seen.info, secretsOf(a));
  });
});

describe('row: a field missing, not a string or malformed -> fail() 400 naming the field, no call to Amazon', () => {
  const auth = (): AppAuthorization => amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
  const M = CODE_EXCHANGE_MESSAGES;
  test.each<[string, (a: AppAuthorization) => Record<string, unknown>, string]>([
    ['no code', (a) => bodyOf(a, { code: undefined }), M.code],
    ['an empty code', (a) => bodyOf(a, { code: '' }), M.code],
    ['a number as code', (a) => bodyOf(a, { code: 12345 }), M.code],
    ['an array as code', (a) => bodyOf(a, { code: [a.code, a.code] }), M.code],
    ['an object as code', (a) => bodyOf(a, { code: { $ne: '' } }), M.code],
    ['a code with a space', (a) => bodyOf(a, { code: `${a.code} x` }), M.code],
    ['a code with a non-ASCII character', (a) => bodyOf(a, { code: `${a.code}é` }), M.code],
    ['a code over the size cap (2049 bytes)', (a) => bodyOf(a, { code: `${a.code}${'A'.repeat(2049 - a.code.length)}` }), M.codeTooLong],
    ['no code_verifier', (a) => bodyOf(a, { code_verifier: undefined }), M.verifier],
    ['a number as code_verifier', (a) => bodyOf(a, { code_verifier: 1 }), M.verifier],
    ['a 42-character code_verifier', (a) => bodyOf(a, { code_verifier: a.verifier.slice(0, 42) }), M.verifier],
    ['a 129-character code_verifier', (a) => bodyOf(a, { code_verifier: 'v'.repeat(129) }), M.verifier],
    ['a code_verifier with "+" and "/" (base64, not base64url)', (a) => bodyOf(a, { code_verifier: `${a.verifier.slice(0, 50)}+/` }), M.verifier],
    ['no redirect_uri', (a) => bodyOf(a, { redirect_uri: undefined }), M.redirectURI],
    ['an array as redirect_uri', (a) => bodyOf(a, { redirect_uri: [ANDROID_REDIRECT] }), M.redirectURI],
    ['a redirect_uri not registered', (a) => bodyOf(a, { redirect_uri: 'amzn://com.attacker.app' }), M.redirectURI],
    ['a registered redirect_uri with a trailing slash (exact match only)', (a) => bodyOf(a, { redirect_uri: `${ANDROID_REDIRECT}/` }), M.redirectURI],
    ['a client_id other than ours', (a) => bodyOf(a, { client_id: 'amzn1.application-oa2-client.other' }), M.clientID],
    ['a number as client_id', (a) => bodyOf(a, { client_id: 7 }), M.clientID],
    ['an empty client_id (a check that skips a falsy client_id passes it)', (a) => bodyOf(a, { client_id: '' }), M.clientID],
  ])('%s', async (_name, make, message) => {
    const target = await serve();
    const a = auth();
    const body = make(a);
    const seen = await land(target, body);
    expect(seen).toEqual({ err: null, user: false, info: { message }, status: 400 });
    expectClean(seen.info, secretsOf(a));
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0, tokeninfo: 0 });
    // The same on the standard route: a 400 answer.
    expect((await post(`${target.url}/api/me`, body)).status).toBe(400);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test('no body at all (no body parser ran, or an empty POST) names "code"', async () => {
    const target = await serve();
    const res = await fetch(`${target.url}/custom`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(target.seen[0]).toEqual({ err: null, user: false, info: { message: M.code }, status: 400 });
    expect(amazon.calls.token).toBe(0);
  });

  test('fields inherited from a polluted Object.prototype are not read', async () => {
    const target = await serve();
    const a = auth();
    const polluted = { code: a.code, code_verifier: a.verifier, redirect_uri: ANDROID_REDIRECT };
    for (const [key, value] of Object.entries(polluted)) Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
    try {
      const seen = await land(target, { unrelated: 'x' });
      expect(seen.info).toEqual({ message: M.code });
    } finally {
      for (const key of Object.keys(polluted)) Reflect.deleteProperty(Object.prototype, key);
    }
    expect(amazon.calls.token).toBe(0);
  });

  test('an empty client_id in a form body (client_id=) is refused as in JSON', async () => {
    const target = await serve();
    const a = auth();
    const seen = await land(target, bodyOf(a, { client_id: '' }), 'form');
    expect(seen).toEqual({ err: null, user: false, info: { message: M.clientID }, status: 400 });
    expect(amazon.calls.token).toBe(0);
  });

  test('client_id equal to ours is accepted, and a form body works as JSON does', async () => {
    const target = await serve();
    const seen = await land(target, bodyOf(auth(), { client_id: amazon.clientID }), 'form');
    expect(seen).toMatchObject({ err: null, user: { id: ADA.user_id } });
  });
});

describe('row: token endpoint invalid_grant -> fail() 401, one call', () => {
  test('a code already used', async () => {
    const target = await serve();
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    expect((await land(target, bodyOf(a))).user).toEqual({ id: ADA.user_id, name: ADA.name });
    amazon.reset();
    const seen = await land(target, bodyOf(a));
    expect(seen).toEqual({ err: null, user: false, info: { message: CODE_EXCHANGE_MESSAGES.invalidGrant }, status: 401 });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
    expectClean(seen.info, secretsOf(a));
  });

  test('a well-formed verifier that is not the code\'s', async () => {
    const target = await serve();
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a, { code_verifier: 'W'.repeat(64) }));
    expect(seen).toMatchObject({ err: null, user: false, status: 401 });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
  });

  test('another registered redirect URI than the code\'s', async () => {
    const target = await serve();
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a, { redirect_uri: IOS_REDIRECT }));
    expect(seen).toMatchObject({ err: null, user: false, status: 401 });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
  });

  test('an expired code (Amazon: 5 minutes)', async () => {
    let now = Date.now();
    const clocked = await createFakeAmazon({ clientID: amazon.clientID, user: ADA, redirectURIs: [ANDROID_REDIRECT], now: () => now });
    try {
      app = await startApp(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(clocked), toUser));
      const a = clocked.authorizeApp({ redirectURI: ANDROID_REDIRECT });
      now += 5 * 60 * 1000 + 1;
      expect(await land(app, bodyOf(a))).toMatchObject({ user: false, status: 401 });
      expect(clocked.calls).toMatchObject({ token: 1, profile: 0 });
    } finally {
      await clocked.close();
    }
  });
});

describe('row: token endpoint invalid_client -> error() LWA_CLIENT_AUTH 500, one call', () => {
  test('a wrong client secret', async () => {
    const wrong = 'wrong-secret-0123456789abcdef0123456789';
    const target = await serve({ clientSecret: wrong });
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a));
    expect(seen.err).toBeInstanceOf(LoginWithAmazonError);
    expect(seen.err).toMatchObject({ code: 'LWA_CLIENT_AUTH', status: 500, endpoint: 'token', upstreamError: 'invalid_client' });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
    expectClean(seen.err, [...secretsOf(a), wrong]);
    const res = await post(`${target.url}/api/me`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
    expect(res).toEqual({ status: 500, json: { code: 'LWA_CLIENT_AUTH' } });
  });
});

describe('row: token endpoint 5xx, timeout, network, bad body -> error() 502/504, endpoint "token", never retried', () => {
  test.each<[string, Parameters<FakeAmazon['fault']>[1], string, number]>([
    ['500 ServerError', { status: 500 }, 'LWA_UPSTREAM_STATUS', 502],
    ['503', { status: 503 }, 'LWA_UPSTREAM_STATUS', 502],
    ['a timeout', { delayMs: 1500 }, 'LWA_TIMEOUT', 504],
    ['a connection reset', { drop: true }, 'LWA_NETWORK', 502],
    ['an HTML page with 200', { status: 200, body: '<html>proxy error</html>' }, 'LWA_BAD_RESPONSE', 502],
    ['a 200 JSON body without access_token', { status: 200, body: { token_type: 'bearer' } }, 'LWA_BAD_RESPONSE', 502],
    ['a 200 body with a malformed expires_in', { status: 200, body: { access_token: 'Atza|x', token_type: 'bearer', expires_in: -1 } }, 'LWA_BAD_RESPONSE', 502],
  ])('%s', async (_name, fault, code, status) => {
    const target = await serve();
    amazon.fault('token', fault);
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a));
    expect(seen.err).toBeInstanceOf(LoginWithAmazonError);
    expect(seen.err).toMatchObject({ code, status, endpoint: 'token' });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
    expectClean(seen.err, secretsOf(a));
  });
});

describe('row: tokens, then profile -> verify -> success(), two calls', () => {
  test('signs in with the profile; req.authInfo is the grant without the tokens, as the website strategy\'s', async () => {
    const target = await serve();
    const a = amazon.authorizeApp({ redirectURI: IOS_REDIRECT });
    const before = Date.now();
    const res = await post(`${target.url}/api/me`, bodyOf(a));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      user: { id: ADA.user_id, name: ADA.name },
      authInfo: { token: { tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number) } },
    });
    const { expiresAt } = (res.json as { authInfo: { token: { expiresAt: number } } }).authInfo.token;
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600 * 1000);
    expect(amazon.calls).toEqual({ token: 1, profile: 1, tokeninfo: 0, authorization: 1 });
    expectClean(JSON.stringify(res.json), [...secretsOf(a), accessTokenSent(amazon)]);
  });

  test('a profile endpoint failing after the exchange is error() 502 "profile" without a token in it', async () => {
    const target = await serve();
    amazon.fault('profile', { status: 500 });
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a));
    expect(seen.err).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', status: 502, endpoint: 'profile' });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 2 }); // the profile call is retried once (retries: 1)
    expectClean(seen.err, [...secretsOf(a), accessTokenSent(amazon)]);
  });

  test('a profile endpoint answering insufficient_scope is fail() 403', async () => {
    const target = await serve();
    amazon.fault('profile', { status: 401 });
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a));
    expect(seen).toMatchObject({ err: null, user: false, status: 403 });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });

  test('a profile endpoint saying the fresh token is invalid is fail() 401', async () => {
    const target = await serve();
    amazon.fault('profile', { status: 400, body: { error: 'invalid_token' } });
    const a = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const seen = await land(target, bodyOf(a));
    expect(seen).toMatchObject({ err: null, user: false, status: 401 });
    expectClean(seen.info, [...secretsOf(a), accessTokenSent(amazon)]);
  });
});
