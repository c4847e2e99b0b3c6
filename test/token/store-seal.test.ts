/**
 * Sealer.open() on its own: every refusal has its reason (the `entry-refused` event operators see),
 * and every bound it checks is tested on both sides.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { toProfile } from '../../lib/amazon/profile.js';
import type { Validation } from '../../lib/amazon/validation.js';
import { ENTRY_VERSION, MAC_KEY_LABEL, MAX_CLOCK_SKEW_MS, Sealer, STORE_KEY_LABEL, type EntryKey, type StoreBinding } from '../../lib/token/store-seal.js';

const NOW = 1_800_000_000_000;
const TTL = 60_000;
const TOKEN = `Atza|${'s'.repeat(80)}`;
const BINDING: StoreBinding = { clientIDs: ['client-a'], appIDs: [], tokenInfoURL: 'https://t.example/ti', profileURL: 'https://t.example/p' };
const USER = 'amzn1.account.SEAL';

function approval({ askedAt = NOW, exp = 3600, profileUser = USER }: { askedAt?: number; exp?: number; profileUser?: string } = {}): Validation {
  const raw = JSON.stringify({ user_id: profileUser, name: 'Seal' });
  return { tokenInfo: { iss: 'https://www.amazon.com', user_id: USER, aud: 'client-a', exp }, profile: toProfile(raw, JSON.parse(raw) as unknown), askedAt };
}

const SECRET = 'seal-test-secret-0123456789abcdef';
const PREFIX = 'p:';
const sealer = (binding: StoreBinding = BINDING): Sealer => new Sealer([SECRET], PREFIX, binding, TTL);
const keyOf = (s: Sealer): EntryKey => s.keys(TOKEN)[0] as EntryKey;

/**
 * The store key and the value MAC computed here from their documented inputs (docs/caching.md,
 * SECURITY.md), not by the sealer: two HKDF-SHA256 keys of the secret under their labels, the key
 * `prefix + HMAC(storeKey, token)`, the MAC `HMAC(macKey, key \n audience-and-endpoints \n data)`.
 */
const hkdf = (label: string): Buffer => Buffer.from(hkdfSync('sha256', SECRET, '', label, 32));
const storeKeyOf = (token: string): string => PREFIX + createHmac('sha256', hkdf(STORE_KEY_LABEL)).update(token).digest('base64url');
function macOf(data: string, binding: StoreBinding = BINDING): string {
  const context = JSON.stringify([[...binding.clientIDs].sort(), [...binding.appIDs].sort(), binding.tokenInfoURL, binding.profileURL]);
  return createHmac('sha256', hkdf(MAC_KEY_LABEL)).update(`${storeKeyOf(TOKEN)}\n${context}\n${data}`).digest('base64url');
}
/** An entry with a valid MAC over `data`, whatever `data` says (what only the secret's holder can write). */
const signed = (data: string): { v: number; data: string; mac: string } => ({ v: ENTRY_VERSION, data, mac: macOf(data) });
const open = (value: unknown, s = sealer()): ReturnType<Sealer['open']> => s.open(value, keyOf(s));

beforeEach(() => { jest.spyOn(Date, 'now').mockReturnValue(NOW); });
afterEach(() => { jest.restoreAllMocks(); });

test('an entry sealed by the secret is opened as the approval it holds', () => {
  const s = sealer();
  expect(open(s.seal(keyOf(s), approval()), s)).toMatchObject({ tokenInfo: { user_id: USER }, profile: { id: USER, displayName: 'Seal' }, askedAt: NOW });
});

