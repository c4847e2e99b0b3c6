/**
 * strategy.introspect(): the strategy's checks, cache, burst de-duplication and traces outside a
 * Passport route, against the fake Amazon on 127.0.0.1. Outcome rows: test/introspect-outcome-table.test.ts.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type CacheStore, type LoginWithAmazonStrategyOptions, type VerifyFunction } from '../../lib/index.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';
import { startApp } from '../helpers/express-app.js';
import { recordAuthenticate } from '../helpers/channels.js';
import { expectNoSecret } from '../helpers/leak.js';

const CLIENT = 'amzn1.application-oa2-client.introspect';
const suite = fakeAmazonSuite(CLIENT);
const { apps } = suite;

const verify = jest.fn<VerifyFunction>((_a, _r, profile, done) => { done(null, { id: profile.id }); });

function strategy(options: Partial<LoginWithAmazonStrategyOptions> = {}): LoginWithAmazonStrategy {
  return new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, ...options }, verify);
}

async function rejection(promise: Promise<unknown>): Promise<LoginWithAmazonError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(LoginWithAmazonError);
  return error as LoginWithAmazonError;
}

describe('introspect() resolves Amazon\'s approval', () => {
  test('resolves the profile, the tokeninfo facts, the seconds left and the source, without calling verify', async () => {
    verify.mockClear();
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.INTRO', name: 'Ada' });
    const s = strategy();
    const first = await s.introspect(token);
    expect(first.source).toBe('amazon');
    expect(first.profile).toMatchObject({ provider: 'amazon', id: 'amzn1.account.INTRO', displayName: 'Ada' });
    expect(first.tokenInfo).toMatchObject({ aud: CLIENT, user_id: 'amzn1.account.INTRO' });
    expect(first.expiresIn).toBe(first.tokenInfo.exp);
    expect(first.expiresIn).toBeGreaterThan(3500);
    const second = await s.introspect(token);
    expect(second.source).toBe('cache');
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    expect(verify).not.toHaveBeenCalled();
  });

  test('with the cache off, each call asks Amazon and reports it', async () => {
    const token = suite.amazon.issueToken();
    const s = strategy({ cache: false });
    expect((await s.introspect(token)).source).toBe('amazon');
    expect((await s.introspect(token)).source).toBe('amazon');
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('an approval made in a Passport route serves introspect(), and the other way round: one tokeninfo call each', async () => {
    const s = strategy();
    const app = await startApp(s);
    apps.push(app);
    const viaRoute = suite.amazon.issueToken();
    expect((await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${viaRoute}` } })).status).toBe(200);
    expect((await s.introspect(viaRoute)).source).toBe('cache');
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    const viaIntrospect = suite.amazon.issueToken();
    expect((await s.introspect(viaIntrospect)).source).toBe('amazon');
    expect((await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${viaIntrospect}` } })).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('a burst of introspect() calls and a route request for one token share one upstream lookup', async () => {
    const s = strategy();
    const app = await startApp(s);
    apps.push(app);
    const token = suite.amazon.issueToken();
    suite.amazon.fault('tokeninfo', { delayMs: 50, times: 1 });
    const calls = Array.from({ length: 5 }, () => s.introspect(token));
    const route = fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    const results = await Promise.all(calls);
    expect((await route).status).toBe(200);
    expect(results.map((r) => r.source)).toEqual(['amazon', 'coalesced', 'coalesced', 'coalesced', 'coalesced']);
    expect(suite.amazon.calls.tokeninfo).toBe(1);
  });

  test('a shared store written by one strategy answers another one\'s introspect()', async () => {
    const map = new Map<string, unknown>();
    const store: CacheStore = { get: (key) => map.get(key), set: (key, value) => { map.set(key, value); } };
    const cache = { store, secret: 'introspect-store-secret-0123456789abcdef' };
    const token = suite.amazon.issueToken();
    expect((await strategy({ cache }).introspect(token)).source).toBe('amazon');
    expect((await strategy({ cache }).introspect(token)).source).toBe('store');
    expect(suite.amazon.calls.tokeninfo).toBe(1);
  });
});

describe('introspect() rejects with a typed LoginWithAmazonError', () => {
  test.each([
    ['a revoked token', 'revoked', 'LWA_INVALID_TOKEN', 401],
    ['an expired token', 'expired', 'LWA_INVALID_TOKEN', 401],
    ['a token of another audience', 'other', 'LWA_AUDIENCE_MISMATCH', 401],
    ['a token without the profile scope', 'scope', 'LWA_INSUFFICIENT_SCOPE', 403],
  ])('rejects %s as a rejection', async (_name, kind, code, status) => {
    const { amazon } = suite;
    const token = kind === 'expired' ? amazon.issueToken({}, { expiresIn: 0 })
      : kind === 'other' ? amazon.issueToken({}, { aud: 'amzn1.application-oa2-client.someone-else', app_id: null })
        : kind === 'scope' ? amazon.issueToken({}, { scopes: ['postal_code'] }) : amazon.issueToken();
    if (kind === 'revoked') amazon.revoke(token);
    const err = await rejection(strategy().introspect(token));
    expect({ code: err.code, status: err.status, isRejection: err.isRejection }).toEqual({ code, status, isRejection: true });
    expectNoSecret(err, token);
  });

  test.each([
    ['a 5xx', { status: 503 }, 'LWA_UPSTREAM_STATUS', 502],
    ['a timeout', { delayMs: 500 }, 'LWA_TIMEOUT', 504],
  ])('rejects Amazon failing (%s) as an error, not a rejection', async (_name, fault, code, status) => {
    const token = suite.amazon.issueToken();
    suite.amazon.fault('tokeninfo', fault);
    const err = await rejection(strategy({ timeout: 100, retries: 0 }).introspect(token));
    expect({ code: err.code, status: err.status, isRejection: err.isRejection }).toEqual({ code, status, isRejection: false });
    expectNoSecret(err, token);
  });
});

describe('introspect() is safe with chosen input: a typed rejection, no call, no echo', () => {
  const tenMegabytes = `Atza|${'A'.repeat(10 * 1024 * 1024)}`;
  test.each([
    ['undefined', undefined, 'LWA_NO_TOKEN', 401],
    ['null', null, 'LWA_NO_TOKEN', 401],
    ['an empty string', '', 'LWA_NO_TOKEN', 401],
    ['a number', 12345, 'LWA_INVALID_REQUEST', 400],
    ['an object with a toString', { toString: () => 'Atza|x' }, 'LWA_INVALID_REQUEST', 400],
    ['an array', ['Atza|x'], 'LWA_INVALID_REQUEST', 400],
    ['a 10 MB string', tenMegabytes, 'LWA_INVALID_REQUEST', 400],
    ['CR LF and a header', 'Atza|abc\r\nX-Evil: 1', 'LWA_INVALID_REQUEST', 400],
    ['a NUL byte', 'Atza|abc\u0000def', 'LWA_INVALID_REQUEST', 400],
    ['a space', 'Atza|abc def', 'LWA_INVALID_REQUEST', 400],
    ['a broken percent-encoding', 'Atza%7', 'LWA_INVALID_REQUEST', 400],
  ])('rejects %s', async (_name, input, code, status) => {
    const err = await rejection(strategy().introspect(input));
    expect({ code: err.code, status: err.status, isRejection: err.isRejection }).toEqual({ code, status, isRejection: true });
    expect(err.message).toMatch(/^(no token given|token is not a string|token is longer than 2048 bytes|token has characters outside the bearer token syntax)$/);
    if (typeof input === 'string' && input.length > 10) expectNoSecret(err, input.slice(0, 60));
    expect(suite.amazon.calls.tokeninfo + suite.amazon.calls.profile).toBe(0);
  });

  test('bad options are a TypeError naming the option, with no call', async () => {
    const token = suite.amazon.issueToken();
    await expect(strategy().introspect(token, { signal: 'soon' as unknown as AbortSignal })).rejects.toThrow(new TypeError('"signal" must be an AbortSignal'));
    await expect(strategy().introspect(token, { sigal: AbortSignal.abort() } as never)).rejects.toThrow(/unknown option "sigal"; did you mean "signal"\?/);
    await expect(strategy().introspect(token, null as never)).rejects.toThrow(new TypeError('"options" must be an object'));
    expect(suite.amazon.calls.tokeninfo).toBe(0);
  });
});

describe('introspect() takes an AbortSignal', () => {
  test('aborted before the call: rejects with the signal\'s reason and asks nothing', async () => {
    const token = suite.amazon.issueToken();
    const reason = new Error('client went away');
    await expect(strategy().introspect(token, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(suite.amazon.calls.tokeninfo).toBe(0);
  });

  test('aborted during the call: rejects at once, while another waiter of the same lookup still gets its answer', async () => {
    const token = suite.amazon.issueToken();
    suite.amazon.fault('tokeninfo', { delayMs: 300, times: 1 });
    const s = strategy();
    const controller = new AbortController();
    const order: string[] = [];
    const aborted = s.introspect(token, { signal: controller.signal }).then(() => 'resolved', (err: unknown) => err);
    const other = s.introspect(token).then((r) => { order.push('other'); return r; });
    setTimeout(() => { controller.abort(); }, 20);
    const reason = await aborted;
    order.push('aborted');
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('AbortError');
    expect((await other).source).toBe('coalesced');
    expect(order).toEqual(['aborted', 'other']);
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    expect((await s.introspect(token)).source).toBe('cache');
  });

  test('a signal that never aborts changes nothing', async () => {
    const token = suite.amazon.issueToken();
    expect((await strategy().introspect(token, { signal: new AbortController().signal })).source).toBe('amazon');
  });
});

describe('introspect() is traced on the authenticate channel', () => {
  test('records a success, a rejection and an error under the strategy\'s name, never the token', async () => {
    const recorded = recordAuthenticate<Record<string, unknown>>();
    try {
      const good = suite.amazon.issueToken({ user_id: 'amzn1.account.TRACED' });
      const revoked = suite.amazon.issueToken();
      suite.amazon.revoke(revoked);
      const s = strategy({ name: 'ws-check', retries: 0 });
      await s.introspect(good);
      await s.introspect(revoked).catch(() => undefined);
      await s.introspect(42).catch(() => undefined);
      suite.amazon.fault('tokeninfo', { status: 500, times: 1 });
      await s.introspect(suite.amazon.issueToken()).catch(() => undefined);
      const ends = recorded.events.filter((e) => e.phase === 'asyncStart').map((e) => e.snapshot);
      expect(ends).toEqual([
        { strategy: 'ws-check', outcome: 'success', status: 200, userId: 'amzn1.account.TRACED', cache: 'miss' },
        { strategy: 'ws-check', outcome: 'fail', status: 401, code: 'LWA_INVALID_TOKEN', cache: 'miss' },
        { strategy: 'ws-check', outcome: 'fail', status: 400 }, // as the strategy traces a malformed request: no code
        expect.objectContaining({ strategy: 'ws-check', outcome: 'error', status: 502, code: 'LWA_UPSTREAM_STATUS', cache: 'miss' }),
      ]);
      expect(recorded.events.filter((e) => e.phase === 'start')).toHaveLength(4);
      expect(JSON.stringify(ends)).not.toContain(good.slice(5, 30));
    } finally {
      recorded.stop();
    }
  });
});
