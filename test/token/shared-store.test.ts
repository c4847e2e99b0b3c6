/**
 * A shared store is not a way in: keys and values are authenticated with `cache.secret`, an entry
 * is bound to the audience and endpoints that wrote it, approvals older than `ttl` are never served
 * (whatever TTL the store keeps), and a slow or failing store is only ever a miss.
 */
import { createHash, createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type CacheOptions, type CacheStore, type VerifyFunction } from '../../lib/index.js';
import { STORE_COOL_DOWN_MS, STORE_MAX_FAILURES } from '../../lib/token/shared-store.js';
import { createFakeAmazon } from '../../lib/testing/index.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';
import { startApp, type TestApp } from '../helpers/express-app.js';
import { expectNoSecret } from '../helpers/leak.js';
import { storeKeyOf, v2Entry, v2StoreKeyOf } from '../helpers/store-keys.js';

const CLIENT = 'amzn1.application-oa2-client.store';
const SECRET = 'store-test-secret-0123456789abcdef';
const PREFIX = 'passport-login-with-amazon:';
const suite = fakeAmazonSuite(CLIENT);
const { apps } = suite;

const passThrough: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id, name: profile.displayName }); };

type Cache = Omit<CacheOptions, 'store'> & { store: CacheStore };

async function start(cache: Cache, clientID = CLIENT, endpoints = suite.amazon.endpoints): Promise<TestApp> {
  const app = await startApp(new LoginWithAmazonStrategy({ clientID, ...endpoints, cache: { secret: SECRET, ...cache } }, passThrough));
  apps.push(app);
  return app;
}

function me(app: TestApp, token: string): Promise<Response> {
  return fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
}

const hmacKey = (token: string, secret = SECRET, prefix = PREFIX): string => storeKeyOf(token, secret, prefix);

/** A store over a Map that ignores the TTL (it passes the duck type) and records every call. */
function mapStore(): CacheStore & { map: Map<string, unknown>; sets: { key: string; value: unknown; ttl: number | undefined }[]; gets: string[]; deletes: string[] } {
  const map = new Map<string, unknown>();
  const store = {
    map,
    sets: [] as { key: string; value: unknown; ttl: number | undefined }[],
    gets: [] as string[],
    deletes: [] as string[],
    get: (key: string) => { store.gets.push(key); return Promise.resolve(structuredClone(map.get(key))); },
    set: (key: string, value: unknown, ttl?: number) => {
      store.sets.push({ key, value, ttl });
      map.set(key, structuredClone(value));
      return Promise.resolve(true);
    },
    delete: (key: string) => { store.deletes.push(key); return Promise.resolve(map.delete(key)); },
  };
  return store;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

describe('sharing approvals', () => {
  test('a second strategy with the same store and secret authenticates with zero upstream calls', async () => {
    const store = mapStore();
    const [first, second] = [await start({ store }), await start({ store })];
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.SHARED', name: 'Shared' });
    expect((await me(first, token)).status).toBe(200);
    const answer = await me(second, token);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { user: unknown }).user).toEqual({ id: 'amzn1.account.SHARED', name: 'Shared' });
    expect(suite.amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1, token: 0 });
  });

  test('keys are prefix + HMAC-SHA256(HKDF(secret, store-key label), token); neither the token nor the secret is in the store', async () => {
    const store = mapStore();
    const app = await start({ store, prefix: 'myapp:' });
    const token = suite.amazon.issueToken({}, { expiresIn: 30 });
    await me(app, token);
    const [{ key, value, ttl }] = store.sets as [{ key: string; value: unknown; ttl: number }];
    expect(key).toBe(hmacKey(token, SECRET, 'myapp:'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    for (const secret of [token, SECRET]) {
      expectNoSecret(key, secret);
      expectNoSecret(JSON.stringify(value), secret);
    }
  });
});