describe('shape: what is not an entry of this version', () => {
  // Made in a hook, not while the file loads: a mutant that breaks sealing fails these tests
  // instead of the file (which Stryker would count as an error, not a kill).
  let s: Sealer;
  let good: ReturnType<Sealer['seal']>;
  beforeAll(() => {
    s = sealer();
    good = s.seal(keyOf(s), approval());
  });
  test.each<[string, (entry: ReturnType<Sealer['seal']>) => unknown]>([
    ['null', () => null],
    ['a string', (entry) => JSON.stringify(entry)],
    ['a number', () => 3],
    ['an entry of version 2', (entry) => ({ ...entry, v: 2 })],
    ['data that is not a string', (entry) => ({ ...entry, data: { askedAt: NOW } })],
    ['a mac that is not a string', (entry) => ({ ...entry, mac: 7 })],
  ])('%s', (_, make) => {
    expect(open(make(good), s)).toBe('shape');
  });

  test('signed data that is not JSON, or whose tokeninfo is not one', () => {
    expect(open(signed('{not json'), s)).toBe('shape');
    expect(open(signed(JSON.stringify({ tokenInfo: { user_id: USER }, profile: '{}', askedAt: NOW })), s)).toBe('shape');
  });

  test('signed data whose profile names another user', () => {
    expect(open(s.seal(keyOf(s), approval({ profileUser: 'amzn1.account.OTHER' })), s)).toBe('shape');
  });

  test('a tokeninfo-only entry read by a strategy that wants the profile', () => {
    const tokenInfoOnly = { ...approval(), tokenInfoOnly: true };
    expect(open(s.seal(keyOf(s), tokenInfoOnly), s)).toBe('shape');
    const reader = sealer({ ...BINDING, profile: false });
    expect(open(reader.seal(keyOf(reader), tokenInfoOnly), reader)).toMatchObject({ tokenInfoOnly: true, profile: { id: USER } });
  });

  test('a full entry read by a tokeninfo-only strategy is trimmed to a tokeninfo-only approval', () => {
    const reader = sealer({ ...BINDING, profile: false });
    const opened = open(reader.seal(keyOf(reader), approval()), reader) as Validation;
    expect(opened.tokenInfoOnly).toBe(true);
    expect(opened.profile).toMatchObject({ id: USER, displayName: '' });
    expect(JSON.parse(opened.profile._raw)).toEqual(approval().tokenInfo);
  });
});

test('the store key and the MAC are the documented HMACs: the token under the store key, the key, audience, endpoints and data under the MAC key', () => {
  const binding: StoreBinding = { clientIDs: ['client-b', 'client-a'], appIDs: ['app-2', 'app-1'], tokenInfoURL: 'https://t.example/ti', profileURL: 'https://t.example/p' };
  const s = sealer(binding);
  expect(keyOf(s).key).toBe(storeKeyOf(TOKEN));
  const entry = s.seal(keyOf(s), approval());
  expect(entry).toEqual({ v: ENTRY_VERSION, data: entry.data, mac: macOf(entry.data, binding) });
  // Whatever the order the ids come in: the MAC covers them sorted.
  expect(sealer({ ...binding, clientIDs: ['client-a', 'client-b'], appIDs: ['app-1', 'app-2'] }).seal(keyOf(s), approval()).mac).toBe(entry.mac);
});

test('mac: a changed byte of the data or of the MAC', () => {
  const s = sealer();
  const good = s.seal(keyOf(s), approval());
  expect(open({ ...good, data: good.data.replace(USER, USER.replace('SEAL', 'SEAM')) }, s)).toBe('mac');
  expect(open({ ...good, mac: good.mac.slice(0, -2) }, s)).toBe('mac');
});

test('audience: an entry bound to this binding but naming another client id', () => {
  const s = sealer();
  const other = { ...approval(), tokenInfo: { ...approval().tokenInfo, aud: 'client-z' } };
  expect(open(s.seal(keyOf(s), other), s)).toBe('audience');
});

describe('age: every bound on both sides', () => {
  let s: Sealer;
  beforeAll(() => { s = sealer(); });
  const at = (askedAt: number, exp = 3600): ReturnType<Sealer['open']> => open(s.seal(keyOf(s), approval({ askedAt, exp })), s);

  test('an askedAt that is not a number', () => {
    expect(open(signed(JSON.stringify({ tokenInfo: approval().tokenInfo, profile: approval().profile._raw, askedAt: String(NOW) })), s)).toBe('age');
  });

  test(`askedAt in the future: up to ${String(MAX_CLOCK_SKEW_MS)} ms is another host's clock, a millisecond more is refused`, () => {
    expect(at(NOW + MAX_CLOCK_SKEW_MS)).toMatchObject({ askedAt: NOW + MAX_CLOCK_SKEW_MS });
    expect(at(NOW + MAX_CLOCK_SKEW_MS + 1)).toBe('age');
  });

  test('an approval as old as the ttl is refused, a millisecond younger is served', () => {
    expect(at(NOW - TTL)).toBe('age');
    expect(at(NOW - TTL + 1)).toMatchObject({ askedAt: NOW - TTL + 1 });
  });

  test('a token with less than a second to live is refused; a second exactly is served', () => {
    // exp counts seconds from askedAt: askedAt = NOW - 59 s and exp = 60 s leave 1000 ms.
    expect(at(NOW - 59_000, 60)).toMatchObject({ askedAt: NOW - 59_000 });
    expect(at(NOW - 59_001, 60)).toBe('age');
  });
});
