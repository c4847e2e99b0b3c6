/**
 * The shared store's key scheme, written out from the spec (README "Sharing the cache") instead of
 * imported, so that a change in lib/ shows up as a failing test: since entry version 3, the store
 * key is `prefix + HMAC-SHA256(storeKey, token)` and the value MAC is made with `macKey`, two keys
 * derived from `cache.secret` with HKDF-SHA256 (empty salt) under distinct labels.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export const STORE_KEY_INFO = 'passport-login-with-amazon/cache/store-key/v3';
export const MAC_KEY_INFO = 'passport-login-with-amazon/cache/value-mac/v3';

export const derivedKey = (secret: string, info: string): Buffer => Buffer.from(hkdfSync('sha256', secret, '', info, 32));

/** The store key of `token` under `secret` (entry version 3). */
export function storeKeyOf(token: string, secret: string, prefix: string): string {
  return prefix + createHmac('sha256', derivedKey(secret, STORE_KEY_INFO)).update(token).digest('base64url');
}

/** The store key of `token` in the scheme of entry version 2: one HMAC key, the secret itself. */
export function v2StoreKeyOf(token: string, secret: string, prefix: string): string {
  return prefix + createHmac('sha256', secret).update(token).digest('base64url');
}

/** An entry of version 2, sealed as version 2 did (`HMAC(secret, key\ncontext\ndata)`). */
export function v2Entry(key: string, secret: string, context: string, data: string): { v: 2; data: string; mac: string } {
  return { v: 2, data, mac: createHmac('sha256', secret).update(`${key}\n${context}\n${data}`).digest('base64url') };
}
