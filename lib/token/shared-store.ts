import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CacheStore } from './cache-options.js';
import { publishCacheEvent, type RefusalReason, type StoreOperation } from '../diagnostics/channels.js';
import { tokenInfoProfile, toProfile } from '../amazon/profile.js';
import { assertAudience, parseTokenInfo, type Audience, type TokenInfo } from '../amazon/tokeninfo.js';
import { expiresAt, type Validation } from '../amazon/validation.js';

/** Store failures in a row after which the store is skipped for {@link STORE_COOL_DOWN_MS}. */
export const STORE_MAX_FAILURES = 3;
/** How long a failing store is left alone. */
export const STORE_COOL_DOWN_MS = 10_000;

/**
 * How far in the future another process's clock may put an approval's time (hosts' clocks drift
 * apart by milliseconds to seconds). Such an entry is served as if just approved.
 */
export const MAX_CLOCK_SKEW_MS = 5000;

/** What an entry is bound to: whoever reads it must ask the same endpoints for the same audience. */
export interface StoreBinding extends Audience {
  tokenInfoURL: string;
  profileURL: string;
  /** `false`: the reader wants tokeninfo-only approvals (`profile: false`). Default `true`. */
  profile?: boolean;
}

/** Settings of the shared store. */
export interface SharedStoreOptions {
  store: CacheStore;
  /** The first signs; all verify. */
  secrets: readonly string[];
  prefix: string;
  timeout: number;
  /** Approvals older than this (ms since Amazon was asked) are never served. */
  ttl: number;
}

/** What is written: the approval as text, and an HMAC over the key, the binding and that text. */
interface Sealed {
  v: 2;
  data: string;
  mac: string;
}

/**
 * The approval inside {@link Sealed.data} (covered by the MAC, so its kind cannot be changed).
 * A full approval has `profile`; a tokeninfo-only one (`profile: false`) has `tokenInfoBody`
 * instead, so that a reader predating `profile: false` takes it for a miss, never for a profile.
 */
interface Payload {
  tokenInfo: unknown;
  /** The profile body as Amazon sent it (full approvals). */
  profile?: string;
  /** The tokeninfo body as Amazon sent it (tokeninfo-only approvals). */
  tokenInfoBody?: string;
  askedAt: number;
}

/** Why a store call counted as a failure. */
class StoreFailure extends Error {
  constructor(readonly reason: 'failed' | 'timeout') {
    super(`store ${reason}`);
  }
}

/** Settles with the store's answer, or rejects when it fails or takes longer than `ms`. */
function withTimeout(value: unknown, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new StoreFailure('timeout')); }, ms);
    timer.unref();
    Promise.resolve(value).then(
      (result) => { clearTimeout(timer); resolve(result); },
      () => { clearTimeout(timer); reject(new StoreFailure('failed')); },
    );
  });
}

const hmac = (secret: string, text: string): Buffer => createHmac('sha256', secret).update(text).digest();

/**
 * A shared store (Redis, …) that anyone with write access could fill, so nothing in it is taken on
 * trust: keys are an HMAC of the token, values carry an HMAC over the key, this strategy's audience
 * and endpoints, and the approval; an entry that fails the check, is older than `ttl` or names
 * another audience is a miss. Every call is bounded by `timeout`; failures and slow answers count
 * as misses, and after {@link STORE_MAX_FAILURES} in a row the store is skipped for a cool-down.
 */
export class SharedStore {
  private failures = 0;
  private skipUntil = 0;
  private circuitOpen = false;
  private readonly context: string;
  private readonly onError = (): void => {
    publishCacheEvent({ type: 'store-error', operation: 'events', reason: 'failed' });
    this.failed();
  };

  constructor(private readonly options: SharedStoreOptions, private readonly binding: StoreBinding) {
    const { clientIDs, appIDs, tokenInfoURL, profileURL } = binding;
    this.context = JSON.stringify([[...clientIDs].sort(), [...appIDs].sort(), tokenInfoURL, profileURL]);
    // Keyv emits 'error' events (a lost Redis connection); without a listener they would crash the app.
    options.store.on?.('error', this.onError);
  }

  /** The token's key under each secret (the first is where it is written). */
  private keys(token: string): { key: string; secret: string }[] {
    return this.options.secrets.map((secret) => ({ key: this.options.prefix + hmac(secret, token).toString('base64url'), secret }));
  }

  private failed(): void {
    this.failures += 1;
    if (this.failures >= STORE_MAX_FAILURES) {
      this.skipUntil = Date.now() + STORE_COOL_DOWN_MS;
      this.failures = 0;
      this.circuitOpen = true;
      publishCacheEvent({ type: 'circuit-open', coolDownMs: STORE_COOL_DOWN_MS });
    }
  }

