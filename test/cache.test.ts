/**
 * The token cache: one pair of upstream calls per token, bursts de-duplicated, entries that never
 * outlive the token, a shared store that is untrusted and may be slow or down.
 */
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type CacheOptions, type CacheStore, type Validation, type VerifyFunction } from '../lib/index.js';
import { CachingValidator, STORE_COOL_DOWN_MS, STORE_MAX_FAILURES, cacheKey } from '../lib/cache.js';
import { createFakeAmazon, type FakeAmazon } from '../lib/testing/index.js';
import { startApp, type TestApp } from './helpers/express-app.js';
import { expectNoSecret } from './helpers/leak.js';

const CLIENT = 'amzn1.application-oa2-client.cache';
let amazon: FakeAmazon;
const apps: TestApp[] = [];

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: CLIENT });
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await amazon.close();
});
beforeEach(() => {
  amazon.reset();
});

const passThrough: VerifyFunction = (_a, _r, profile, done) => done(null, { id: profile.id, name: profile.displayName });

async function start(cache?: false | CacheOptions, verify = passThrough, clientID = CLIENT): Promise<TestApp> {
  const options = { clientID, ...amazon.endpoints, ...(cache === undefined ? {} : { cache }) };
  const app = await startApp(new LoginWithAmazonStrategy(options, verify));
  apps.push(app);
  return app;
}

