/**
 * The app-code strategy's verify: both styles, passReqToCallback, the refresh token with and
 * without a client secret, and verify's outcomes as in the other two strategies.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import {
  LoginWithAmazonCodeExchangeStrategy, UNDEFINED_USER_MESSAGE,
  type AmazonProfile, type LoginWithAmazonCodeExchangeOptions, type VerifyFunction, type VerifyFunctionWithRequest,
} from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { accessTokenSent, ANDROID_REDIRECT, appCodeOptions, bodyOf, expectClean, post } from '../helpers/app-code.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const ADA = { user_id: 'amzn1.account.AAPPVERIFY', name: 'Ada Lovelace', email: 'ada@example.com' };
let amazon: FakeAmazon;
let app: TestApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.appverify', user: ADA, redirectURIs: [ANDROID_REDIRECT] }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

async function run(verify: VerifyFunction, patch: Partial<LoginWithAmazonCodeExchangeOptions> = {}): Promise<{ status: number; json: unknown; target: TestApp }> {
  app = await startApp(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon, patch), verify));
  const res = await post(`${app.url}/custom`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
  return { ...res, target: app };
}

describe('the two styles', () => {
  test('callback style: done(null, user) signs in', async () => {
    const { target } = await run((_a, _r, profile, done) => done(null, { id: profile.id }));
    expect(target.seen[0]).toMatchObject({ err: null, user: { id: ADA.user_id } });
  });

  test('promise style: the resolved user signs in', async () => {
    const { target } = await run(async (_a, _r, profile) => { await Promise.resolve(); return { id: profile.id }; });
    expect(target.seen[0]).toMatchObject({ err: null, user: { id: ADA.user_id } });
  });

  test('passReqToCallback: verify gets req first and the strategy as this', async () => {
    const seen: unknown[] = [];
    const verify: VerifyFunctionWithRequest = function (this: unknown, req: { body: unknown }, accessToken, refreshToken, profile, done) {
      seen.push(this instanceof LoginWithAmazonCodeExchangeStrategy, typeof req.body, accessToken.startsWith('Atza|'), refreshToken?.startsWith('Atzr|'), profile.id);
      done(null, { id: profile.id });
    };
    app = await startApp(new LoginWithAmazonCodeExchangeStrategy({ ...appCodeOptions(amazon), passReqToCallback: true }, verify));
    await post(`${app.url}/custom`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
    expect(seen).toEqual([true, 'object', true, true, ADA.user_id]);
  });
});

describe('the refresh token', () => {
  test('with a client secret: the refresh token Amazon granted, and the secret went in the body', async () => {
    const got: (string | undefined)[] = [];
    await run((_a, refreshToken, profile, done) => { got.push(refreshToken); done(null, { id: profile.id }); });
    expect(got).toEqual([expect.stringMatching(/^Atzr\|/)]);
    expect(amazon.requests.find((r) => r.endpoint === 'token')?.formFields?.sort())
      .toEqual(['client_id', 'client_secret', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
  });

  test('without a client secret (public client): undefined; no secret is sent and Amazon grants none', async () => {
    const got: (string | undefined)[] = [];
    const { target } = await run((_a, refreshToken, profile, done) => { got.push(refreshToken); done(null, { id: profile.id }); }, { clientSecret: undefined });
    expect(target.seen[0]).toMatchObject({ user: { id: ADA.user_id } });
    expect(got).toEqual([undefined]);
    const request = amazon.requests.find((r) => r.endpoint === 'token');
    expect(request?.formFields?.sort()).toEqual(['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    expect(request?.headers.authorization).toBeUndefined();
  });

  test('without a client secret, a refresh token the token endpoint sends anyway is not handed on', async () => {
    const accessToken = amazon.issueToken(ADA, { scopes: ['profile'] });
    amazon.fault('token', { status: 200, body: { access_token: accessToken, refresh_token: 'Atzr|unexpected', token_type: 'bearer', expires_in: 3600 }, times: 1 });
    const got: (string | undefined)[] = [];
    await run((_a, refreshToken, profile, done) => { got.push(refreshToken); done(null, { id: profile.id }); }, { clientSecret: undefined });
    expect(got).toEqual([undefined]);
  });
});

describe('verify\'s outcomes, as in the other strategies', () => {
  test('false: fail() 401 "sign-in refused"', async () => {
    const { target } = await run((_a, _r, _p, done) => done(null, false));
    expect(target.seen[0]).toEqual({ err: null, user: false, info: { message: 'sign-in refused' }, status: 401 });
  });

  test('false with a message: fail() 401 with it', async () => {
    const { target } = await run((_a, _r, _p, done) => done(null, false, { message: 'account closed' }));
    expect(target.seen[0]).toEqual({ err: null, user: false, info: { message: 'account closed' }, status: 401 });
  });

  test('a throw: error() with what was thrown, and the request is answered', async () => {
    const boom = new Error('database down');
    const { target } = await run(() => { throw boom; });
    expect(target.seen[0]?.err).toBe(boom);
    const res = await post(`${target.url}/api/me`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
    expect(res.status).toBe(500);
  });

  test('a falsy throw becomes a real Error (Passport would take it for "no error")', async () => {
    const { target } = await run(() => { throw undefined; }); // eslint-disable-line @typescript-eslint/only-throw-error
    expect(target.seen[0]?.err).toBeInstanceOf(Error);
    expect(target.seen[0]?.user).toBeUndefined();
  });

  test('a rejected promise: error()', async () => {
    const { target } = await run(() => Promise.reject(new Error('no')));
    expect(target.seen[0]?.err).toMatchObject({ message: 'no' });
  });

  test('a promise resolving to undefined without done: error() that says what to return', async () => {
    const { target } = await run(() => Promise.resolve(undefined));
    expect(target.seen[0]?.err).toMatchObject({ name: 'TypeError', message: UNDEFINED_USER_MESSAGE });
  });

  test('verify\'s own info object is merged into req.authInfo; a string info replaces it', async () => {
    app = await startApp(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), (_a, _r, p: AmazonProfile, done) => done(null, { id: p.id }, { plan: 'gold' })));
    const merged = await post(`${app.url}/api/me`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
    expect(merged.json).toMatchObject({ authInfo: { plan: 'gold', token: { tokenType: 'bearer', expiresIn: 3600 } } });
    await app.close();
    app = await startApp(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), (_a, _r, p: AmazonProfile, done) => done(null, { id: p.id }, 'plain')));
    expect((await post(`${app.url}/api/me`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })))).json).toMatchObject({ authInfo: 'plain' });
    await app.close();
    // null (from JavaScript: the types do not admit it) is no info, as for the token strategy: the grant alone.
    app = await startApp(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), (_a, _r, p: AmazonProfile, done) => done(null, { id: p.id }, null as never)));
    const none = await post(`${app.url}/api/me`, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
    expect(none.json).toStrictEqual({ user: { id: expect.any(String) }, authInfo: { token: { tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number) } } });
  });

  test('the tokens given to verify appear in none of the failures that follow', async () => {
    const tokens: string[] = [];
    const { target } = await run((accessToken, refreshToken, _p, done) => {
      tokens.push(accessToken, refreshToken as string); // expectClean throws if either is missing or empty
      done(new Error('refused after looking at the tokens'));
    });
    expect(tokens[0]).toBe(accessTokenSent(amazon));
    expect(tokens[1]).toMatch(/^Atzr\|/);
    expectClean(target.seen[0]?.err, [amazon.clientSecret, ...tokens]);
  });
});