describe('a writable store is not a way in', () => {
  /** Validates a victim's real token through `writer`, then returns the stored value. */
  async function victimEntry(store: ReturnType<typeof mapStore>): Promise<{ token: string; value: Record<string, unknown> }> {
    const writer = await start({ store });
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.VICTIM', name: 'Victim' });
    expect((await me(writer, token)).status).toBe(200);
    return { token, value: store.map.get(hmacKey(token)) as Record<string, unknown> };
  }

  test('an approval copied to an invented token\'s key (HMAC or the old SHA-256 key) is never served', async () => {
    const store = mapStore();
    const { value } = await victimEntry(store);
    const invented = `Atza|${'F'.repeat(400)}`;
    store.map.set(hmacKey(invented), value);
    store.map.set(PREFIX + createHash('sha256').update(invented).digest('base64url'), value);
    const reader = await start({ store });
    const answer = await me(reader, invented);
    expect(answer.status).toBe(401);
    expect(await answer.text()).not.toContain('VICTIM');
  });

  const forged = (value: Record<string, unknown>, data: (d: Record<string, unknown>) => Record<string, unknown>, mac?: string): Record<string, unknown> => ({
    ...value, data: JSON.stringify(data(JSON.parse(value.data as string) as Record<string, unknown>)), ...(mac ? { mac } : {}),
  });

  test.each<[string, (value: Record<string, unknown>) => unknown]>([
    ['the data changed to name another user (MAC kept)', (v) => forged(v, (d) => ({ ...d, profile: JSON.stringify({ user_id: 'amzn1.account.EVIL', name: 'Evil' }), tokenInfo: { ...(d.tokenInfo as object), user_id: 'amzn1.account.EVIL' } }))],
    ['the data re-signed with a guessed secret', (v) => {
      const f = forged(v, (d) => ({ ...d, askedAt: Date.now() }));
      return { ...f, mac: createHmac('sha256', 'g'.repeat(32)).update(String(f.data)).digest('base64url') };
    }],
    ['a MAC of another length', (v) => ({ ...v, mac: 'AAAA' })],
    ['no MAC', (v) => ({ ...v, mac: undefined })],
    ['the old unsigned format', (v) => ({ v: 1, ...(JSON.parse(v.data as string) as object), expiresAt: Date.now() + 60_000 })],
    ['not an object', () => 'yes'],
    ['null', () => null],
  ])('a tampered entry (%s) is a miss: Amazon is asked', async (_name, tamper) => {
    const store = mapStore();
    const { token, value } = await victimEntry(store);
    store.map.set(hmacKey(token), tamper(value));
    const reader = await start({ store });
    const calls = suite.amazon.calls.tokeninfo;
    expect((await me(reader, token)).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(calls + 1);
  });

  test('an entry of version 2 (the secret itself keys both the store key and the MAC) is a miss: Amazon is asked', async () => {
    const store = mapStore();
    const user = 'amzn1.account.VERSION2';
    const token = suite.amazon.issueToken({ user_id: user, name: 'Two' });
    const { tokenInfoURL, profileURL } = suite.amazon.endpoints;
    const context = JSON.stringify([[CLIENT], [], tokenInfoURL, profileURL]);
    const data = JSON.stringify({
      tokenInfo: { iss: 'https://www.amazon.com', user_id: user, aud: CLIENT, exp: 3600 },
      profile: JSON.stringify({ user_id: user, name: 'Two' }), askedAt: Date.now(),
    });
    // Where version 2 wrote it, and where version 3 looks: both sealed the version 2 way.
    for (const key of [v2StoreKeyOf(token, SECRET, PREFIX), storeKeyOf(token, SECRET, PREFIX)]) store.map.set(key, v2Entry(key, SECRET, context, data));
    const reader = await start({ store });
    expect((await me(reader, token)).status).toBe(200);
    expect(suite.amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1 });
    expect(store.sets.map(({ value }) => (value as { v: number }).v)).toEqual([3]);
  });

  test('an entry written for another audience is a miss, and the token is then refused for it', async () => {
    const store = mapStore();
    await victimEntry(store);
    const theirs = await start({ store }, 'amzn1.application-oa2-client.other-app');
    const token = suite.amazon.issueToken();
    const ours = await start({ store });
    expect((await me(ours, token)).status).toBe(200);
    const calls = suite.amazon.calls.tokeninfo;
    const answer = await me(theirs, token);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(suite.amazon.calls.tokeninfo).toBe(calls + 1);
  });

  test('an entry written for other endpoints is a miss', async () => {
    const store = mapStore();
    const other = await createFakeAmazon({ clientID: CLIENT });
    try {
      const token = suite.amazon.issueToken();
      expect((await me(await start({ store }), token)).status).toBe(200);
      const elsewhere = await start({ store }, CLIENT, other.endpoints);
      expect((await me(elsewhere, token)).status).toBe(401); // the other "Amazon" never issued it
      expect(other.calls.tokeninfo).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe('secret rotation: the first secret signs, all verify', () => {
  const NEW = 'rotated-secret-fedcba9876543210fedcba';

  test('a reader with [new, old] serves entries written with the old secret; one with only the new does not', async () => {
    const store = mapStore();
    const token = suite.amazon.issueToken();
    expect((await me(await start({ store, secret: SECRET }), token)).status).toBe(200);
    expect((await me(await start({ store, secret: [NEW, SECRET] }), token)).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    expect((await me(await start({ store, secret: NEW }), token)).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test('a reader with [new, old] writes under the new secret\'s key', async () => {
    const store = mapStore();
    const token = suite.amazon.issueToken();
    await me(await start({ store, secret: [NEW, SECRET] }), token);
    expect(store.sets.map((set) => set.key)).toEqual([hmacKey(token, NEW)]);
  });
});

describe('revocation stays bounded by ttl with a store', () => {
  test('a store value older than this strategy\'s ttl is a miss, even in a store that ignores TTLs', async () => {
    const store = mapStore();
    const token = suite.amazon.issueToken();
    expect((await me(await start({ store, ttl: 600_000 }), token)).status).toBe(200);
    suite.amazon.revoke(token);
    await sleep(400);
    // A strategy with a short ttl does not trust the long-ttl writer's entry: Amazon says revoked.
    expect((await me(await start({ store, ttl: 300 }), token)).status).toBe(401);
  });

  test('an in-memory entry made from a store hit lives only what is left of ttl', async () => {
    const store = mapStore();
    const token = suite.amazon.issueToken();
    expect((await me(await start({ store, ttl: 1500 }), token)).status).toBe(200);
    await sleep(700);
    const reader = await start({ store, ttl: 1500 });
    expect((await me(reader, token)).status).toBe(200); // a store hit, about 700 ms old
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    suite.amazon.revoke(token);
    await sleep(1000); // past 1500 ms since Amazon approved it, not since the hit
    expect((await me(reader, token)).status).toBe(401);
  });
});

describe('a store that misbehaves is only ever a miss', () => {
  test('a burst in front of the store makes one store read and one pair of upstream calls', async () => {
    const store = mapStore();
    const app = await start({ store });
    const token = suite.amazon.issueToken();
    const answers = await Promise.all(Array.from({ length: 50 }, () => me(app, token)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(store.gets).toHaveLength(1);
    expect(suite.amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1, token: 0 });
  });

  test('a store that hangs counts as a miss after storeTimeout, then is skipped for a cool-down', async () => {
    let calls = 0;
    const hanging: CacheStore = {
      get: () => { calls += 1; return new Promise(() => undefined); },
      set: () => { calls += 1; return new Promise(() => undefined); },
    };
    const app = await start({ store: hanging, storeTimeout: 20 });
    for (let i = 0; i < STORE_MAX_FAILURES + 3; i += 1) expect((await me(app, suite.amazon.issueToken())).status).toBe(200);
    expect(calls).toBe(STORE_MAX_FAILURES);
    expect(STORE_COOL_DOWN_MS).toBeGreaterThanOrEqual(10_000);
    expect(suite.amazon.calls.tokeninfo).toBe(STORE_MAX_FAILURES + 3);
  });

  test('the upstream deadline counts storeTimeout: a store that answers within it, after more than timeout, still signs in', async () => {
    // Deadline with the store: storeTimeout 1000 + timeout 200 + 250 ms of grace. Without it, 450 ms,
    // and the 600 ms read would end in a 504 before Amazon is asked.
    const slow: CacheStore = { get: () => sleep(600).then(() => undefined), set: () => Promise.resolve(true) };
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, timeout: 200, retries: 0, cache: { secret: SECRET, store: slow, storeTimeout: 1000 } }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    const before = suite.amazon.calls.tokeninfo;
    expect((await me(app, suite.amazon.issueToken())).status).toBe(200);
    expect(suite.amazon.calls.tokeninfo).toBe(before + 1);
    expect(app.errors).toEqual([]);
  });

  test('a store that throws or rejects counts as a miss, never as an error', async () => {
    const throwing: CacheStore = { get: () => { throw new Error('boom'); }, set: () => Promise.reject(new Error('boom')) };
    const app = await start({ store: throwing });
    const token = suite.amazon.issueToken();
    expect((await me(app, token)).status).toBe(200);
    expect((await me(app, token)).status).toBe(200);
    expect(app.errors).toEqual([]);
  });

  test('error events (as Keyv emits) do not crash the app and trip the breaker; close() unsubscribes', async () => {
    const emitter = new EventEmitter();
    const store = Object.assign(emitter, mapStore());
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { store, secret: SECRET } }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    expect(store.listenerCount('error')).toBe(1);
    for (let i = 0; i < STORE_MAX_FAILURES; i += 1) store.emit('error', new Error('connection lost'));
    expect((await me(app, suite.amazon.issueToken())).status).toBe(200);
    expect(store.gets).toHaveLength(0); // skipped: cooling down
    strategy.close();
    expect(store.listenerCount('error')).toBe(0);
  });
});

describe('strategy.forget(token) with a store', () => {
  test('deletes the token\'s entries under every secret, so no process serves it again', async () => {
    const store = mapStore();
    const OLD = 'old-secret-0123456789abcdef0123456789';
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { store, secret: [SECRET, OLD] } }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    const token = suite.amazon.issueToken();
    expect((await me(app, token)).status).toBe(200);
    suite.amazon.revoke(token);
    await strategy.forget(token);
    expect(store.deletes.sort()).toEqual([hmacKey(token), hmacKey(token, OLD)].sort());
    expect((await me(await start({ store }), token)).status).toBe(401);
    expect((await me(app, token)).status).toBe(401);
  });

  test.each<[string, (token: string) => string]>([
    ['with a newline', (t) => `${t}\nx`],
    ['empty', () => ''],
    ['over 2048 bytes', (t) => t + 'A'.repeat(2048)],
    ['with a space', (t) => `${t} x`],
    ['a JSON text', (t) => JSON.stringify({ token: t })],
    ['with a bad percent escape', (t) => `${t}%zz`],
  ])('a string that is not a well-formed token (%s) forgets nothing and makes no store call', async (_name, make) => {
    const store = mapStore();
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { store, secret: SECRET } }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    const token = suite.amazon.issueToken();
    expect((await me(app, token)).status).toBe(200);
    const calls = { gets: store.gets.length, sets: store.sets.length };
    await expect(strategy.forget(make(token))).resolves.toBeUndefined();
    expect(store.deletes).toEqual([]);
    expect({ gets: store.gets.length, sets: store.sets.length }).toEqual(calls);
    expect((await me(app, token)).status).toBe(200); // still in memory: nothing was forgotten
    expect(suite.amazon.calls.tokeninfo).toBe(1);
  });

  test.each<[string, unknown]>([
    ['undefined', undefined], ['null', null], ['a number', 42], ['an object', { toString: () => 'Atza|x' }],
    ['an array', ['Atza|x']], ['a Buffer', Buffer.from('Atza|x')],
  ])('a non-string (%s) is a TypeError, with no store call', async (_name, value) => {
    const store = mapStore();
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { store, secret: SECRET } }, passThrough);
    await expect(strategy.forget(value as string)).rejects.toThrow(new TypeError('"token" must be a string'));
    expect([store.gets, store.sets, store.deletes]).toEqual([[], [], []]);
    strategy.close();
  });

  test('a percent-encoded token (Atza%7C…) is forgotten as the decoded token, as a request\'s would be', async () => {
    const store = mapStore();
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { store, secret: SECRET } }, passThrough);
    const token = suite.amazon.issueToken();
    await strategy.forget(encodeURIComponent(token));
    expect(store.deletes).toEqual([hmacKey(token)]);
    strategy.close();
  });

  test('forget() reaches this process and the store; another process keeps its in-memory approval for at most ttl', async () => {
    const store = mapStore();
    const ttl = 800;
    const here = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { store, secret: SECRET, ttl } }, passThrough);
    const hereApp = await startApp(here);
    apps.push(hereApp);
    const elsewhere = await start({ store, ttl });
    const token = suite.amazon.issueToken();
    expect((await me(hereApp, token)).status).toBe(200);
    expect((await me(elsewhere, token)).status).toBe(200); // from the store, now in its memory
    suite.amazon.revoke(token);
    await here.forget(token);
    expect(store.map.size).toBe(0);
    expect((await me(hereApp, token)).status).toBe(401);
    expect((await me(elsewhere, token)).status).toBe(200); // what forget() does not reach
    await sleep(ttl);
    expect((await me(elsewhere, token)).status).toBe(401);
  });

  test('a store without delete still forgets in memory', async () => {
    const full = mapStore();
    const store: CacheStore = { get: (key) => full.get(key), set: (key, value, ttl) => full.set(key, value, ttl) };
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, cache: { store, secret: SECRET } }, passThrough);
    const app = await startApp(strategy);
    apps.push(app);
    const token = suite.amazon.issueToken();
    expect((await me(app, token)).status).toBe(200); // approved: now in memory and in the store
    const calls = suite.amazon.calls.tokeninfo;
    expect((await me(app, token)).status).toBe(200); // a memory hit
    expect(suite.amazon.calls.tokeninfo).toBe(calls);
    suite.amazon.revoke(token);
    full.map.clear(); // the store can no longer answer for it either
    await expect(strategy.forget(token)).resolves.toBeUndefined();
    expect((await me(app, token)).status).toBe(401); // forgotten in memory: Amazon was asked again
    expect(suite.amazon.calls.tokeninfo).toBe(calls + 1);
  });
});
