/**
 * SharedStore on its own, with entries written by a strategy holding the secret: what it still
 * refuses (another user, another audience, a token about to expire), how the binding is built
 * (the order of ids does not matter, the set does), the two kinds of approval, close() and forget().
 */
import { createHmac } from 'node:crypto';
import { describe, expect, jest, test } from '@jest/globals';
import type { CacheStore } from '../../lib/token/cache-options.js';
import { toProfile, tokenInfoProfile } from '../../lib/amazon/profile.js';
import { SharedStore, type StoreBinding } from '../../lib/token/shared-store.js';
import type { Validation } from '../../lib/amazon/validation.js';
import { derivedKey, MAC_KEY_INFO, storeKeyOf } from '../helpers/store-keys.js';

const SECRET = 'unit-test-secret-0123456789abcdef0123';
const TOKEN = `Atza|${'u'.repeat(100)}`;
const BINDING: StoreBinding = { clientIDs: ['client-a', 'client-b'], appIDs: ['app-1', 'app-2'], tokenInfoURL: 'https://t.example/ti', profileURL: 'https://t.example/p' };

function mapStore(): CacheStore & { map: Map<string, unknown>; deleted: string[] } {
  const map = new Map<string, unknown>();
  const deleted: string[] = [];
  return {
    map, deleted,
    get: (key) => map.get(key),
    set: (key, value) => { map.set(key, structuredClone(value)); return true; },
    delete: (key) => { deleted.push(key); return map.delete(key); },
  };
}

const open = (store: CacheStore, binding: StoreBinding = BINDING, ttl = 60_000): SharedStore =>
  new SharedStore({ store, secrets: [SECRET], prefix: 'p:', timeout: 100, ttl }, binding);

function approval(overrides: { user?: string; profileUser?: string; aud?: string; exp?: number; askedAt?: number } = {}): Validation {
  const user = overrides.user ?? 'amzn1.account.U';
  const tokenInfo = { iss: 'https://www.amazon.com', user_id: user, aud: overrides.aud ?? 'client-a', exp: overrides.exp ?? 3600 };
  const raw = JSON.stringify({ user_id: overrides.profileUser ?? user, name: 'U' });
  return { tokenInfo, profile: toProfile(raw, JSON.parse(raw) as unknown), askedAt: overrides.askedAt ?? Date.now() };
}

/** Writes through one SharedStore and reads through another (as two processes would); waits for the write. */
async function roundTrip(validation: Validation, reader: (store: CacheStore) => SharedStore = (s) => open(s), writerBinding = BINDING): Promise<Validation | undefined> {
  const store = mapStore();
  open(store, writerBinding).write(TOKEN, validation, 60_000);
  await new Promise((resolve) => setImmediate(resolve));
  expect(store.map.size).toBe(1);
  return reader(store).read(TOKEN);
}

