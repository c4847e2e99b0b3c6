/**
 * A used sealed state stays used (issue 24): `cookieStateStore`'s `replayStore`. Two strategy
 * instances behind one callback URL stand for two processes (a restart, a load balancer); each
 * has its own memory of used states. The replay: the used cookie with a fresh code that Amazon
 * issued for the same state and PKCE challenge (the authorization URL opened again), sent to the
 * other process. Fail closed: a store that throws, stalls or answers garbage never lets a callback through.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import Keyv from 'keyv';
import { cookieStateStore, type CacheStore } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { expectNoSecret } from '../helpers/leak.js';
import { REPLAY_SECRET as SECRET, replayInAnotherProcess, startTwoProcesses } from '../helpers/replay-processes.js';

const ADA = { user_id: 'amzn1.account.AREPLAYSTORE', name: 'Ada Lovelace' };
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.replay', user: ADA }); });
afterAll(async () => { await amazon.close(); });
afterEach(() => { amazon.reset(); });

describe('a used sealed cookie in another process', () => {
  test('without replayStore (what the guide says a replay can do): the used cookie and a fresh code sign in again in the other process', async () => {
    const p = await startTwoProcesses(amazon, () => undefined);
    try {
      const { first, replay } = await replayInAnotherProcess(p);
      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(amazon.calls.token).toBe(2);
    } finally {
      await p.close();
    }
  });

  test('with a shared replayStore (Keyv): refused in the other process with the bad-state 403, no code exchanged there', async () => {
    const shared = new Keyv();
    const p = await startTwoProcesses(amazon, () => shared);
    try {
      const { first, replay } = await replayInAnotherProcess(p);
      expect(first.status).toBe(200);
      expect(replay.status).toBe(403);
      expect(amazon.calls.token).toBe(1);
    } finally {
      await p.close();
    }
  });
});

/** A Keyv-like store whose `get` or `set` misbehaves; the rest works. */
function faulty(patch: Partial<CacheStore>): () => CacheStore {
  const map = new Map<string, unknown>();
  return () => ({ get: (key) => Promise.resolve(map.get(key)), set: (key, value) => { map.set(key, value); return Promise.resolve(true); }, ...patch });
}

describe('a replayStore that fails: the callback is refused, never accepted, and no code is exchanged', () => {
  test.each<[string, Partial<CacheStore>]>([
    ['a get() that throws', { get: () => { throw new Error('ECONNREFUSED 127.0.0.1:6379'); } }],
    ['a get() that rejects', { get: () => Promise.reject(new Error('READONLY')) }],
    ['a set() that throws', { set: () => { throw new Error('OOM command not allowed'); } }],
    ['a set() that rejects', { set: () => Promise.reject(new Error('timeout')) }],
  ])('%s: error(), with the fixed message and the store\'s error as the cause, nothing secret in it', async (_name, patch) => {
    const p = await startTwoProcesses(amazon, faulty(patch));
    try {
      const browser = new CookieBrowser(p.url);
      const { res, hops } = await browser.follow(`${p.url}/auth/amazon`);
      expect(res.status).toBe(500);
      expect(amazon.calls.token).toBe(0);
      expect(p.errors).toHaveLength(1);
      expect(p.errors[0]).toMatchObject({ message: 'cookieStateStore: the "replayStore" failed, so the sign-in is refused', cause: expect.any(Error) as unknown });
      const code = new URL(hops[2]?.url ?? '').searchParams.get('code') ?? '';
      expect(code).not.toBe('');
      for (const secret of [code, amazon.clientSecret, SECRET]) expectNoSecret(p.errors[0], secret);
    } finally {
      await p.close();
    }
  });

  test('a set() that answers false (a Keyv whose write failed: its get() answers a failed read as absent): error(), no code exchanged', async () => {
    const p = await startTwoProcesses(amazon, faulty({ get: () => Promise.resolve(undefined), set: () => Promise.resolve(false) }));
    try {
      const { res } = await new CookieBrowser(p.url).follow(`${p.url}/auth/amazon`);
      expect(res.status).toBe(500);
      expect(p.errors).toEqual([expect.objectContaining({ message: 'cookieStateStore: the "replayStore" failed, so the sign-in is refused' })]);
      expect(amazon.calls.token).toBe(0);
    } finally {
      await p.close();
    }
  });

  test('a set() that answers true but keeps nothing (Keyv on a Redis that is down, with throwOnConnectError: false): error(), no code exchanged', async () => {
    const p = await startTwoProcesses(amazon, faulty({ set: () => Promise.resolve(true) }));
    try {
      const { res } = await new CookieBrowser(p.url).follow(`${p.url}/auth/amazon`);
      expect(res.status).toBe(500);
      expect(p.errors).toEqual([expect.objectContaining({ message: 'cookieStateStore: the "replayStore" failed, so the sign-in is refused' })]);
      expect(amazon.calls.token).toBe(0);
    } finally {
      await p.close();
    }
  });

  test('another process that wrote the state between our write and our read-back wins: the bad-state 403, no code exchanged', async () => {
    const map = new Map<string, unknown>();
    const racing: CacheStore = {
      get: (key) => Promise.resolve(map.get(key)),
      set: (key) => { map.set(key, 'the other process\'s nonce'); return Promise.resolve(true); },
    };
    const p = await startTwoProcesses(amazon, () => racing);
    try {
      const { res } = await new CookieBrowser(p.url).follow(`${p.url}/auth/amazon`);
      expect(res.status).toBe(403);
      expect(amazon.calls.token).toBe(0);
    } finally {
      await p.close();
    }
  });

  test('a get() that never answers: error() within the strategy\'s "timeout", no code exchanged', async () => {
    const p = await startTwoProcesses(amazon, faulty({ get: () => new Promise(() => undefined) }), 200);
    try {
      const { res } = await new CookieBrowser(p.url).follow(`${p.url}/auth/amazon`);
      expect(res.status).toBe(500);
      expect(p.errors).toEqual([expect.objectContaining({ message: 'the state store\'s take() did not answer within "timeout" (200 ms)' })]);
      expect(amazon.calls.token).toBe(0);
    } finally {
      await p.close();
    }
  });

  test.each<[string, unknown]>([
    ['an empty string', ''], ['0', 0], ['false', false], ['an object', {}], ['a string', 'garbage'],
  ])('a get() that answers %s (not absent) counts the state as used: the bad-state 403', async (_name, answer) => {
    const p = await startTwoProcesses(amazon, faulty({ get: () => Promise.resolve(answer) }));
    try {
      const { res } = await new CookieBrowser(p.url).follow(`${p.url}/auth/amazon`);
      expect(res.status).toBe(403);
      expect(amazon.calls.token).toBe(0);
    } finally {
      await p.close();
    }
  });

  test.each<[string, unknown]>([
    ['a string', 'redis://'], ['null', null], ['an object without set()', { get: () => undefined }], ['a function', () => undefined],
  ])('a replayStore that is %s is a TypeError naming "replayStore"', (_name, replayStore) => {
    expect(() => cookieStateStore({ secret: SECRET, replayStore } as never)).toThrow(new TypeError('"replayStore" must be an object with get() and set() methods (a Keyv instance, for example)'));
  });
});

