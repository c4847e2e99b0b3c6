import type { CacheStore } from './cache-options.js';
import { publishCacheEvent } from '../diagnostics/channels.js';
import type { Validation } from '../amazon/validation.js';
import { BoundedStore } from './store-calls.js';
import { Sealer, type StoreBinding } from './store-seal.js';

export { STORE_COOL_DOWN_MS, STORE_MAX_FAILURES } from './store-calls.js';
export { ENTRY_VERSION, MAC_KEY_LABEL, MAX_CLOCK_SKEW_MS, STORE_KEY_LABEL, type StoreBinding } from './store-seal.js';

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

/**
 * A shared store (Redis, …) that anyone with write access could fill, so nothing in it is taken on
 * trust: keys are an HMAC of the token, values carry an HMAC (under another key) over the key, this
 * strategy's audience and endpoints, and the approval; an entry that fails the check, is older than
 * `ttl` or names another audience is a miss ({@link Sealer}). Every call is bounded by `timeout`;
 * failures and slow answers count as misses, and a failing store is skipped for a while ({@link BoundedStore}).
 */
export class SharedStore {
  private readonly calls: BoundedStore;
  private readonly sealer: Sealer;

  constructor(options: SharedStoreOptions, binding: StoreBinding) {
    this.calls = new BoundedStore(options.store, options.timeout);
    this.sealer = new Sealer(options.secrets, options.prefix, binding, options.ttl);
  }

  /** The approval stored for `token`, if one passes every check; `undefined` otherwise. */
  async read(token: string): Promise<Validation | undefined> {
    const { store } = this.calls;
    const entries = await Promise.all(this.sealer.keys(token).map(async (entry) => ({
      entry, value: await this.calls.run('get', () => store.get(entry.key)),
    })));
    for (const { entry, value } of entries) {
      if (value === undefined || value === null) continue;
      const opened = this.sealer.open(value, entry);
      if (typeof opened !== 'string') return opened;
      publishCacheEvent({ type: 'entry-refused', reason: opened });
    }
    return undefined;
  }

  /** Writes an approval under the first secret's key, for `ttl` milliseconds. */
  write(token: string, validation: Validation, ttl: number): void {
    const [signer] = this.sealer.keys(token);
    if (signer === undefined) return; // never: resolveCacheOptions requires a secret with a store
    const sealed = this.sealer.seal(signer, validation);
    const { store } = this.calls;
    void this.calls.run('set', () => store.set(signer.key, sealed, ttl));
  }

  /** Deletes the token's entries under every secret (when the store can delete). */
  async forget(token: string): Promise<void> {
    const { store } = this.calls;
    if (typeof store.delete !== 'function') return;
    const remove = store.delete.bind(store);
    await Promise.all(this.sealer.keys(token).map(({ key }) => this.calls.run('delete', () => remove(key))));
  }

  /** Stops listening to the store's `error` events. */
  close(): void {
    this.calls.close();
  }
}