  private async run(name: StoreOperation, operation: () => unknown): Promise<unknown> {
    if (Date.now() < this.skipUntil) return undefined;
    try {
      const result = await withTimeout(operation(), this.options.timeout);
      this.failures = 0;
      if (this.circuitOpen) {
        this.circuitOpen = false;
        publishCacheEvent({ type: 'circuit-close' });
      }
      return result;
    } catch (error) {
      publishCacheEvent({ type: 'store-error', operation: name, reason: (error as StoreFailure).reason });
      this.failed();
      return undefined;
    }
  }

  /** The approval stored for `token`, if one passes every check; `undefined` otherwise. */
  async read(token: string): Promise<Validation | undefined> {
    const entries = await Promise.all(this.keys(token).map(async ({ key, secret }) => ({
      key, secret, value: await this.run('get', () => this.options.store.get(key)),
    })));
    for (const { key, secret, value } of entries) {
      if (value === undefined || value === null) continue;
      const opened = this.open(value, key, secret);
      if (typeof opened !== 'string') return opened;
      publishCacheEvent({ type: 'entry-refused', reason: opened });
    }
    return undefined;
  }

  /** Writes an approval under the first secret's key, for `ttl` milliseconds. */
  write(token: string, validation: Validation, ttl: number): void {
    const [signer] = this.keys(token);
    if (signer === undefined) return; // never: resolveCacheOptions requires a secret with a store
    const { key, secret } = signer;
    const { tokenInfo, profile, askedAt } = validation;
    const payload: Payload = validation.tokenInfoOnly === true
      ? { tokenInfo, tokenInfoBody: profile._raw, askedAt }
      : { tokenInfo, profile: profile._raw, askedAt };
    const data = JSON.stringify(payload);
    const sealed: Sealed = { v: 2, data, mac: this.mac(secret, key, data).toString('base64url') };
    void this.run('set', () => this.options.store.set(key, sealed, ttl));
  }

  /** Deletes the token's entries under every secret (when the store can delete). */
  async forget(token: string): Promise<void> {
    const { store } = this.options;
    if (typeof store.delete !== 'function') return;
    await Promise.all(this.keys(token).map(({ key }) => this.run('delete', () => store.delete?.(key))));
  }

  /** Stops listening to the store's `error` events. */
  close(): void {
    const { store } = this.options;
    if (typeof store.off === 'function') store.off('error', this.onError);
    else store.removeListener?.('error', this.onError);
  }

  private mac(secret: string, key: string, data: string): Buffer {
    return hmac(secret, `${key}\n${this.context}\n${data}`);
  }

  /** Checks a stored value: MAC (constant time), age, expiry, shape, audience, one user; the reason when refused. */
  private open(value: unknown, key: string, secret: string): Validation | RefusalReason {
    if (typeof value !== 'object' || value === null) return 'shape';
    const { v, data, mac } = value as Partial<Sealed>;
    if (v !== 2 || typeof data !== 'string' || typeof mac !== 'string') return 'shape';
    const expected = this.mac(secret, key, data);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'mac';
    let info: TokenInfo;
    let validation: Validation | undefined;
    try {
      const payload = JSON.parse(data) as Payload;
      const { askedAt } = payload;
      const now = Date.now();
      if (typeof askedAt !== 'number' || !(askedAt <= now + MAX_CLOCK_SKEW_MS)) return 'age';
      if (now - askedAt >= this.options.ttl) return 'age';
      info = parseTokenInfo(payload.tokenInfo);
      validation = this.approval(payload, info, askedAt);
      if (validation && expiresAt(validation) - now < 1000) return 'age';
    } catch {
      return 'shape';
    }
    if (!validation) return 'shape';
    try {
      assertAudience(info, this.binding);
    } catch {
      return 'audience';
    }
    return validation;
  }

  /**
   * The approval in the form this reader serves. A strategy that wants the profile takes only a
   * full approval; a tokeninfo-only strategy takes either, a full one trimmed to the tokeninfo-only
   * profile (built from the stored tokeninfo fields), so its verify always sees the same shape.
   */
  private approval(payload: Payload, info: TokenInfo, askedAt: number): Validation | undefined {
    const wantsProfile = this.binding.profile !== false;
    const { profile, tokenInfoBody } = payload;
    if (typeof profile === 'string') {
      const full: Validation = { tokenInfo: info, profile: toProfile(profile, JSON.parse(profile) as unknown), askedAt };
      if (full.profile.id !== info.user_id) return undefined;
      if (wantsProfile) return full;
      const raw = JSON.stringify(payload.tokenInfo);
      return { tokenInfo: info, profile: tokenInfoProfile(info, raw, JSON.parse(raw) as unknown), askedAt, tokenInfoOnly: true };
    }
    if (wantsProfile || typeof tokenInfoBody !== 'string') return undefined;
    return { tokenInfo: info, profile: tokenInfoProfile(info, tokenInfoBody, JSON.parse(tokenInfoBody) as unknown), askedAt, tokenInfoOnly: true };
  }
}
