/**
 * The token strategy under a flood: at most `maxWaitingForAmazon` requests wait for Amazon; the
 * next is answered 503 with `Retry-After` at once (Express's own error handler), without a call to
 * Amazon, and the count goes back to zero on every path.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type VerifyFunction } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { expectNoSecret } from '../helpers/leak.js';
import { admissionOf, startPlainApp, until, type PlainApp } from './helpers.js';

let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon(); });
afterAll(async () => { await amazon.close(); });
afterEach(() => { amazon.reset(); });

const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };

async function withApp(verify: VerifyFunction, run: (app: PlainApp, strategy: LoginWithAmazonStrategy) => Promise<void>): Promise<void> {
  const strategy = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, timeout: 5000, retries: 0, maxWaitingForAmazon: 1, cache: false }, verify);
  const app = await startPlainApp(strategy);
  try { await run(app, strategy); } finally { await app.close(); }
}

const get = (url: string, token: string, signal?: AbortSignal): Promise<Response> =>
  fetch(url, { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });

describe('maxWaitingForAmazon, token strategy', () => {
  test('the request past the cap is a 503 with Retry-After from Express\'s default handler, with no call to Amazon', async () => {
    await withApp(toUser, async (app, strategy) => {
      amazon.fault('tokeninfo', { delayMs: 1500, times: 1 });
      const waiting = get(app.url, amazon.issueToken());
      await until(() => amazon.calls.tokeninfo === 1);
      const refusedToken = amazon.issueToken();
      const refused = await get(app.url, refusedToken);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      const body = await refused.text();
      expect(body).not.toContain(refusedToken);
      expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1 });
      expect(admissionOf(strategy).size).toBe(1);
      expect((await waiting).status).toBe(200);
      expect(admissionOf(strategy).size).toBe(0);
      expect((await get(app.url, amazon.issueToken())).status).toBe(200);
      expect(app.reached).toBe(2);
    });
  });

  test('the refusal is an LWA_OVERLOADED error with status 503, retryAfter and headers, naming no token', async () => {
    const strategy = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, maxWaitingForAmazon: 1, cache: false }, toUser);
    amazon.fault('tokeninfo', { delayMs: 300, times: 1 });
    const errors: unknown[] = [];
    const run = (token: string): Promise<void> => new Promise((resolve) => {
      const s = Object.create(strategy) as LoginWithAmazonStrategy & Record<string, unknown>;
      s.success = () => { resolve(); };
      s.fail = () => { resolve(); };
      s.error = (err: unknown) => { errors.push(err); resolve(); };
      s.authenticate({ headers: { authorization: `Bearer ${token}` } });
    });
    const first = run(amazon.issueToken());
    const token = amazon.issueToken();
    await run(token);
    const err = errors[0] as LoginWithAmazonError;
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    expect(err).toMatchObject({ code: 'LWA_OVERLOADED', status: 503, retryAfter: 11, message: 'too many requests are waiting for Amazon' });
    expect(err.headers).toEqual({ 'retry-after': '11' });
    expect(err.isRejection).toBe(false);
    expect(err.toJSON()).toMatchObject({ code: 'LWA_OVERLOADED', status: 503, retryAfter: 11 });
    expectNoSecret(err, token);
    await first;
    expect(amazon.calls.tokeninfo).toBe(1);
  });

  test.each([
    ['a fail (Amazon refuses the token)', 401, (): string => amazon.issueToken({}, { expiresIn: 0 })],
    ['an error (Amazon answers 500)', 502, (): string => { amazon.fault('tokeninfo', { status: 500, times: 1 }); return amazon.issueToken(); }],
  ])('the slot is given back after %s', async (_name, status, token) => {
    await withApp(toUser, async (app, strategy) => {
      expect((await get(app.url, token())).status).toBe(status);
      expect(admissionOf(strategy).size).toBe(0);
      expect((await get(app.url, amazon.issueToken())).status).toBe(200);
    });
  });

  test('a verify that throws answers 500 and holds no slot', async () => {
    await withApp(() => { throw new Error('verify broke'); }, async (app, strategy) => {
      expect((await get(app.url, amazon.issueToken())).status).toBe(500);
      expect(admissionOf(strategy).size).toBe(0);
      expect(amazon.calls.tokeninfo).toBe(1);
      expect((await get(app.url, amazon.issueToken())).status).toBe(500);
      expect(amazon.calls.tokeninfo).toBe(2);
    });
  });

  test('a verify that never returns holds no slot: Amazon\'s part is over when verify is called', async () => {
    let called = 0;
    await withApp(() => { called += 1; }, async (app, strategy) => {
      const hung = new AbortController();
      const first = get(app.url, amazon.issueToken(), hung.signal).catch(() => 'aborted');
      await until(() => called === 1);
      expect(admissionOf(strategy).size).toBe(0);
      const second = get(app.url, amazon.issueToken(), hung.signal).catch(() => 'aborted');
      await until(() => called === 2);
      expect(amazon.calls.tokeninfo).toBe(2);
      hung.abort();
      expect(await first).toBe('aborted');
      expect(await second).toBe('aborted');
    });
  });
});

describe('maxWaitingForAmazon, introspect()', () => {
  test('introspect() and a request share the one bound: past it introspect() rejects LWA_OVERLOADED at once, without a call, and a request past an introspection is a 503', async () => {
    await withApp(toUser, async (app, strategy) => {
      amazon.fault('tokeninfo', { delayMs: 1500, times: 1 });
      const waiting = strategy.introspect(amazon.issueToken());
      await until(() => amazon.calls.tokeninfo === 1);
      expect(admissionOf(strategy).size).toBe(1);
      const refusedToken = amazon.issueToken();
      const refusal = await strategy.introspect(refusedToken).then(() => undefined, (err: unknown) => err);
      expect(refusal).toBeInstanceOf(LoginWithAmazonError);
      expect(refusal).toMatchObject({ code: 'LWA_OVERLOADED', status: 503, isRejection: false });
      expectNoSecret(refusal, refusedToken);
      const refused = await get(app.url, amazon.issueToken());
      expect(refused.status).toBe(503);
      expect(amazon.calls.tokeninfo).toBe(1);
      expect((await waiting).source).toBe('amazon');
      expect(admissionOf(strategy).size).toBe(0);
      expect((await strategy.introspect(amazon.issueToken())).source).toBe('amazon');
      expect(amazon.calls.tokeninfo).toBe(2);
    });
  });
});
