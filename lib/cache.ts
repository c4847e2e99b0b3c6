import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Validation } from './amazon-client.js';
import { LoginWithAmazonError, type LoginWithAmazonErrorCode } from './errors.js';
import { toProfile, type AmazonProfile } from './profile.js';
import type { TokenValidator } from './strategy.js';
import { assertAudience, parseTokenInfo, type Audience } from './tokeninfo.js';

/**
 * A shared, asynchronous key-value store for validations, such as a `Keyv` instance
 * (`new Keyv(new KeyvRedis('redis://...'))`). Duck-typed: any object with these methods fits.
 * `ttl` is in milliseconds. An optional `on('error', listener)` is subscribed to.
 */
export interface CacheStore {
  get(key: string): unknown;
  set(key: string, value: unknown, ttl?: number): unknown;
  delete(key: string): unknown;
  on?: (event: 'error', listener: (error: unknown) => void) => unknown;
}

/** The `cache` option: `false`, or settings for the token cache (on by default). */
export interface CacheOptions {
  /** Milliseconds an approval is reused; never longer than the token has left. Default `60_000`. */
  ttl?: number;
  /** Most tokens kept in memory (least recently used are dropped first). Default `10_000`. */
  max?: number;
  /** Milliseconds an `invalid_token` answer is remembered in memory; `0` turns it off. Default `0`. */
  negativeTtl?: number;
  /** A shared store (Keyv-compatible) behind the in-memory cache. Default: none. */
  store?: CacheStore;
  /** Milliseconds a store read or write may take before it counts as a miss. Default `100`. */
  storeTimeout?: number;
  /** Prefix of the keys written to `store`. Default `'passport-login-with-amazon:'`. */
  prefix?: string;
}

/** The cache settings a strategy runs on. */
export interface ResolvedCacheOptions {
  ttl: number;
  max: number;
  negativeTtl: number;
  store: CacheStore | undefined;
  storeTimeout: number;
  prefix: string;
}

/** Defaults of the `cache` option. */
export const CACHE_DEFAULTS = {
  ttl: 60_000,
  max: 10_000,
  negativeTtl: 0,
  storeTimeout: 100,
  prefix: 'passport-login-with-amazon:',
} as const;

/** Store failures in a row after which the store is skipped for {@link STORE_COOL_DOWN_MS}. */
export const STORE_MAX_FAILURES = 3;
/** How long a failing store is left alone. */
export const STORE_COOL_DOWN_MS = 10_000;

/** Codes whose answer is "this token is no good", which `negativeTtl` may remember. */
const NEGATIVE_CODES: ReadonlySet<LoginWithAmazonErrorCode> = new Set(['LWA_INVALID_TOKEN', 'LWA_AUDIENCE_MISMATCH', 'LWA_USER_MISMATCH']);

/** What is written to a shared store: plain JSON, re-validated when read back. */
interface StoredValidation {
  v: 1;
  tokenInfo: unknown;
  /** The profile body as Amazon sent it. */
  profile: string;
  /** Epoch milliseconds when the token expires. */
  expiresAt: number;
}

/** An in-memory entry: an approval, or a remembered rejection. */
type Approval = { kind: 'ok'; validation: Validation; expiresAt: number };
type Entry = Approval | { kind: 'rejected'; code: LoginWithAmazonErrorCode; message: string };

/** The token's cache key: a SHA-256, so raw tokens are never kept or sent to a store. */
export function cacheKey(prefix: string, token: string): string {
  return prefix + hash('sha256', token, 'base64url');
}

/** Settles with the store's answer, or rejects when it fails or takes longer than `ms`. */
function withTimeout(value: unknown, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('store timeout')), ms);
    timer.unref();
    Promise.resolve(value).then(
      (result) => { clearTimeout(timer); resolve(result); },
      (error: unknown) => { clearTimeout(timer); reject(error instanceof Error ? error : new Error('store failed')); },
    );
  });
}

/**
 * A shared store behind a circuit breaker: every read or write that fails or is slow counts as
 * a miss, and after {@link STORE_MAX_FAILURES} in a row the store is skipped for a cool-down.
 */
class GuardedStore {
  private failures = 0;
  private skipUntil = 0;

  constructor(private readonly store: CacheStore, private readonly timeout: number) {
    // Keyv emits 'error' events (a lost Redis connection); without a listener they would crash the app.
    if (typeof store.on === 'function') store.on('error', () => this.failed());
  }

  private failed(): void {
    this.failures += 1;
    if (this.failures >= STORE_MAX_FAILURES) {
      this.skipUntil = Date.now() + STORE_COOL_DOWN_MS;
      this.failures = 0;
    }
  }

  private async run(operation: () => unknown): Promise<unknown> {
    if (Date.now() < this.skipUntil) return undefined;
    try {
      const result = await withTimeout(operation(), this.timeout);
      this.failures = 0;
      return result;
    } catch {
      this.failed();
      return undefined;
    }
  }

  get(key: string): Promise<unknown> {
    return this.run(() => this.store.get(key));
  }

