/**
 * The token cache: one pair of upstream calls per token, bursts de-duplicated, entries that never
 * outlive the token, a shared store that is untrusted and may be slow or down.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type CacheOptions, type Validation, type VerifyFunction } from '../../lib/index.js';
import { CachingValidator } from '../../lib/token/cache.js';
import type { ValidationNote } from '../../lib/diagnostics/channels.js';
import { toProfile } from '../../lib/amazon/profile.js';
import { resolveCacheOptions, type ResolvedCacheOptions } from '../../lib/token/cache-options.js';
import { createFakeAmazon } from '../../lib/testing/index.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const CLIENT = 'amzn1.application-oa2-client.cache';
const suite = fakeAmazonSuite(CLIENT);
const { apps } = suite;

const passThrough: VerifyFunction = (_a, _r, profile, done) => done(null, { id: profile.id, name: profile.displayName });

async function start(cache?: false | CacheOptions, verify = passThrough, clientID = CLIENT): Promise<TestApp> {
  const options = { clientID, ...suite.amazon.endpoints, ...(cache === undefined ? {} : { cache }) };
  const app = await startApp(new LoginWithAmazonStrategy(options, verify));
  apps.push(app);
  return app;
}

function me(app: TestApp, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}`, ...headers } });
}

describe('in memory (the default)', () => {
  test('a second request with the same token makes no upstream call, and verify still runs every time', async () => {
    const verify = jest.fn<VerifyFunction>(passThrough);
    const app = await start(undefined, verify);
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.C1', name: 'Cache One' });
    for (let i = 0; i < 3; i += 1) expect((await me(app, token)).status).toBe(200);
    expect(suite.amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
    expect(verify).toHaveBeenCalledTimes(3);
  });

  test('a burst of 100 concurrent requests with one new token makes exactly 2 upstream calls', async () => {
    const slow = await createFakeAmazon({ clientID: CLIENT, latencyMs: 50 });
    try {
      const app = await startApp(new LoginWithAmazonStrategy({ clientID: CLIENT, ...slow.endpoints }, passThrough));
      apps.push(app);
      const token = slow.issueToken({ user_id: 'amzn1.account.BURST' });
      const answers = await Promise.all(Array.from({ length: 100 }, () => me(app, token)));
      expect(answers.map((answer) => answer.status)).toEqual(Array<number>(100).fill(200));
      expect(slow.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
      expect(((await answers[99]?.json()) as { user: unknown }).user).toEqual({ id: 'amzn1.account.BURST', name: expect.any(String) });
    } finally {
      await slow.close();
    }
  });

  test('cache: false calls upstream on every request', async () => {
    const app = await start(false);
    const token = suite.amazon.issueToken();
    for (let i = 0; i < 3; i += 1) expect((await me(app, token)).status).toBe(200);
    expect(suite.amazon.calls).toEqual({ tokeninfo: 3, profile: 3, token: 0, authorization: 0 });
  });

  test('malformed tokens make 0 upstream calls', async () => {
    const app = await start();
    const good = suite.amazon.issueToken();
    // [query, headers]; a control character can only travel percent-encoded (it is decoded once).
    const cases: [string, Record<string, string>][] = [
      ['', { authorization: 'Bearer' }],
      ['', { authorization: 'Bearer a b' }],
      ['', { authorization: `Bearer ${'A'.repeat(2049)}` }],
      ['', { 'x-amz-access-token': 'Atza%7C%01bad' }],
      ['', { authorization: `Bearer ${good}`, 'x-amz-access-token': good }],
    ];
    for (let round = 0; round < 20; round += 1) {
      for (const [query, headers] of cases) {
        const response = await fetch(`${app.url}/api/me${query}`, { headers });
        expect(response.status).toBe(400);
      }
    }
    expect(suite.amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
  });

  test('an entry never outlives the token: TTL is the seconds tokeninfo says are left', async () => {
    const app = await start({ ttl: 60_000 });
    // 2 s issued, so tokeninfo says 2 s left (the fake rounds up) when it is asked, a few ms later:
    // the entry lives 2 s from then. 2.5 s later both the token and the entry are gone.
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.SHORT' }, { expiresIn: 2 });
    expect((await me(app, token)).status).toBe(200);
    expect((await me(app, token)).status).toBe(200);
    expect(suite.amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // The entry is gone with the token: Amazon is asked again, and says the token has expired.
    const late = await me(app, token);
    expect(late.status).toBe(401);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('the ttl option bounds a long-lived token', async () => {
    const app = await start({ ttl: 50 });
    const token = suite.amazon.issueToken({}, { expiresIn: 3600 });
    expect((await me(app, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await me(app, token)).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('a revoked token stays accepted until its entry expires (at most ttl), then is rejected', async () => {
    // A ttl long enough that a loaded machine still makes the second request inside it.
    const app = await start({ ttl: 1000 });
    const token = suite.amazon.issueToken();
    expect((await me(app, token)).status).toBe(200);
    suite.amazon.revoke(token);
    expect((await me(app, token)).status).toBe(200); // the documented trade-off: served from the cache
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = await me(app, token);
    expect(late.status).toBe(401);
    expect(late.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('max bounds the number of tokens kept (least recently used goes first)', async () => {
    const app = await start({ max: 2 });
    const [a, b, c] = [suite.amazon.issueToken(), suite.amazon.issueToken(), suite.amazon.issueToken()];
    for (const token of [a, b, c]) expect((await me(app, token)).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(3);
    expect((await me(app, c)).status).toBe(200); // still cached
    expect(suite.amazon.calls.tokeninfo).toBe(3);
    expect((await me(app, a)).status).toBe(200); // evicted by c
    expect(suite.amazon.calls.tokeninfo).toBe(4);
  });

  test('failed lookups are not cached: after an upstream failure the next request asks again', async () => {
    const app = await start();
    const token = suite.amazon.issueToken();
    suite.amazon.fault('tokeninfo', { status: 500, times: 2 }); // the call and its one retry
    expect((await me(app, token)).status).toBe(502);
    expect((await me(app, token)).status).toBe(200);
    expect((await me(app, token)).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(3);
  });

  test('an invalid_token answer is not remembered by default', async () => {
    const app = await start();
    const token = suite.amazon.issueToken();
    suite.amazon.revoke(token);
    expect((await me(app, token)).status).toBe(401);
    expect((await me(app, token)).status).toBe(401);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('negativeTtl remembers an invalid_token answer briefly, then asks again', async () => {
    const app = await start({ negativeTtl: 1000 });
    const token = suite.amazon.issueToken();
    suite.amazon.revoke(token);
    for (let i = 0; i < 5; i += 1) {
      const response = await me(app, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await me(app, token)).status).toBe(401);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('negativeTtl never remembers an upstream failure', async () => {
    const app = await start({ negativeTtl: 60_000 });
    const token = suite.amazon.issueToken();
    suite.amazon.fault('tokeninfo', { status: 503, times: 2 });
    expect((await me(app, token)).status).toBe(502);
    expect((await me(app, token)).status).toBe(200);
  });

  test('each request gets its own profile object: a verify that mutates it does not change the next one', async () => {
    const seen: unknown[] = [];
    const app = await start(undefined, (_a, _r, profile, done) => {
      seen.push(structuredClone(profile));
      profile.displayName = 'changed by verify';
      (profile._json as Record<string, unknown>).name = 'changed too';
      done(null, { id: profile.id });
    });
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.M', name: 'Original' });
    await me(app, token);
    await me(app, token);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]).toMatchObject({ displayName: 'Original', _json: { name: 'Original' } });
  });
});

describe('CachingValidator', () => {
  const BINDING = { clientIDs: ['client-a'], appIDs: [], tokenInfoURL: 'https://t.example/ti', profileURL: 'https://t.example/p' };
  const validation = (askedAt = Date.now(), exp = 3600): Validation => ({
    tokenInfo: { iss: 'https://www.amazon.com', user_id: 'amzn1.account.U', aud: 'client-a', exp },
    profile: { provider: 'amazon', id: 'amzn1.account.U', displayName: 'U', emails: [{ value: 'u@example.com' }], _raw: '{}', _json: { user_id: 'amzn1.account.U' } },
    askedAt,
  });
  const options = (extra: Record<string, unknown> = {}): ResolvedCacheOptions => resolveCacheOptions({ max: 10, ...extra }) as ResolvedCacheOptions;

  test('every hit gets its own copy of the profile', async () => {
    const validator = new CachingValidator({ validate: () => Promise.resolve(validation()) }, options(), BINDING);
    const first = await validator.validate('Atza|t');
    first.profile.emails?.push({ value: 'x@example.com' });
    first.profile._json.name = 'changed';
    const second = validator.cached('Atza|t');
    expect(second?.profile.emails).toEqual([{ value: 'u@example.com' }]);
    expect(second?.profile._json).toEqual({ user_id: 'amzn1.account.U' });
  });

  test('an entry expires with the token, counted from when tokeninfo was asked (not from when the answers arrived)', async () => {
    // tokeninfo said 3 s left, but was asked 2.6 s ago (a slow profile): 0.4 s are left, not 3.
    const validator = new CachingValidator({ validate: () => Promise.resolve(validation(Date.now() - 2600, 3)) }, options(), BINDING);
    await validator.validate('Atza|t');
    expect(validator.cached('Atza|t')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(validator.cached('Atza|t')).toBeUndefined();
  });

  test('an approval is served for at most ttl after Amazon was asked', async () => {
    const validator = new CachingValidator({ validate: () => Promise.resolve(validation(Date.now() - 800)) }, options({ ttl: 1000 }), BINDING);
    await validator.validate('Atza|t');
    expect(validator.cached('Atza|t')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(validator.cached('Atza|t')).toBeUndefined();
  });

  test('served copies count exp down and keep the same expiry', async () => {
    const validator = new CachingValidator({ validate: () => Promise.resolve(validation(Date.now() - 10_000, 3600)) }, options(), BINDING);
    const served = await validator.validate('Atza|t');
    expect(served.tokenInfo.exp).toBeGreaterThanOrEqual(3589);
    expect(served.tokenInfo.exp).toBeLessThanOrEqual(3590);
    expect(served.askedAt + served.tokenInfo.exp * 1000).toBeCloseTo(validation(Date.now() - 10_000).askedAt + 3_600_000, -3);
  });

  test('validate() answers a live approval from memory: one upstream call for two lookups', async () => {
    const upstream = { validate: jest.fn(() => Promise.resolve(validation())) };
    const validator = new CachingValidator(upstream, options(), BINDING);
    await validator.validate('Atza|t');
    await validator.validate('Atza|t');
    expect(upstream.validate).toHaveBeenCalledTimes(1);
  });

  test('a tokeninfo-only approval stays one on every hit', async () => {
    const validator = new CachingValidator({ validate: () => Promise.resolve({ ...validation(), tokenInfoOnly: true }) }, options(), BINDING);
    expect((await validator.validate('Atza|t')).tokenInfoOnly).toBe(true);
    expect(validator.cached('Atza|t')?.tokenInfoOnly).toBe(true);
    const full = new CachingValidator({ validate: () => Promise.resolve(validation()) }, options(), BINDING);
    expect((await full.validate('Atza|t')).tokenInfoOnly).toBeUndefined();
  });

  test('forget() during a lookup: the waiting request still gets its answer, but it is not cached', async () => {
    const releases: (() => void)[] = [];
    const upstream = { validate: jest.fn(() => new Promise<Validation>((resolve) => { releases.push(() => { resolve(validation()); }); })) };
    const validator = new CachingValidator(upstream, options(), BINDING);
    const first = validator.validate('Atza|t');
    await new Promise((resolve) => setImmediate(resolve));
    await validator.forget('Atza|t');
    const second = validator.validate('Atza|t'); // a new lookup, not the forgotten one
    await new Promise((resolve) => setImmediate(resolve));
    releases[0]?.();
    await expect(first).resolves.toMatchObject({ profile: { id: 'amzn1.account.U' } });
    expect(validator.cached('Atza|t')).toBeUndefined(); // the forgotten answer was not cached
    const third = validator.validate('Atza|t'); // joins the second lookup (the first one's end did not remove it)
    releases[1]?.();
    await Promise.all([second, third]);
    expect(upstream.validate).toHaveBeenCalledTimes(2);
    expect(validator.cached('Atza|t')).toBeDefined(); // the second lookup's answer
    await validator.forget('Atza|t');
    expect(validator.cached('Atza|t')).toBeUndefined();
  });

  test.each(['LWA_INVALID_TOKEN', 'LWA_AUDIENCE_MISMATCH', 'LWA_USER_MISMATCH'] as const)('negativeTtl remembers %s, with its code, message and endpoint', async (code) => {
    const upstream = { validate: jest.fn(() => Promise.reject(new LoginWithAmazonError(code, 'no good', { endpoint: 'tokeninfo' }))) };
    const validator = new CachingValidator(upstream, options({ negativeTtl: 60_000 }), BINDING);
    await expect(validator.validate('Atza|t')).rejects.toMatchObject({ code });
    await expect(validator.validate('Atza|t')).rejects.toMatchObject({ code, message: 'no good', endpoint: 'tokeninfo' });
    expect(upstream.validate).toHaveBeenCalledTimes(1);
  });

  test('negativeTtl never remembers an upstream failure', async () => {
    const upstream = { validate: jest.fn(() => Promise.reject(new LoginWithAmazonError('LWA_UPSTREAM_STATUS', 'down'))) };
    const validator = new CachingValidator(upstream, options({ negativeTtl: 60_000 }), BINDING);
    await expect(validator.validate('Atza|t')).rejects.toMatchObject({ code: 'LWA_UPSTREAM_STATUS' });
    await expect(validator.validate('Atza|t')).rejects.toMatchObject({ code: 'LWA_UPSTREAM_STATUS' });
    expect(upstream.validate).toHaveBeenCalledTimes(2);
  });

  test('validate() notes how it was answered: hit for a live approval and for a remembered rejection', async () => {
    const good = new CachingValidator({ validate: () => Promise.resolve(validation()) }, options(), BINDING);
    const notes = [{}, {}] as ValidationNote[];
    await good.validate('Atza|t', notes[0]);
    await good.validate('Atza|t', notes[1]);
    const bad = new CachingValidator({ validate: () => Promise.reject(new LoginWithAmazonError('LWA_INVALID_TOKEN', 'no good')) }, options({ negativeTtl: 60_000 }), BINDING);
    const rejected = [{}, {}] as ValidationNote[];
    await expect(bad.validate('Atza|t', rejected[0])).rejects.toMatchObject({ code: 'LWA_INVALID_TOKEN' });
    await expect(bad.validate('Atza|t', rejected[1])).rejects.toMatchObject({ code: 'LWA_INVALID_TOKEN' });
    expect([...notes, ...rejected].map((note) => note.cache)).toEqual(['miss', 'hit', 'miss', 'hit']);
  });

  test('forget() during the only lookup: the waiting request still gets its answer, and nothing is cached', async () => {
    let release = (): void => undefined;
    const upstream = { validate: () => new Promise<Validation>((resolve) => { release = () => { resolve(validation()); }; }) };
    const validator = new CachingValidator(upstream, options(), BINDING);
    const waiting = validator.validate('Atza|t');
    await new Promise((resolve) => setImmediate(resolve));
    await validator.forget('Atza|t');
    release();
    await expect(waiting).resolves.toMatchObject({ profile: { id: 'amzn1.account.U' } });
    expect(validator.cached('Atza|t')).toBeUndefined();
  });

  test('forget() while the shared store is being read: its approval answers the request but is not kept in memory', async () => {
    const map = new Map<string, unknown>();
    const store = { get: (key: string) => map.get(key), set: (key: string, value: unknown) => { map.set(key, value); } };
    // A profile as Amazon sends it: the store keeps the raw body and parses it again when read.
    const raw = JSON.stringify({ user_id: 'amzn1.account.U', name: 'U', email: 'u@example.com' });
    const approved: Validation = { ...validation(), profile: toProfile(raw, JSON.parse(raw) as unknown) };
    const writer = new CachingValidator({ validate: () => Promise.resolve(approved) }, options({ store, secret: 's'.repeat(32) }), BINDING);
    await writer.validate('Atza|t');
    expect(map.size).toBe(1);
    let release = (): void => undefined;
    const slow = { get: (key: string) => new Promise((resolve) => { release = () => { resolve(map.get(key)); }; }), set: store.set };
    const upstream = { validate: jest.fn(() => Promise.resolve(validation())) };
    const reader = new CachingValidator(upstream, options({ store: slow, secret: 's'.repeat(32), storeTimeout: 5000 }), BINDING);
    const note: ValidationNote = {};
    const waiting = reader.validate('Atza|t', note);
    await new Promise((resolve) => setImmediate(resolve));
    const forgetting = reader.forget('Atza|t');
    release();
    await forgetting;
    await expect(waiting).resolves.toMatchObject({ profile: { id: 'amzn1.account.U' } });
    expect([note.cache, upstream.validate.mock.calls.length, reader.cached('Atza|t')]).toEqual(['store', 0, undefined]);
    reader.close();
  });

  test('close() without a shared store does nothing', () => {
    const validator = new CachingValidator({ validate: () => Promise.resolve(validation()) }, options(), BINDING);
    expect(() => { validator.close(); }).not.toThrow();
  });

  test('forget() drops the approval: the next lookup asks upstream again', async () => {
    const upstream = { validate: jest.fn(() => Promise.resolve(validation())) };
    const validator = new CachingValidator(upstream, options(), BINDING);
    await validator.validate('Atza|t');
    await validator.forget('Atza|t');
    expect(validator.cached('Atza|t')).toBeUndefined();
    await validator.validate('Atza|t');
    expect(upstream.validate).toHaveBeenCalledTimes(2);
  });
});

describe('remembered rejections (negativeTtl)', () => {
  test('live apart from the approvals: a flood of bad tokens never evicts one', async () => {
    const app = await start({ max: 2, negativeTtl: 60_000 });
    const good = [suite.amazon.issueToken(), suite.amazon.issueToken()];
    for (const token of good) expect((await me(app, token)).status).toBe(200);
    for (let i = 0; i < 10; i += 1) {
      const bad = suite.amazon.issueToken();
      suite.amazon.revoke(bad);
      expect((await me(app, bad)).status).toBe(401);
    }
    const calls = suite.amazon.calls.tokeninfo;
    for (const token of good) expect((await me(app, token)).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(calls);
  });

  test('are bounded by negativeMax (least recently used dropped first)', async () => {
    const app = await start({ negativeTtl: 60_000, negativeMax: 2 });
    const bad = [suite.amazon.issueToken(), suite.amazon.issueToken(), suite.amazon.issueToken()];
    for (const token of bad) suite.amazon.revoke(token);
    for (const token of bad) expect((await me(app, token)).status).toBe(401);
    expect(suite.amazon.calls.tokeninfo).toBe(3);
    expect((await me(app, bad[2] ?? '')).status).toBe(401); // remembered
    expect(suite.amazon.calls.tokeninfo).toBe(3);
    expect((await me(app, bad[0] ?? '')).status).toBe(401); // dropped: asked again
    expect(suite.amazon.calls.tokeninfo).toBe(4);
  });

  test('a remembered rejection is forgotten with the token', async () => {
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { negativeTtl: 60_000 } }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    const token = suite.amazon.issueToken();
    suite.amazon.revoke(token);
    expect((await me(app, token)).status).toBe(401);
    await strategy.forget(token);
    expect((await me(app, token)).status).toBe(401);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });
});

describe('strategy.forget(token)', () => {
  test('a forgotten token is validated with Amazon again: a revoked one is refused at once', async () => {
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    const token = suite.amazon.issueToken();
    expect((await me(app, token)).status).toBe(200);
    suite.amazon.revoke(token);
    expect((await me(app, token)).status).toBe(200); // cached
    await strategy.forget(token);
    expect((await me(app, token)).status).toBe(401);
  });

  test('is harmless with the cache off and for a token never seen', async () => {
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: false }, passThrough);
    await expect(strategy.forget('Atza|never')).resolves.toBeUndefined();
    expect(() => { strategy.close(); }).not.toThrow();
  });
});
