/**
 * cookieStateStore's seal, checked against an independent AES-256-GCM implementation on node:crypto:
 * the key derivation and layout pinned, then the limits from both sides (the sealed value's length,
 * the payload's), the record inside a good seal, and the secret option's bounds.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { cookieStateStore, MAX_STATE_COOKIE_LENGTH, MIN_COOKIE_SECRET_LENGTH, type StoredState } from '../../lib/index.js';

const SECRET = 'cookie-state-checks-secret-0123456789abcdef';
const A = { strategy: 'amazon', callbackURL: 'https://app.example.com/auth/amazon/callback' };
const STATE = 'S'.repeat(43);
const OTHER_STATE = 'T'.repeat(43);
const LABEL = 'passport-login-with-amazon/cookie-state/v1';
const SECRET_MESSAGE = '"secret" must be a string of at least 32 characters, or a non-empty array of such strings (newest first)';

const record = (patch: Partial<StoredState> = {}): StoredState => ({
  verifierSeed: 'seed'.padEnd(43, 'x'), redirectURI: A.callbackURL, expiresAt: Date.now() + 60_000, requestedScope: ['profile'], ...patch,
});

/** The sealing key as documented: HKDF-SHA256 over the secret, salted with SHA-256(strategy NUL callbackURL). */
function keyOf(secret = SECRET, label = LABEL): Buffer {
  const salt = createHash('sha256').update(`${A.strategy}\0${A.callbackURL}`).digest();
  return Buffer.from(hkdfSync('sha256', secret, salt, label, 32));
}

/** The cookie of one pending sign-in on an https callback: `__Host-`, the prefix and 16 base64url characters of SHA-256(strategy NUL state). */
function cookieName(state: string): string {
  return `__Host-lwa_state_${createHash('sha256').update(`${A.strategy}\0${state}`).digest('base64url').slice(0, 16)}`;
}

/** IV (12 bytes), ciphertext, tag (16 bytes), with the cookie's name as additional data. */
function sealRaw(plaintext: Buffer, aad: string, key = keyOf(), iv = randomBytes(12)): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

const valueOf = (raw: Buffer): string => `v1.${raw.toString('base64url')}`;

/** A value sealed for the cookie of `state`, holding `payload` (JSON, as the store writes). */
function sealFor(state: string, payload: unknown, key = keyOf()): string {
  return valueOf(sealRaw(Buffer.from(JSON.stringify(payload), 'utf8'), cookieName(state), key));
}

/** Opens a value the way the store's documentation says it is sealed; throws when it does not authenticate. */
function openRaw(raw: Buffer, aad: string, key = keyOf()): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}

/** A request carrying `cookie`, whose response collects Set-Cookie lines (Express's res.append). */
function exchange(cookie = ''): { req: unknown; set: string[] } {
  const set: string[] = [];
  return { req: { headers: { cookie }, res: { append: (_name: string, line: string) => { set.push(line); } } }, set };
}

/** The payload `{ s: STATE, r }` padded (in its app state) to exactly `bytes` bytes. */
function payloadOfBytes(bytes: number, r = record()): { s: string; r: StoredState } {
  const base = Buffer.byteLength(JSON.stringify({ s: STATE, r: { ...r, appState: '' } }));
  const payload = { s: STATE, r: { ...r, appState: 'x'.repeat(bytes - base) } };
  expect(Buffer.byteLength(JSON.stringify(payload))).toBe(bytes);
  return payload;
}

/** The base64url length of `n` bytes, unpadded, as the store writes it. */
const base64urlLength = (n: number): number => Math.ceil((n * 4) / 3);

describe('cookieStateStore: the seal, against node:crypto', () => {
  test('a saved cookie opens under HKDF-SHA256(secret, SHA-256(strategy NUL callbackURL), the v1 label): IV first, tag last, the name as AAD, JSON in UTF-8', async () => {
    const r = record({ appState: { returnTo: '/café/✓' } });
    const { req, set } = exchange();
    await cookieStateStore({ secret: SECRET }).save(req, STATE, r, A);
    const [name = '', value = ''] = (set[0]?.split(';')[0] ?? '').split('=');
    expect(name).toBe(cookieName(STATE));
    expect(value.startsWith('v1.')).toBe(true);
    const plaintext = openRaw(Buffer.from(value.slice(3), 'base64url'), name).toString('utf8');
    expect(JSON.parse(plaintext)).toEqual({ s: STATE, r });
  });

  test('a cookie sealed by another implementation the same way opens, once', async () => {
    const store = cookieStateStore({ secret: SECRET });
    const r = record({ appState: 'Zoë' });
    const cookie = `${cookieName(STATE)}=${sealFor(STATE, { s: STATE, r })}`;
    await expect(store.take(exchange(cookie).req, STATE, A)).resolves.toEqual(r);
    await expect(store.take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined();
  });

  test('the same seal under a key derived with another HKDF label is refused', async () => {
    const cookie = `${cookieName(STATE)}=${sealFor(STATE, { s: STATE, r: record() }, keyOf(SECRET, ''))}`;
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined();
  });
});

describe('cookieStateStore: the sealed value\'s length', () => {
  test('a good seal of exactly MAX_STATE_COOKIE_LENGTH characters is opened', async () => {
    expect(MAX_STATE_COOKIE_LENGTH).toBe(3800);
    // Sealed lengths skip 3800 (3 + an unpadded base64url length, never 1 mod 4): a 3799-character seal and
    // one "=" of padding, which base64url decoding ignores.
    const r = record();
    const payload = payloadOfBytes(2847 - 28, r);
    const value = `${sealFor(STATE, payload)}=`;
    expect(value).toHaveLength(3800);
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(`${cookieName(STATE)}=${value}`).req, STATE, A)).resolves.toEqual(payload.r);
  });

  test('a good seal one character longer (3801) is refused', async () => {
    const payload = payloadOfBytes(2848 - 28);
    const value = sealFor(STATE, payload);
    expect(value).toHaveLength(3 + base64urlLength(2848));
    expect(value).toHaveLength(MAX_STATE_COOKIE_LENGTH + 1);
    expect(JSON.parse(openRaw(Buffer.from(value.slice(3), 'base64url'), cookieName(STATE)).toString('utf8'))).toEqual(payload);
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(`${cookieName(STATE)}=${value}`).req, STATE, A)).resolves.toBeUndefined();
  });
});

