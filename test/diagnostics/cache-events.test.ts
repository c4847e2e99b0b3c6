/** The `cache` channel: store failures, timeouts, the circuit opening and closing, refused entries; and the `store` cache answer. */
import { EventEmitter } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type AuthenticateContext, type CacheStore } from '../../lib/index.js';
import { toProfile } from '../../lib/amazon/profile.js';
import { SharedStore, STORE_COOL_DOWN_MS, STORE_MAX_FAILURES, type StoreBinding } from '../../lib/token/shared-store.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import type { Validation } from '../../lib/amazon/validation.js';
import { authenticate, bearer, recordAuthenticate, recordCache } from '../helpers/channels.js';

const SECRET = 'a-secret-of-at-least-32-characters!!';
const TOKEN = 'Atza|IwEBcache-channel-token';
const BINDING: StoreBinding = { clientIDs: ['client-a'], appIDs: [], tokenInfoURL: 'https://api.amazon.com/auth/o2/tokeninfo', profileURL: 'https://api.amazon.com/user/profile' };

let cache: ReturnType<typeof recordCache>;
afterEach(() => {
  cache.stop();
  jest.restoreAllMocks();
});

function mapStore(): CacheStore & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return { map, get: (key) => map.get(key), set: (key, value) => map.set(key, structuredClone(value)) };
}

function sharedStore(store: CacheStore, timeout = 50): SharedStore {
  return new SharedStore({ store, secrets: [SECRET], prefix: 'p:', timeout, ttl: 60_000 }, BINDING);
}

