/**
 * `cookieStateStore`'s record of used states in a shared store (`replayStore`), so that a sealed
 * cookie used once is refused in every process, not only in the one that took it. Fails closed: a
 * store that throws, rejects or loses the write makes the callback an error; one that answers
 * anything but "absent" (`undefined` or `null`) for a state counts it as used. A store that never answers is bounded by
 * the strategy's `timeout` on every call of its state store (the callback ends in `error()`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CacheStore } from '../core/shared-store-type.js';
import type { StateStoreContext } from './state-store.js';

/** Prefix of the keys written to `replayStore`; the rest is base64url(SHA-256(strategy NUL callbackURL NUL state)). */
export const USED_STATE_KEY_PREFIX = 'passport-login-with-amazon:used-state:';

/** The fixed message when `replayStore` fails (its own error is the `cause`). */
export const REPLAY_STORE_FAILED = 'cookieStateStore: the "replayStore" failed, so the sign-in is refused';

const ignore = (): void => undefined;

/** The key of one state in the shared store. */
export function usedStateKey(context: StateStoreContext, state: string): string {
  return USED_STATE_KEY_PREFIX + createHash('sha256').update(`${context.strategy}\0${context.callbackURL}\0${state}`).digest('base64url');
}

function isStore(value: unknown): value is CacheStore {
  if (typeof value !== 'object' || value === null) return false;
  const { get, set } = value as Record<string, unknown>;
  return typeof get === 'function' && typeof set === 'function';
}

/** The `replayStore` option: a store (`get` and `set` functions), else a TypeError naming the option. */
export function replayStoreOption(value: unknown): CacheStore | undefined {
  if (value === undefined) return undefined;
  if (!isStore(value)) throw new TypeError('"replayStore" must be an object with get() and set() methods (a Keyv instance, for example)');
  // A Keyv without an error listener throws its connection errors; failures reach us through get/set instead.
  if (typeof value.on === 'function') value.on('error', ignore);
  return value;
}

/**
 * Records `key` as used for `ttl` milliseconds: `true` when this call is the first to use it,
 * `false` when the store already holds it (any answer but absent counts) or another process wrote
 * it in between. The write is read back: Keyv answers a failed read as absent and a failed write
 * as `true` (with `throwOnConnectError: false`), so only a read that returns our own nonce proves
 * the record is there. Rejects, with the fixed message, when the store throws, rejects, answers a
 * write with `false`, or does not hold what it was just given. Two processes that both finish
 * their read-back before either overwrites are both let through (see docs/website.md).
 */
export async function firstUse(store: CacheStore, key: string, ttl: number): Promise<boolean> {
  const nonce = randomBytes(16).toString('base64url');
  let written: unknown;
  let readBack: unknown;
  try {
    const seen: unknown = await store.get(key);
    if (seen !== undefined && seen !== null) return false;
    written = await store.set(key, nonce, ttl);
    readBack = await store.get(key);
  } catch (cause) {
    throw new Error(REPLAY_STORE_FAILED, { cause });
  }
  if (written === false || readBack === undefined || readBack === null) throw new Error(REPLAY_STORE_FAILED);
  return readBack === nonce;
}
