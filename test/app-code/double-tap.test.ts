/**
 * A double tap: the app posts the same code and verifier twice at once. The code is exchanged
 * once and both requests get that outcome; a different verifier is a separate exchange; nothing
 * is remembered once the exchange has ended.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonCodeExchangeStrategy, type VerifyFunction } from '../../lib/index.js';
import { InFlight } from '../../lib/app-code/in-flight.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ANDROID_REDIRECT, appCodeOptions, bodyOf, expectClean, post } from '../helpers/app-code.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const ADA = { user_id: 'amzn1.account.ADOUBLETAP', name: 'Ada Lovelace' };
let amazon: FakeAmazon;
let app: TestApp | undefined;
let strategy: LoginWithAmazonCodeExchangeStrategy;
let verifyCalls: number;
/** The access and refresh token each verify call got. */
let tokensSeen: [string, string | undefined][];
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.doubletap', user: ADA, redirectURIs: [ANDROID_REDIRECT] }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

const countingVerify: VerifyFunction = (accessToken, refreshToken, profile, done) => {
  verifyCalls += 1;
  tokensSeen.push([accessToken, refreshToken]);
  done(null, { id: profile.id });
};

async function serve(): Promise<TestApp> {
  verifyCalls = 0;
  tokensSeen = [];
  strategy = new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), countingVerify);
  app = await startApp(strategy);
  return app;
}

/** Waits until the fake has received `n` token requests (they are then in flight). */
async function tokenCallsReach(n: number): Promise<void> {
  while (amazon.calls.token < n) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the same code and verifier twice at once', () => {
  test('are exchanged once; both requests sign in; verify runs for each request', async () => {
    const target = await serve();
    amazon.fault('token', { delayMs: 200, times: 1 }); // both requests arrive while the exchange runs
    const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    const first = post(`${target.url}/api/me`, body);
    await tokenCallsReach(1);
    const second = post(`${target.url}/api/me`, body);
    const answers = await Promise.all([first, second]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => (a.json as { user: unknown }).user)).toEqual([{ id: ADA.user_id }, { id: ADA.user_id }]);
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
    expect(verifyCalls).toBe(2);
  });

  test('success included, both verify calls see the same access token and the same refresh token (documented: verify must be idempotent)', async () => {
    const target = await serve();
    amazon.fault('token', { delayMs: 200, times: 1 });
    const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    const first = post(`${target.url}/api/me`, body);
    await tokenCallsReach(1);
    const answers = await Promise.all([first, post(`${target.url}/api/me`, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(amazon.calls.token).toBe(1);
    expect(tokensSeen).toHaveLength(2);
    const [[access, refresh] = ['', undefined]] = tokensSeen;
    expect(refresh).toMatch(/^Atzr\|/);
    expect(tokensSeen).toEqual([[access, refresh], [access, refresh]]);
    // Neither answer carries a token.
    expectClean(JSON.stringify(answers), [access, refresh, ...[body.code, body.code_verifier]]);
  });

  test('both get the failure of the one exchange (Amazon down: two 502s, one call)', async () => {
    const target = await serve();
    amazon.fault('token', { status: 503, delayMs: 200, times: 1 });
    const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    const first = post(`${target.url}/api/me`, body);
    await tokenCallsReach(1);
    const answers = await Promise.all([first, post(`${target.url}/api/me`, body)]);
    expect(answers).toEqual([{ status: 502, json: { code: 'LWA_UPSTREAM_STATUS' } }, { status: 502, json: { code: 'LWA_UPSTREAM_STATUS' } }]);
    expect(amazon.calls.token).toBe(1);
    expect(verifyCalls).toBe(0);
  });

  test('both get the rejection of the one exchange (invalid_grant: two 401s, one call)', async () => {
    const target = await serve();
    amazon.fault('token', { status: 400, body: { error: 'invalid_grant' }, delayMs: 200, times: 1 });
    const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    const first = post(`${target.url}/api/me`, body);
    await tokenCallsReach(1);
    const answers = await Promise.all([first, post(`${target.url}/api/me`, body)]);
    expect(answers.map((a) => a.status)).toEqual([401, 401]);
    expect(amazon.calls.token).toBe(1);
  });
});

describe('what is not de-duplicated', () => {
  test('the same code with another verifier is a separate exchange (a wrong verifier spends the code at Amazon)', async () => {
    const target = await serve();
    amazon.fault('token', { delayMs: 200, times: 1 });
    const auth = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    const first = post(`${target.url}/api/me`, bodyOf(auth));
    await tokenCallsReach(1);
    const other = post(`${target.url}/api/me`, bodyOf(auth, { code_verifier: 'X'.repeat(64) }));
    const answers = await Promise.all([first, other]);
    // The fake answers the undelayed second exchange first: the code is spent on the wrong verifier, both are refused.
    expect(answers.map((a) => a.status)).toEqual([401, 401]);
    expect(amazon.calls.token).toBe(2);
  });

  test('the same request after the first has ended is exchanged again (a key lives only while in flight)', async () => {
    const target = await serve();
    const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    expect((await post(`${target.url}/api/me`, body)).status).toBe(200);
    expect((await post(`${target.url}/api/me`, body)).status).toBe(401);
    expect(amazon.calls.token).toBe(2);
    expect(inspect(strategy, { depth: 10, showHidden: true })).toContain('InFlight { size: 0 }');
  });
});

describe('InFlight', () => {
  test('shares a running promise per key, forgets it when it settles, and shows neither code nor verifier', async () => {
    const flights = new InFlight<string>();
    const secrets = { code: 'ANcodeSECRET0123456789', verifier: 'v'.repeat(43), redirectURI: ANDROID_REDIRECT };
    let started = 0;
    let release = (): void => undefined;
    const start = (): Promise<string> => { started += 1; return new Promise((resolve) => { release = () => { resolve('done'); }; }); };
    const a = flights.run(secrets, start);
    const b = flights.run({ ...secrets }, start);
    expect(a).toBe(b);
    const c = flights.run({ ...secrets, verifier: 'w'.repeat(43) }, () => Promise.resolve('other'));
    expect(c).not.toBe(a);
    expect(flights.size).toBe(2);
    expectClean(flights, [secrets.code, secrets.verifier]);
    expect(inspect(flights)).toBe('InFlight { size: 2 }');
    expect(JSON.stringify(flights)).toBe('{"size":2}');
    release();
    await expect(a).resolves.toBe('done');
    await c;
    expect(flights.size).toBe(0);
    expect(started).toBe(1);
    const rejected = flights.run(secrets, () => Promise.reject(new Error('x')));
    await expect(rejected).rejects.toThrow('x');
    expect(flights.size).toBe(0);
  });
});