function me(app: TestApp, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}`, ...headers } });
}

/** A Keyv-like store over a Map that records every call. */
function mapStore(): CacheStore & { map: Map<string, unknown>; sets: { key: string; value: unknown; ttl: number | undefined }[]; gets: number } {
  const map = new Map<string, unknown>();
  const store = {
    map,
    sets: [] as { key: string; value: unknown; ttl: number | undefined }[],
    gets: 0,
    get: (key: string) => {
      store.gets += 1;
      return Promise.resolve(structuredClone(map.get(key)));
    },
    set: (key: string, value: unknown, ttl?: number) => {
      store.sets.push({ key, value, ttl });
      map.set(key, structuredClone(value));
      return Promise.resolve(true);
    },
    delete: (key: string) => Promise.resolve(map.delete(key)),
  };
  return store;
}

describe('in memory (the default)', () => {
  test('a second request with the same token makes no upstream call, and verify still runs every time', async () => {
    const verify = jest.fn<VerifyFunction>(passThrough);
    const app = await start(undefined, verify);
    const token = amazon.issueToken({ user_id: 'amzn1.account.C1', name: 'Cache One' });
    for (let i = 0; i < 3; i += 1) expect((await me(app, token)).status).toBe(200);
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1 });
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
      expect(slow.calls).toEqual({ tokeninfo: 1, profile: 1 });
      expect(((await answers[99]?.json()) as { user: unknown }).user).toEqual({ id: 'amzn1.account.BURST', name: expect.any(String) });
    } finally {
      await slow.close();
    }
  });

  test('cache: false calls upstream on every request', async () => {
    const app = await start(false);
    const token = amazon.issueToken();
    for (let i = 0; i < 3; i += 1) expect((await me(app, token)).status).toBe(200);
    expect(amazon.calls).toEqual({ tokeninfo: 3, profile: 3 });
  });

  test('malformed tokens make 0 upstream calls', async () => {
    const app = await start();
    const good = amazon.issueToken();
    // [query, headers]; a control character can only travel percent-encoded (it is decoded once).
    const cases: [string, Record<string, string>][] = [
      ['', { authorization: 'Bearer' }],
      ['', { authorization: 'Bearer a b' }],
      ['', { authorization: `Bearer ${'A'.repeat(2049)}` }],
      ['?access_token=Atza%7C%01bad', {}],
      ['', { authorization: `Bearer ${good}`, 'x-amz-access-token': good }],
    ];
    for (let round = 0; round < 20; round += 1) {
      for (const [query, headers] of cases) {
        const response = await fetch(`${app.url}/api/me${query}`, { headers });
        expect(response.status).toBe(400);
      }
    }
    expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0 });
  });

  test('an entry never outlives the token: TTL is the seconds tokeninfo says are left', async () => {
    const app = await start({ ttl: 60_000 });
    // 2 s issued, so tokeninfo says 2 s left (the fake rounds up) when it is asked, a few ms later:
    // the entry lives 2 s from then. 2.5 s later both the token and the entry are gone.
    const token = amazon.issueToken({ user_id: 'amzn1.account.SHORT' }, { expiresIn: 2 });
    expect((await me(app, token)).status).toBe(200);
    expect((await me(app, token)).status).toBe(200);
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // The entry is gone with the token: Amazon is asked again, and says the token has expired.
    const late = await me(app, token);
    expect(late.status).toBe(401);
    expect(amazon.calls.tokeninfo).toBe(2);
  });

  test('the ttl option bounds a long-lived token', async () => {
    const app = await start({ ttl: 50 });
    const token = amazon.issueToken({}, { expiresIn: 3600 });
    expect((await me(app, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await me(app, token)).status).toBe(200);
    expect(amazon.calls.tokeninfo).toBe(2);
  });

  test('a revoked token stays accepted until its entry expires (at most ttl), then is rejected', async () => {
    // A ttl long enough that a loaded machine still makes the second request inside it.
    const app = await start({ ttl: 1000 });
    const token = amazon.issueToken();
    expect((await me(app, token)).status).toBe(200);
    amazon.revoke(token);
    expect((await me(app, token)).status).toBe(200); // the documented trade-off: served from the cache
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = await me(app, token);
    expect(late.status).toBe(401);
    expect(late.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(amazon.calls.tokeninfo).toBe(2);
  });

  test('max bounds the number of tokens kept (least recently used goes first)', async () => {
    const app = await start({ max: 2 });
    const [a, b, c] = [amazon.issueToken(), amazon.issueToken(), amazon.issueToken()];
    for (const token of [a, b, c]) expect((await me(app, token)).status).toBe(200);
    expect(amazon.calls.tokeninfo).toBe(3);
    expect((await me(app, c)).status).toBe(200); // still cached
    expect(amazon.calls.tokeninfo).toBe(3);
    expect((await me(app, a)).status).toBe(200); // evicted by c
    expect(amazon.calls.tokeninfo).toBe(4);
  });

  test('failed lookups are not cached: after an upstream failure the next request asks again', async () => {
    const app = await start();
    const token = amazon.issueToken();
    amazon.fault('tokeninfo', { status: 500, times: 2 }); // the call and its one retry
    expect((await me(app, token)).status).toBe(502);
    expect((await me(app, token)).status).toBe(200);
    expect((await me(app, token)).status).toBe(200);
    expect(amazon.calls.tokeninfo).toBe(3);
  });

  test('an invalid_token answer is not remembered by default', async () => {
    const app = await start();
    const token = amazon.issueToken();
    amazon.revoke(token);
    expect((await me(app, token)).status).toBe(401);
    expect((await me(app, token)).status).toBe(401);
    expect(amazon.calls.tokeninfo).toBe(2);
  });

  test('negativeTtl remembers an invalid_token answer briefly, then asks again', async () => {
    const app = await start({ negativeTtl: 1000 });
    const token = amazon.issueToken();
    amazon.revoke(token);
    for (let i = 0; i < 5; i += 1) {
      const response = await me(app, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
    expect(amazon.calls.tokeninfo).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await me(app, token)).status).toBe(401);
    expect(amazon.calls.tokeninfo).toBe(2);
  });

  test('negativeTtl never remembers an upstream failure', async () => {
    const app = await start({ negativeTtl: 60_000 });
    const token = amazon.issueToken();
    amazon.fault('tokeninfo', { status: 503, times: 2 });
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
    const token = amazon.issueToken({ user_id: 'amzn1.account.M', name: 'Original' });
    await me(app, token);
    await me(app, token);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]).toMatchObject({ displayName: 'Original', _json: { name: 'Original' } });
  });
});

describe('a shared store (Keyv-compatible)', () => {
  test('a second strategy on the same store authenticates with zero upstream calls', async () => {
    const store = mapStore();
    const first = await start({ store });
    const second = await start({ store });
    const token = amazon.issueToken({ user_id: 'amzn1.account.SHARED', name: 'Shared' });
    expect((await me(first, token)).status).toBe(200);
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1 });
    const answer = await me(second, token);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { user: unknown }).user).toEqual({ id: 'amzn1.account.SHARED', name: 'Shared' });
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1 });
  });

  test('keys are a prefixed SHA-256, the TTL never exceeds exp, and the token is nowhere in the store', async () => {
    const store = mapStore();
    const app = await start({ store, prefix: 'myapp:', ttl: 600_000 });
    const token = amazon.issueToken({}, { expiresIn: 30 });
    await me(app, token);
    expect(store.sets).toHaveLength(1);
    const [{ key, value, ttl }] = store.sets as [{ key: string; value: unknown; ttl: number }];
    expect(key).toBe(cacheKey('myapp:', token));
    expect(key).toMatch(/^myapp:[A-Za-z0-9_-]{43}$/);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expectNoSecret(key, token);
    expectNoSecret(JSON.stringify(value), token);
  });

  test('the default prefix is passport-login-with-amazon:', async () => {
    const store = mapStore();
    const app = await start({ store });
    await me(app, amazon.issueToken());
    expect(store.sets[0]?.key).toMatch(/^passport-login-with-amazon:/);
  });

  test('an approval for another app is never reused: the audience is checked again on a hit', async () => {
    const store = mapStore();
    const ours = await start({ store });
    const theirs = await start({ store }, passThrough, 'amzn1.application-oa2-client.other-app');
    const token = amazon.issueToken(); // issued to CLIENT
    expect((await me(ours, token)).status).toBe(200);
    const answer = await me(theirs, token);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  test.each([
    ['not an object', () => 'yes'],
    ['a wrong version', (v: Record<string, unknown>) => ({ ...v, v: 2 })],
    ['an expired entry', (v: Record<string, unknown>) => ({ ...v, expiresAt: Date.now() - 1 })],
    ['another audience', (v: Record<string, unknown>) => ({ ...v, tokenInfo: { ...(v.tokenInfo as object), aud: 'evil', app_id: 'evil' } })],
    ['a profile of another user', (v: Record<string, unknown>) => ({ ...v, profile: JSON.stringify({ user_id: 'amzn1.account.EVIL', name: 'Evil' }) })],
    ['a profile that is not JSON', (v: Record<string, unknown>) => ({ ...v, profile: '{' })],
    ['a tokeninfo of the wrong shape', (v: Record<string, unknown>) => ({ ...v, tokenInfo: null })],
    ['another issuer', (v: Record<string, unknown>) => ({ ...v, tokenInfo: { ...(v.tokenInfo as object), iss: 'https://evil.example' } })],
  ])('a poisoned store value (%s) is a miss: Amazon is asked', async (_name, poison) => {
    const store = mapStore();
    const writer = await start({ store });
    const token = amazon.issueToken({ user_id: 'amzn1.account.REAL', name: 'Real' });
    await me(writer, token);
    const key = cacheKey('passport-login-with-amazon:', token);
    store.map.set(key, poison(store.map.get(key) as Record<string, unknown>));
    const reader = await start({ store });
    const answer = await me(reader, token);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { user: unknown }).user).toEqual({ id: 'amzn1.account.REAL', name: 'Real' });
    expect(amazon.calls.tokeninfo).toBe(2);
  });

  test('a burst in front of the store makes one store read and one pair of upstream calls', async () => {
    const store = mapStore();
    const app = await start({ store });
    const token = amazon.issueToken();
    const answers = await Promise.all(Array.from({ length: 50 }, () => me(app, token)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(store.gets).toBe(1);
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1 });
  });

  test('a store that hangs counts as a miss after storeTimeout, then is skipped for a cool-down', async () => {
    let gets = 0;
    let sets = 0;
    const hanging: CacheStore = {
      get: () => { gets += 1; return new Promise(() => undefined); },
      set: () => { sets += 1; return new Promise(() => undefined); },
      delete: () => Promise.resolve(true),
    };
    const app = await start({ store: hanging, storeTimeout: 20 });
    for (let i = 0; i < STORE_MAX_FAILURES + 3; i += 1) {
      expect((await me(app, amazon.issueToken())).status).toBe(200);
    }
    // Reads and writes both time out; after STORE_MAX_FAILURES in a row the store is left alone.
    expect(gets + sets).toBe(STORE_MAX_FAILURES);
    expect(STORE_COOL_DOWN_MS).toBeGreaterThanOrEqual(10_000);
    expect(amazon.calls.tokeninfo).toBe(STORE_MAX_FAILURES + 3);
  });

  test('a store that throws or rejects counts as a miss, never as an error', async () => {
    const throwing: CacheStore = {
      get: () => { throw new Error('boom'); },
      set: () => Promise.reject(new Error('boom')),
      delete: () => Promise.resolve(true),
    };
    const app = await start({ store: throwing });
    const token = amazon.issueToken();
    expect((await me(app, token)).status).toBe(200);
    expect((await me(app, token)).status).toBe(200); // served from memory
    expect(app.errors).toEqual([]);
  });

  test('a store emitting error events (as Keyv does) does not crash the app and trips the breaker', async () => {
    const emitter = new EventEmitter();
    const store = Object.assign(emitter, mapStore()) as unknown as CacheStore & EventEmitter & { gets: number };
    const app = await start({ store });
    for (let i = 0; i < STORE_MAX_FAILURES; i += 1) store.emit('error', new Error('connection lost'));
    expect((await me(app, amazon.issueToken())).status).toBe(200);
    expect(store.gets).toBe(0); // skipped: cooling down
  });
});

describe('the cache option', () => {
  const make = (cache: unknown) => () => new LoginWithAmazonStrategy({ clientID: CLIENT, cache } as never, passThrough);
  test.each([
    ['a string', 'yes', '"cache" must be false or an object'],
    ['true', true, '"cache" must be false or an object'],
    ['null', null, '"cache" must be false or an object'],
    ['an array', [], '"cache" must be false or an object'],
    ['ttl 0', { ttl: 0 }, '"cache.ttl" must be an integer'],
    ['ttl 1.5', { ttl: 1.5 }, '"cache.ttl" must be an integer'],
    ['max 0', { max: 0 }, '"cache.max" must be an integer'],
    ['negativeTtl -1', { negativeTtl: -1 }, '"cache.negativeTtl" must be an integer'],
    ['storeTimeout 0', { storeTimeout: 0 }, '"cache.storeTimeout" must be an integer'],
    ['prefix 5', { prefix: 5 }, '"cache.prefix" must be a string'],
    ['a store without delete', { store: { get() {}, set() {} } }, '"cache.store" must have get(key), set(key, value, ttl) and delete(key) methods'],
    ['a store that is a string', { store: 'redis://' }, '"cache.store" must have'],
  ])('rejects %s with a TypeError naming the option', (_name, cache, message) => {
    expect(make(cache)).toThrow(TypeError);
    expect(make(cache)).toThrow(message);
  });

  test('accepts false, {} and every documented field', () => {
    expect(make(false)).not.toThrow();
    expect(make({})).not.toThrow();
    expect(make({ ttl: 1000, max: 5, negativeTtl: 0, storeTimeout: 50, prefix: '', store: mapStore() })).not.toThrow();
  });
});

describe('CachingValidator', () => {
  const validation = (aud: string): Validation => ({
    tokenInfo: { iss: 'https://www.amazon.com', user_id: 'amzn1.account.U', aud, exp: 3600 },
    profile: { provider: 'amazon', id: 'amzn1.account.U', displayName: 'U', emails: [{ value: 'u@example.com' }], _raw: '{}', _json: { user_id: 'amzn1.account.U' } },
  });
  const options = { ttl: 60_000, max: 10, negativeTtl: 0, store: undefined, storeTimeout: 100, prefix: 'p:' };

  test('a memory hit is re-checked against the audience: synchronously and through validate()', async () => {
    const upstream = { validate: jest.fn(() => Promise.resolve(validation('client-a'))) };
    const audience = { clientIDs: ['client-a'], appIDs: [] as string[] };
    const validator = new CachingValidator(upstream, options, audience);
    expect(validator.cached('Atza|t')).toBeUndefined(); // nothing cached yet
    await validator.validate('Atza|t');
    expect(validator.cached('Atza|t')?.profile.id).toBe('amzn1.account.U');
    audience.clientIDs = ['client-b'];
    expect(validator.cached('Atza|t')).toBeUndefined();
    await expect(validator.validate('Atza|t')).rejects.toMatchObject({ code: 'LWA_AUDIENCE_MISMATCH' });
    expect(upstream.validate).toHaveBeenCalledTimes(1);
  });

  test('every hit gets its own copy of the profile', async () => {
    const validator = new CachingValidator({ validate: () => Promise.resolve(validation('client-a')) }, options, { clientIDs: ['client-a'], appIDs: [] });
    const first = await validator.validate('Atza|t');
    first.profile.emails?.push({ value: 'x@example.com' });
    first.profile._json.name = 'changed';
    const second = validator.cached('Atza|t');
    expect(second?.profile.emails).toEqual([{ value: 'u@example.com' }]);
    expect(second?.profile._json).toEqual({ user_id: 'amzn1.account.U' });
  });
});