  set(key: string, value: StoredValidation, ttl: number): Promise<unknown> {
    return this.run(() => this.store.set(key, value, ttl));
  }
}

function copy(validation: Validation, expiresAt: number): Validation {
  // Each request gets its own objects (verify may mutate the profile), and `exp` counts down.
  // Amazon's profile JSON is flat (strings), so copying one level deep copies it all.
  const tokenInfo = { ...validation.tokenInfo, exp: Math.max(1, Math.floor((expiresAt - Date.now()) / 1000)) };
  const { profile } = validation;
  const copied: AmazonProfile = { ...profile, _json: { ...profile._json } };
  if (profile.emails) copied.emails = profile.emails.map((email) => ({ ...email }));
  return { tokenInfo, profile: copied };
}

/**
 * Caches Amazon's approvals (tokeninfo + profile, never the app's user) in memory and optionally
 * in a shared store. Concurrent lookups of one token share one upstream validation (lru-cache's
 * `fetch()` coalesces them), an entry never outlives its token, and every hit is re-checked
 * against this strategy's audience.
 */
export class CachingValidator implements TokenValidator {
  private readonly memory: LRUCache<string, Entry, string>;
  private readonly store: GuardedStore | undefined;

  constructor(
    private readonly upstream: TokenValidator,
    private readonly options: ResolvedCacheOptions,
    private readonly audience: Audience,
  ) {
    this.store = options.store ? new GuardedStore(options.store, options.storeTimeout) : undefined;
    this.memory = new LRUCache<string, Entry, string>({
      max: options.max,
      ttl: options.ttl,
      // An evicted or deleted in-flight lookup still settles for the requests waiting on it.
      ignoreFetchAbort: true,
      fetchMethod: (key, _stale, { options: entry, context: token }) => this.load(key, token, entry),
    });
  }

  /** Looks in the shared store, then asks Amazon; sets the entry's TTL from the token's expiry. */
  private async load(key: string, token: string, entry: { ttl?: number }): Promise<Entry | undefined> {
    const stored = this.store ? this.fromStore(await this.store.get(key)) : undefined;
    if (stored) {
      entry.ttl = Math.min(this.options.ttl, stored.expiresAt - Date.now());
      return stored;
    }
    let validation: Validation;
    try {
      validation = await this.upstream.validate(token);
    } catch (error) {
      if (this.options.negativeTtl > 0 && error instanceof LoginWithAmazonError && NEGATIVE_CODES.has(error.code)) {
        entry.ttl = this.options.negativeTtl;
        return { kind: 'rejected', code: error.code, message: error.message };
      }
      throw error;
    }
    const lifetime = validation.tokenInfo.exp * 1000;
    const expiresAt = Date.now() + lifetime;
    entry.ttl = Math.min(this.options.ttl, lifetime);
    if (this.store) {
      const value: StoredValidation = { v: 1, tokenInfo: validation.tokenInfo, profile: validation.profile._raw, expiresAt };
      void this.store.set(key, value, entry.ttl);
    }
    return { kind: 'ok', validation, expiresAt };
  }

  /** A store value is untrusted: anything malformed, expired or for another audience is a miss. */
  private fromStore(value: unknown): Approval | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, tokenInfo, profile, expiresAt } = value as Partial<StoredValidation>;
    if (v !== 1 || typeof profile !== 'string' || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
    const left = expiresAt - Date.now();
    if (left < 1000) return undefined;
    try {
      const info = parseTokenInfo({ ...(tokenInfo as object), exp: Math.floor(left / 1000) });
      assertAudience(info, this.audience);
      const parsed = toProfile(profile, JSON.parse(profile) as unknown);
      if (parsed.id !== info.user_id) return undefined;
      return { kind: 'ok', validation: { tokenInfo: info, profile: parsed }, expiresAt };
    } catch {
      return undefined;
    }
  }

  /**
   * The approval for `token` if memory holds a live one, synchronously (no promise hand-offs on
   * the hot path); otherwise `undefined`, and `validate()` does the rest.
   */
  cached(token: string): Validation | undefined {
    const entry = this.memory.get(cacheKey(this.options.prefix, token));
    if (entry?.kind !== 'ok') return undefined;
    try {
      return this.serve(entry);
    } catch {
      return undefined; // validate() asks again and reports the mismatch
    }
  }

  async validate(token: string): Promise<Validation> {
    // load() always gives an entry or throws, so fetch() never resolves to undefined here.
    const entry = (await this.memory.fetch(cacheKey(this.options.prefix, token), { context: token })) as Entry;
    if (entry.kind === 'rejected') throw new LoginWithAmazonError(entry.code, entry.message, { endpoint: 'tokeninfo' });
    return this.serve(entry);
  }

  /**
   * Every hit, synchronous or not: the audience check again (an entry must never serve a
   * strategy it was not approved for), then a copy of its own for this request.
   */
  private serve(entry: Approval): Validation {
    assertAudience(entry.validation.tokenInfo, this.audience);
    return copy(entry.validation, entry.expiresAt);
  }
}
