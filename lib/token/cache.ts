import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ResolvedCacheOptions } from './cache-options.js';
import { LoginWithAmazonError, type LoginWithAmazonErrorCode } from '../core/errors.js';
import type { AmazonProfile } from '../amazon/profile.js';
import { SharedStore, type StoreBinding } from './shared-store.js';
import { expiresAt, type TokenValidator, type Validation, type ValidationNote } from '../amazon/validation.js';

/** Codes whose answer is "this token is no good", which `negativeTtl` may remember. */
const NEGATIVE_CODES: ReadonlySet<LoginWithAmazonErrorCode> = new Set(['LWA_INVALID_TOKEN', 'LWA_AUDIENCE_MISMATCH', 'LWA_USER_MISMATCH']);

/** A remembered rejection. */
interface Rejection {
  code: LoginWithAmazonErrorCode;
  message: string;
}

/** The in-memory key of a token: a SHA-256, so raw tokens are never kept. */
export function memoryKey(token: string): string {
  // Stryker disable next-line StringLiteral: equivalent; any encoding of the digest (hex by default) is as good a key.
  return hash('sha256', token, 'base64url');
}

/**
 * Milliseconds an approval may still be served: it never outlives the token (counted from when
 * tokeninfo was asked) nor `ttl` past Amazon's approval. At least 1 (lru-cache reads 0 as "forever").
 */
function lifetime(validation: Validation, ttl: number, now: number): number {
  const age = Math.max(0, now - validation.askedAt);
  return Math.max(1, Math.min(ttl - age, expiresAt(validation) - now));
}

function copy(validation: Validation): Validation {
  // Each request gets its own objects (verify may mutate the profile), and `exp` counts down
  // (askedAt moves with it, so the copy expires when the original does).
  // Amazon's profile JSON is flat (strings), so copying one level deep copies it all.
  const end = expiresAt(validation);
  const exp = Math.max(1, Math.floor((end - Date.now()) / 1000));
  const { profile } = validation;
  const copied: AmazonProfile = { ...profile, _json: { ...profile._json } };
  if (profile.emails) copied.emails = profile.emails.map((email) => ({ ...email }));
  const result: Validation = { tokenInfo: { ...validation.tokenInfo, exp }, profile: copied, askedAt: end - exp * 1000 };
  if (validation.tokenInfoOnly === true) result.tokenInfoOnly = true;
  return result;
}

/** Set by forget() on a lookup under way: its answer still settles the waiting requests but is not cached. */
interface FlightState {
  forgotten: boolean;
}

/** A lookup under way, shared by every request for the same token. */
interface Flight {
  promise: Promise<Validation>;
  state: FlightState;
}

/**
 * Caches Amazon's approvals (tokeninfo + profile, never the app's user) in memory and optionally
 * in a shared store. Concurrent lookups of one token share one upstream validation; an approval
 * is served for at most `ttl` after Amazon gave it and never past the token's expiry. Only
 * approvals take a place in the LRU: lookups under way and remembered rejections live apart, so
 * a flood of bad tokens never evicts a good one.
 */
export class CachingValidator implements TokenValidator {
  private readonly memory: LRUCache<string, Validation>;
  private readonly flights = new Map<string, Flight>();
  private readonly rejections: LRUCache<string, Rejection> | undefined;
  private readonly store: SharedStore | undefined;

  constructor(
    private readonly upstream: TokenValidator,
    private readonly options: ResolvedCacheOptions,
    binding: StoreBinding,
  ) {
    const { store, secrets, prefix, storeTimeout: timeout, ttl } = options;
    this.store = store ? new SharedStore({ store, secrets, prefix, timeout, ttl }, binding) : undefined;
    this.memory = new LRUCache<string, Validation>({ max: options.max, ttl });
    if (options.negativeTtl > 0) {
      this.rejections = new LRUCache<string, Rejection>({ max: options.negativeMax, ttl: options.negativeTtl });
    }
  }

  /** Looks in the shared store, then asks Amazon; keeps the approval as long as its age and expiry allow. */
  private async load(key: string, token: string, flight: FlightState, note: ValidationNote | undefined): Promise<Validation> {
    const stored = await this.store?.read(token);
    if (stored) {
      if (note) note.cache = 'store';
      if (!flight.forgotten) this.memory.set(key, stored, { ttl: lifetime(stored, this.options.ttl, Date.now()) });
      return stored;
    }
    let validation: Validation;
    try {
      validation = await this.upstream.validate(token);
    } catch (error) {
      if (this.rejections && !flight.forgotten && error instanceof LoginWithAmazonError && NEGATIVE_CODES.has(error.code)) {
        this.rejections.set(key, { code: error.code, message: error.message });
      }
      throw error;
    }
    if (!flight.forgotten) {
      const ttl = lifetime(validation, this.options.ttl, Date.now());
      this.memory.set(key, validation, { ttl });
      this.store?.write(token, validation, ttl);
    }
    return validation;
  }

  /**
   * The approval for `token` if memory holds a live one, synchronously (no promise hand-offs on
   * the hot path); otherwise `undefined`, and `validate()` does the rest.
   */
  cached(token: string): Validation | undefined {
    const validation = this.memory.get(memoryKey(token));
    return validation && copy(validation);
  }

  async validate(token: string, note?: ValidationNote): Promise<Validation> {
    const key = memoryKey(token);
    const rejected = this.rejections?.get(key);
    const hit = rejected ? undefined : this.memory.get(key);
    let flight = rejected || hit ? undefined : this.flights.get(key);
    if (note) note.cache = rejected || hit ? 'hit' : flight ? 'coalesced' : 'miss';
    if (rejected) throw new LoginWithAmazonError(rejected.code, rejected.message, { endpoint: 'tokeninfo' });
    if (hit) return copy(hit);
    if (!flight) {
      // Stryker disable next-line ObjectLiteral: equivalent; an absent flag reads as false, the initial value is for the type.
      const state: FlightState = { forgotten: false };
      const promise = this.load(key, token, state, note).finally(() => {
        if (this.flights.get(key)?.state === state) this.flights.delete(key);
      });
      flight = { promise, state };
      this.flights.set(key, flight);
    }
    return copy(await flight.promise);
  }

  /** Forgets a token (memory, a lookup under way, a remembered rejection and, when the store can delete, the store). */
  async forget(token: string): Promise<void> {
    const key = memoryKey(token);
    this.memory.delete(key);
    const flight = this.flights.get(key);
    if (flight) {
      flight.state.forgotten = true;
      this.flights.delete(key);
    }
    this.rejections?.delete(key);
    await this.store?.forget(token);
  }

  /** Stops listening to the store's `error` events. */
  close(): void {
    this.store?.close();
  }
}
