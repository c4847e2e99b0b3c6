import { assertKnownKeys, integer, MAX_TIMEOUT } from '../core/option-checks.js';
import type { CacheStore } from '../core/shared-store-type.js';

export type { CacheStore } from '../core/shared-store-type.js';

/** The `cache` option: `false`, `true` (the defaults), or settings for the token cache (on by default). */
export interface CacheOptions {
  /** Milliseconds an approval is reused, counted from when Amazon approved it; never longer than the token has left. Default `60_000`. */
  ttl?: number | undefined;
  /** Most approvals kept in memory (least recently used are dropped first). Default `10_000`. */
  max?: number | undefined;
  /** Milliseconds an `invalid_token` answer is remembered in memory; `0` turns it off. Default `0`. */
  negativeTtl?: number | undefined;
  /** Most remembered rejections, kept apart from the approvals so that they never evict one. Default `10_000`. */
  negativeMax?: number | undefined;
  /** A shared store (Keyv-compatible) behind the in-memory cache. Requires `secret`. Default: none. */
  store?: CacheStore | undefined;
  /**
   * Secret that names and signs store entries (two keys derived with HKDF-SHA256: one for the store
   * key, one for the value MAC): a string of at least 32 characters, or an array of them for
   * rotation (the first signs, all verify). Required with `store`.
   */
  secret?: string | readonly string[] | undefined;
  /** Milliseconds a store read or write may take before it counts as a miss. Default `100`. */
  storeTimeout?: number | undefined;
  /** Prefix of the keys written to `store`. Default `'passport-login-with-amazon:'`. */
  prefix?: string | undefined;
}

/** The cache settings a strategy runs on. */
export interface ResolvedCacheOptions {
  ttl: number;
  max: number;
  negativeTtl: number;
  negativeMax: number;
  store: CacheStore | undefined;
  /** Non-empty when `store` is set; the first signs. */
  secrets: readonly string[];
  storeTimeout: number;
  prefix: string;
}

/** Defaults of the `cache` option. */
export const CACHE_DEFAULTS = {
  ttl: 60_000,
  max: 10_000,
  negativeTtl: 0,
  negativeMax: 10_000,
  storeTimeout: 100,
  prefix: 'passport-login-with-amazon:',
} as const;

/** Shortest accepted `cache.secret` (characters). */
export const MIN_SECRET_LENGTH = 32;

const CACHE_KEYS = ['ttl', 'max', 'negativeTtl', 'negativeMax', 'store', 'secret', 'storeTimeout', 'prefix'] as const;
const MAX_CACHE_ENTRIES = 10_000_000;

function storeOption(store: unknown): CacheStore | undefined {
  if (store === undefined) return undefined;
  const ok = typeof store === 'object' && store !== null &&
    typeof (store as Record<string, unknown>).get === 'function' && typeof (store as Record<string, unknown>).set === 'function';
  if (!ok) throw new TypeError('"cache.store" must have get(key) and set(key, value, ttl) methods');
  return store as CacheStore;
}

function secrets(value: unknown, store: CacheStore | undefined): string[] {
  if (value === undefined) {
    if (store) throw new TypeError(`"cache.secret" is required with "cache.store": a string of at least ${String(MIN_SECRET_LENGTH)} characters`);
    return [];
  }
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  const valid = list.length > 0 && list.every((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  if (!valid) throw new TypeError(`"cache.secret" must be a string of at least ${String(MIN_SECRET_LENGTH)} characters, or a non-empty array of them`);
  return list as string[];
}

/** Validates the `cache` option: `false` is off; `undefined` and `true` are the defaults. */
export function resolveCacheOptions(value: unknown): ResolvedCacheOptions | false {
  if (value === false) return false;
  if (value !== undefined && typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new TypeError('"cache" must be false, true or an object');
  }
  const c = (value === undefined || value === true ? {} : value) as Record<string, unknown>;
  assertKnownKeys(c, CACHE_KEYS, 'cache.');
  const store = storeOption(c.store);
  if (c.prefix !== undefined && typeof c.prefix !== 'string') throw new TypeError('"cache.prefix" must be a string');
  return {
    ttl: integer(c.ttl, 'cache.ttl', CACHE_DEFAULTS.ttl, 1, MAX_TIMEOUT),
    max: integer(c.max, 'cache.max', CACHE_DEFAULTS.max, 1, MAX_CACHE_ENTRIES),
    negativeTtl: integer(c.negativeTtl, 'cache.negativeTtl', CACHE_DEFAULTS.negativeTtl, 0, MAX_TIMEOUT),
    negativeMax: integer(c.negativeMax, 'cache.negativeMax', CACHE_DEFAULTS.negativeMax, 1, MAX_CACHE_ENTRIES),
    store,
    secrets: secrets(c.secret, store),
    storeTimeout: integer(c.storeTimeout, 'cache.storeTimeout', CACHE_DEFAULTS.storeTimeout, 1, MAX_TIMEOUT),
    prefix: (c.prefix) ?? CACHE_DEFAULTS.prefix,
  };
}
