/**
 * The shape of a shared store (Keyv and the like), here on the ground floor because two flows take
 * one: the token cache (`cache.store`) and `cookieStateStore` (`replayStore`).
 */

/**
 * A shared, asynchronous key-value store, such as a `Keyv` instance
 * (`new Keyv(new KeyvRedis('redis://...'))`): the token cache's approvals, `cookieStateStore`'s used
 * states. Duck-typed: any object with `get` and `set` fits. `ttl` is in milliseconds. `delete` is
 * used by `strategy.forget(token)`; an `on('error', listener)` is subscribed to, and `off` (or
 * `removeListener`) unsubscribes it on `strategy.close()` (`cookieStateStore` keeps its listener).
 */
export interface CacheStore {
  get(key: string): unknown;
  set(key: string, value: unknown, ttl?: number): unknown;
  delete?(key: string): unknown;
  on?: (event: 'error', listener: (error: unknown) => void) => unknown;
  off?: (event: 'error', listener: (error: unknown) => void) => unknown;
  removeListener?: (event: 'error', listener: (error: unknown) => void) => unknown;
}
