import type { CacheStore } from './cache-options.js';
import { publishCacheEvent, type StoreOperation } from '../diagnostics/channels.js';

/** Store failures in a row after which the store is skipped for {@link STORE_COOL_DOWN_MS}. */
export const STORE_MAX_FAILURES = 3;
/** How long a failing store is left alone. */
export const STORE_COOL_DOWN_MS = 10_000;

/** Why a store call counted as a failure. */
class StoreFailure extends Error {
  constructor(readonly reason: 'failed' | 'timeout') {
    // Stryker disable next-line StringLiteral: equivalent; a StoreFailure never leaves run(), which publishes only its reason.
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

/**
 * The store's calls, each bounded by `timeout`: a failure or a slow answer is `undefined` (a
 * miss), and after {@link STORE_MAX_FAILURES} in a row (the store's `error` events count too) the
 * store is skipped for {@link STORE_COOL_DOWN_MS} (a circuit breaker).
 */
export class BoundedStore {
  private failures = 0;
  private skipUntil = 0;
  private circuitOpen = false;
  private readonly onError = (): void => {
    publishCacheEvent({ type: 'store-error', operation: 'events', reason: 'failed' });
    this.failed();
  };

  constructor(readonly store: CacheStore, private readonly timeout: number) {
    // Keyv emits 'error' events (a lost Redis connection); without a listener they would crash the app.
    store.on?.('error', this.onError);
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

  /** Runs one store call; its answer, or `undefined` when it failed, timed out or the store is skipped. */
  async run(name: StoreOperation, operation: () => unknown): Promise<unknown> {
    if (Date.now() < this.skipUntil) return undefined;
    try {
      const result = await withTimeout(operation(), this.timeout);
      this.failures = 0;
      if (this.circuitOpen) {
        this.circuitOpen = false;
        publishCacheEvent({ type: 'circuit-close' });
      }
      return result;
    } catch (error) {
      // A store method that throws instead of rejecting fails here, before withTimeout() sees it.
      publishCacheEvent({ type: 'store-error', operation: name, reason: error instanceof StoreFailure ? error.reason : 'failed' });
      this.failed();
      return undefined;
    }
  }

  /** Stops listening to the store's `error` events. */
  close(): void {
    const { store } = this;
    if (typeof store.off === 'function') store.off('error', this.onError);
    else store.removeListener?.('error', this.onError);
  }
}