describe('replayStore, called by hand', () => {
  const context = { strategy: 'amazon', callbackURL: 'https://app.example.com/auth/amazon/callback' };
  const STATE = 'S'.repeat(43);
  function exchange(cookie = ''): { req: unknown; set: string[] } {
    const set: string[] = [];
    return { req: { headers: { cookie }, res: { append: (_name: string, line: string) => { set.push(line); } } }, set };
  }

  test('records the used state once, under a hashed key, for as long as its record lives (+1 s); another instance then refuses the cookie', async () => {
    const calls: unknown[][] = [];
    const map = new Map<string, unknown>();
    const shared: CacheStore = {
      get: (key) => { calls.push(['get', key]); return Promise.resolve(map.get(key)); },
      set: (key, value, ttl) => { calls.push(['set', key, value, ttl]); map.set(key, value); return Promise.resolve(true); },
    };
    const expiresAt = Date.now() + 60_000;
    const saved = exchange();
    await cookieStateStore({ secret: SECRET, replayStore: shared }).save(saved.req, STATE, { verifierSeed: 'x'.repeat(43), redirectURI: context.callbackURL, expiresAt, requestedScope: [] }, context);
    const cookie = (saved.set[0] ?? '').split(';')[0] ?? '';
    await expect(cookieStateStore({ secret: SECRET, replayStore: shared }).take(exchange(cookie).req, STATE, context)).resolves.toMatchObject({ expiresAt });
    const [key = ''] = map.keys();
    expect(key).toMatch(/^passport-login-with-amazon:used-state:[\w-]{43}$/);
    expect(key).not.toContain(STATE);
    const nonce = map.get(key);
    expect(nonce).toMatch(/^[\w-]{22}$/);
    expect(calls).toEqual([['get', key], ['set', key, nonce, expect.any(Number)], ['get', key]]);
    const ttl = calls[1]?.[3] as number;
    expect(ttl).toBeGreaterThan(60_000 - 1000);
    expect(ttl).toBeLessThanOrEqual(61_000);
    await expect(cookieStateStore({ secret: SECRET, replayStore: shared }).take(exchange(cookie).req, STATE, context)).resolves.toBeUndefined();
    expect(calls).toHaveLength(4); // the second instance asked, found it used, wrote nothing
  });

  test('a cookie that does not open never reaches the store', async () => {
    const calls: string[] = [];
    const shared: CacheStore = { get: () => { calls.push('get'); }, set: () => { calls.push('set'); } };
    const store = cookieStateStore({ secret: SECRET, replayStore: shared });
    await expect(store.take(exchange(`__Host-lwa_state_${'A'.repeat(16)}=v1.garbage`).req, STATE, context)).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });

  test('a Keyv-style store gets an error listener (Keyv throws its errors without one)', () => {
    const events: string[] = [];
    cookieStateStore({ secret: SECRET, replayStore: { get: () => undefined, set: () => undefined, on: (event) => { events.push(event); } } });
    expect(events).toEqual(['error']);
  });
});