function approval(aud: string): Validation {
  const raw = JSON.stringify({ user_id: 'amzn1.account.C', name: 'C', email: 'c@example.com' });
  const tokenInfo = { iss: 'https://www.amazon.com', user_id: 'amzn1.account.C', aud, app_id: 'app', exp: 3600, iat: 1 };
  return { tokenInfo, profile: toProfile(raw, JSON.parse(raw) as unknown), askedAt: Date.now() };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

describe('store failures', () => {
  test('a key the store answers with null or undefined (a Redis miss) is a plain miss: no entry-refused event', async () => {
    cache = recordCache();
    for (const answer of [null, undefined]) {
      const shared = sharedStore({ get: () => Promise.resolve(answer), set: () => undefined });
      expect(await shared.read(TOKEN)).toBeUndefined();
    }
    expect(cache.events).toEqual([]);
  });

  test('a store method that throws instead of rejecting is a failure like any other: reason failed', async () => {
    cache = recordCache();
    const throwing: CacheStore = { get: () => { throw new Error('sync'); }, set: () => { throw new Error('sync'); }, delete: () => { throw new Error('sync'); } };
    const shared = sharedStore(throwing);
    expect(await shared.read(TOKEN)).toBeUndefined();
    shared.write(TOKEN, approval('client-a'), 1000);
    await shared.forget(TOKEN);
    expect(cache.events.slice(0, 3)).toEqual(['get', 'set', 'delete'].map((operation) => ({ type: 'store-error', operation, reason: 'failed' })));
  });

  test('forget(): a store without delete gets no call and publishes nothing; a failing delete is a store-error event naming delete', async () => {
    cache = recordCache();
    const calls: string[] = [];
    const withoutDelete: CacheStore = { get: (key) => { calls.push(`get ${key}`); }, set: (key) => { calls.push(`set ${key}`); } };
    await expect(sharedStore(withoutDelete).forget(TOKEN)).resolves.toBeUndefined();
    // A delete that is not a function (from JavaScript) is no delete either.
    await expect(sharedStore({ ...withoutDelete, delete: 'del' } as unknown as CacheStore).forget(TOKEN)).resolves.toBeUndefined();
    expect([calls, cache.events]).toEqual([[], []]);
    const failing: CacheStore = { ...withoutDelete, delete: function (this: unknown, key) { calls.push(`delete ${key.length} ${String(this === failing)}`); return Promise.reject(new Error('down')); } };
    await expect(sharedStore(failing).forget(TOKEN)).resolves.toBeUndefined();
    expect(calls).toEqual([expect.stringMatching(/^delete \d+ true$/)]);
    expect(cache.events).toEqual([{ type: 'store-error', operation: 'delete', reason: 'failed' }]);
  });

  test('a failing get, a failing set and an error event are store-error events naming the operation', async () => {
    cache = recordCache();
    const events = new EventEmitter();
    const store: CacheStore = {
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      on: (event, listener) => events.on(event, listener),
    };
    const shared = sharedStore(store);
    expect(await shared.read(TOKEN)).toBeUndefined();
    shared.write(TOKEN, approval('client-a'), 1000);
    await sleep(10);
    events.emit('error', new Error('connection lost'));
    expect(cache.events.slice(0, 3)).toEqual([
      { type: 'store-error', operation: 'get', reason: 'failed' },
      { type: 'store-error', operation: 'set', reason: 'failed' },
      { type: 'store-error', operation: 'events', reason: 'failed' },
    ]);
    expect(cache.events[3]).toEqual({ type: 'circuit-open', coolDownMs: STORE_COOL_DOWN_MS });
    expect(JSON.stringify(cache.events)).not.toContain(TOKEN);
  });

  test('a slow store is a timeout; after enough failures the circuit opens for exactly the cool-down, and the first success after it closes it, once', async () => {
    cache = recordCache();
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    let slow = true;
    let gets = 0;
    const store = mapStore();
    const shared = sharedStore({ get: (key) => { gets += 1; return slow ? new Promise(() => undefined) : store.get(key); }, set: (key, value) => store.set(key, value) }, 20);
    for (let i = 0; i < STORE_MAX_FAILURES; i += 1) await shared.read(TOKEN);
    expect(cache.events).toEqual([
      ...Array.from({ length: STORE_MAX_FAILURES }, () => ({ type: 'store-error', operation: 'get', reason: 'timeout' })),
      { type: 'circuit-open', coolDownMs: STORE_COOL_DOWN_MS },
    ]);
    slow = false;
    now += STORE_COOL_DOWN_MS - 1;
    await shared.read(TOKEN); // the last millisecond of the cool-down: skipped, no call, no event
    expect([gets, cache.events.length]).toEqual([STORE_MAX_FAILURES, STORE_MAX_FAILURES + 1]);
    now += 1;
    await shared.read(TOKEN); // the cool-down is over: asked again, and the circuit closes
    expect(gets).toBe(STORE_MAX_FAILURES + 1);
    expect(cache.events.at(-1)).toEqual({ type: 'circuit-close' });
    await shared.read(TOKEN); // closed already: no second circuit-close
    expect([gets, cache.events.length]).toEqual([STORE_MAX_FAILURES + 2, STORE_MAX_FAILURES + 2]);
  });
});

describe('refused entries', () => {
  test.each([
    ['a bad MAC', 'mac', (value: { mac: string }) => ({ ...value, mac: Buffer.alloc(32).toString('base64url') })],
    ['not a sealed entry', 'shape', () => 'garbage'],
  ])('%s is refused with reason %s', async (_name, reason, tamper) => {
    cache = recordCache();
    const store = mapStore();
    const shared = sharedStore(store);
    shared.write(TOKEN, approval('client-a'), 1000);
    await sleep(5);
    const [[key, value]] = [...store.map.entries()] as [[string, { mac: string }]];
    store.map.set(key, tamper(value));
    expect(await shared.read(TOKEN)).toBeUndefined();
    expect(cache.events).toEqual([{ type: 'entry-refused', reason }]);
  });

  test('an approval for another audience (written with the secret) is refused with reason audience', async () => {
    cache = recordCache();
    const store = mapStore();
    const shared = sharedStore(store);
    shared.write(TOKEN, approval('client-b'), 1000);
    await sleep(5);
    expect(await shared.read(TOKEN)).toBeUndefined();
    expect(cache.events).toEqual([{ type: 'entry-refused', reason: 'audience' }]);
  });

  test('an approval older than ttl is refused with reason age', async () => {
    cache = recordCache();
    const store = mapStore();
    const shared = sharedStore(store);
    shared.write(TOKEN, { ...approval('client-a'), askedAt: Date.now() - 61_000 }, 1000);
    await sleep(5);
    expect(await shared.read(TOKEN)).toBeUndefined();
    expect(cache.events).toEqual([{ type: 'entry-refused', reason: 'age' }]);
  });
});

describe('the store cache answer', () => {
  let amazon: FakeAmazon;
  beforeAll(async () => { amazon = await createFakeAmazon(); });
  afterAll(async () => { await amazon.close(); });

  test('a second process (strategy) sharing the store answers from it: cache store, no upstream call', async () => {
    cache = recordCache();
    const store = mapStore();
    const make = (): LoginWithAmazonStrategy => new LoginWithAmazonStrategy(
      { clientID: amazon.clientID, ...amazon.endpoints, cache: { store, secret: SECRET } },
      (_a, _r, profile, done) => { done(null, { id: profile.id }); },
    );
    const token = amazon.issueToken();
    await authenticate(make(), bearer(token));
    await sleep(5);
    const auth = recordAuthenticate<AuthenticateContext>();
    try {
      await authenticate(make(), bearer(token));
      expect(auth.events.at(-1)?.snapshot).toMatchObject({ outcome: 'success', cache: 'store' });
      expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
    } finally {
      auth.stop();
    }
  });
});
