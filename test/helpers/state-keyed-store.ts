/**
 * The StateStore of the JSDoc and README example: records by `state` alone, in one Map, with
 * expiry honoured and a cap. It binds nothing to the browser itself: the strategy must.
 */
import type { StateStore, StoredState } from '../../lib/index.js';

export function stateKeyedStore(max = 10_000): StateStore & { pending: Map<string, StoredState> } {
  const pending = new Map<string, StoredState>();
  return {
    pending,
    async save(_req, state, record) {
      const now = Date.now();
      for (const [key, r] of pending) { if (r.expiresAt > now) break; pending.delete(key); } // oldest first
      if (pending.size >= max) pending.delete(pending.keys().next().value ?? ''); // the example's cap, MAX_PENDING
      pending.set(state, record);
      await Promise.resolve();
    },
    async take(_req, state) {
      const r = pending.get(state);
      pending.delete(state);
      return Promise.resolve(r);
    },
  };
}