describe('cookieStateStore: the payload\'s length (IV 12 bytes, tag 16)', () => {
  test('27 bytes are refused, even when the tag, overlapping the IV by a byte, would authenticate', async () => {
    // Search IVs (deterministically) for one whose tag over an empty plaintext begins with the IV's last byte.
    const name = cookieName(STATE);
    let raw = Buffer.alloc(0);
    for (let i = 0; raw.length === 0; i += 1) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(i, 8);
      const tag = sealRaw(Buffer.alloc(0), name, keyOf(), iv).subarray(12);
      if (tag[0] === iv[11]) raw = Buffer.concat([iv, tag.subarray(1)]);
    }
    expect(raw).toHaveLength(27);
    expect(openRaw(raw, name)).toEqual(Buffer.alloc(0)); // read with an overlapping tag, it authenticates
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(`${name}=${valueOf(raw)}`).req, STATE, A)).resolves.toBeUndefined();
  });

  test('28 bytes (IV and tag, nothing sealed) authenticate to an empty plaintext, which is no record, never a throw', async () => {
    // Only the secret's holder can seal an empty plaintext; it used to reach JSON.parse('') and make take() throw.
    const name = cookieName(STATE);
    const raw = sealRaw(Buffer.alloc(0), name);
    expect(raw).toHaveLength(28);
    const store = cookieStateStore({ secret: SECRET });
    await expect(store.take(exchange(`${name}=${valueOf(raw)}`).req, STATE, A)).resolves.toBeUndefined();
  });

  test.each(['null', '7', '"text"', '[]', '{"s":'])('a good seal whose plaintext is %s is no record, never a throw', async (plaintext) => {
    const name = cookieName(STATE);
    const store = cookieStateStore({ secret: SECRET });
    await expect(store.take(exchange(`${name}=${valueOf(sealRaw(Buffer.from(plaintext), name))}`).req, STATE, A)).resolves.toBeUndefined();
  });
});

describe('cookieStateStore: the record inside a good seal', () => {
  test('a good seal for another state, presented under this state\'s cookie, is refused', async () => {
    const r = record();
    const cookie = `${cookieName(STATE)}=${sealFor(STATE, { s: OTHER_STATE, r })}`;
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined();
    const own = `${cookieName(STATE)}=${sealFor(STATE, { s: STATE, r })}`;
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(own).req, STATE, A)).resolves.toEqual(r);
  });

  test.each([
    ['an empty verifier seed', { ...record(), verifierSeed: '' }],
    ['no redirect URI', { ...record(), redirectURI: undefined }],
    ['an expiry that is not a number', { ...record(), expiresAt: String(Date.now() + 60_000) }],
    ['scopes that are not an array', { ...record(), requestedScope: 'profile' }],
    ['a binding that is not a string', { ...record(), binding: 42 }],
    ['no record at all', null],
  ])('a good seal of this state whose pending sign-in has %s is refused', async (_name, r) => {
    const cookie = `${cookieName(STATE)}=${sealFor(STATE, { s: STATE, r })}`;
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined();
  });
});

describe('cookieStateStore: the secret option', () => {
  const secrets = (n: number): string[] => Array.from({ length: n }, (_, i) => `${SECRET}-${String(i)}`);

  test('exactly 8 secrets are accepted, and a cookie sealed under the eighth opens', async () => {
    const eight = secrets(8);
    const last = eight[7] ?? '';
    const cookie = `${cookieName(STATE)}=${sealFor(STATE, { s: STATE, r: record() }, keyOf(last))}`;
    await expect(cookieStateStore({ secret: eight }).take(exchange(cookie).req, STATE, A)).resolves.toMatchObject({ verifierSeed: record().verifierSeed });
  });

  test('9 secrets are a TypeError naming "secret"', () => {
    expect(() => cookieStateStore({ secret: secrets(9) })).toThrow(new TypeError(SECRET_MESSAGE));
  });

  test('a secret of exactly MIN_COOKIE_SECRET_LENGTH characters seals; one a character shorter is a TypeError naming "secret"', async () => {
    expect(MIN_COOKIE_SECRET_LENGTH).toBe(32);
    const secret = 'k'.repeat(MIN_COOKIE_SECRET_LENGTH);
    const { req, set } = exchange();
    await cookieStateStore({ secret }).save(req, STATE, record(), A);
    const value = (set[0]?.split(';')[0] ?? '').split('=')[1] ?? '';
    expect(JSON.parse(openRaw(Buffer.from(value.slice(3), 'base64url'), cookieName(STATE), keyOf(secret)).toString('utf8'))).toMatchObject({ s: STATE });
    expect(() => cookieStateStore({ secret: secret.slice(1) })).toThrow(new TypeError(SECRET_MESSAGE));
    expect(() => cookieStateStore({ secret: [secret, secret.slice(1)] })).toThrow(new TypeError(SECRET_MESSAGE));
  });

  test.each([undefined, null, 'secret', [SECRET]])('options %o that are not an object are a TypeError naming "options"', (options) => {
    expect(() => cookieStateStore(options as never)).toThrow(new TypeError('"options" must be an object'));
  });
});