describe('SharedStore', () => {
  test('writes under prefix + HMAC-SHA256(first secret\'s store key, token) and reads it back', async () => {
    const store = mapStore();
    open(store).write(TOKEN, approval(), 1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect([...store.map.keys()]).toEqual([storeKeyOf(TOKEN, SECRET, 'p:')]);
    expect((await open(store).read(TOKEN))?.profile.id).toBe('amzn1.account.U');
  });

  test('an entry signed with the secret whose profile names another user is never served', async () => {
    expect(await roundTrip(approval({ profileUser: 'amzn1.account.OTHER' }))).toBeUndefined();
  });

  test('an entry signed with the secret for a token of another audience is never served', async () => {
    expect(await roundTrip(approval({ aud: 'client-z' }))).toBeUndefined();
  });

  test('an entry whose token has less than a second left is not served', async () => {
    expect(await roundTrip(approval({ exp: 1, askedAt: Date.now() - 200 }))).toBeUndefined();
    expect(await roundTrip(approval({ exp: 2, askedAt: Date.now() - 200 }))).toBeDefined();
  });

  test('an approval asked more than 5 s in the future (a clock far ahead) is not served; one 4 s ahead is', async () => {
    expect(await roundTrip(approval({ askedAt: Date.now() + 6000 }))).toBeUndefined();
    expect(await roundTrip(approval({ askedAt: Date.now() + 4000 }))).toBeDefined();
  });

  test('the binding is the set of ids: another order reads, another set does not', async () => {
    const reordered: StoreBinding = { ...BINDING, clientIDs: ['client-b', 'client-a'], appIDs: ['app-2', 'app-1'] };
    expect(await roundTrip(approval(), (s) => open(s, reordered))).toBeDefined();
    expect(await roundTrip(approval(), (s) => open(s, { ...BINDING, clientIDs: ['client-a', 'client-b', 'client-c'] }))).toBeUndefined();
    expect(await roundTrip(approval(), (s) => open(s, { ...BINDING, appIDs: ['app-1'] }))).toBeUndefined();
  });

  test('a tokeninfo-only approval serves a profile: false reader, never one that wants the profile', async () => {
    const info = approval().tokenInfo;
    const raw = JSON.stringify(info);
    const only: Validation = { tokenInfo: info, profile: tokenInfoProfile(info, raw, JSON.parse(raw) as unknown), askedAt: Date.now(), tokenInfoOnly: true };
    const wantsNoProfile: StoreBinding = { ...BINDING, profile: false };
    const served = await roundTrip(only, (s) => open(s, wantsNoProfile), wantsNoProfile);
    expect(served).toMatchObject({ tokenInfoOnly: true, profile: { id: 'amzn1.account.U', displayName: '' } });
    expect(await roundTrip(only, (s) => open(s, BINDING), wantsNoProfile)).toBeUndefined();
  });

  test('close() unsubscribes with off() where the store has it, else with removeListener()', () => {
    const off = jest.fn();
    const on = jest.fn();
    open({ ...mapStore(), on, off }).close();
    expect(off).toHaveBeenCalledWith('error', on.mock.calls[0]?.[1]);
    const removeListener = jest.fn();
    open({ ...mapStore(), on, removeListener }).close();
    expect(removeListener).toHaveBeenCalledWith('error', on.mock.calls[1]?.[1]);
    expect(() => { open({ get: () => undefined, set: () => true }).close(); }).not.toThrow();
  });

  test('forget() deletes under every secret, and does nothing on a store without delete', async () => {
    const store = mapStore();
    const OLD = 'old-unit-secret-0123456789abcdef0123';
    await new SharedStore({ store, secrets: [SECRET, OLD], prefix: 'p:', timeout: 100, ttl: 1000 }, BINDING).forget(TOKEN);
    expect(store.deleted.sort()).toEqual([SECRET, OLD].map((s) => storeKeyOf(TOKEN, s, 'p:')).sort());
    await expect(open({ get: () => undefined, set: () => true }).forget(TOKEN)).resolves.toBeUndefined();
  });

  test('the store key and the value MAC have keys of their own: the key forget() deletes for a MAC input is not the MAC', async () => {
    const store = mapStore();
    const shared = open(store);
    shared.write(TOKEN, approval(), 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    const [[key, value]] = [...store.map] as [[string, { v: number; data: string; mac: string }]];
    const context = JSON.stringify([[...BINDING.clientIDs].sort(), [...BINDING.appIDs].sort(), BINDING.tokenInfoURL, BINDING.profileURL]);
    const input = `${key}\n${context}\n${value.data}`;
    expect(value.v).toBe(3);
    expect(value.mac).toBe(createHmac('sha256', derivedKey(SECRET, MAC_KEY_INFO)).update(input).digest('base64url'));
    await shared.forget(input); // SharedStore itself hashes any string: the strategy checks it first
    expect(store.deleted).toHaveLength(1);
    expect(store.deleted[0]?.slice('p:'.length)).not.toBe(value.mac);
  });
});
