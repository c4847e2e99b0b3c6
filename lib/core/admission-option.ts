import { integer } from './option-checks.js';

/**
 * Default of `maxWaitingForAmazon`: 20 × `MAX_SOCKETS` (50 sockets per host), so that the default
 * agents' queue holds at most about 20 requests per socket.
 */
export const DEFAULT_MAX_WAITING = 1000;

/** Largest accepted `maxWaitingForAmazon` (the counter is a plain number; beyond this it bounds nothing useful). */
export const MAX_MAX_WAITING = 1_000_000;

/**
 * The `maxWaitingForAmazon` option, shared by the three strategies: most requests of one strategy
 * waiting for Amazon at once; the next one is refused at once with `LWA_OVERLOADED` (503).
 */
export function maxWaitingOption(value: unknown): { maxWaitingForAmazon: number } {
  return { maxWaitingForAmazon: integer(value, 'maxWaitingForAmazon', DEFAULT_MAX_WAITING, 1, MAX_MAX_WAITING) };
}

/** The option as the three strategies' option types declare it. */
export interface MaxWaitingOption {
  /**
   * Most requests of this strategy waiting for Amazon at once (cache misses, code exchanges and
   * their profile calls); the next one is refused at once, without a call, with an
   * `LWA_OVERLOADED` error (503, `Retry-After`). Default `1000` (20 × `MAX_SOCKETS`).
   */
  maxWaitingForAmazon?: number | undefined;
}

/** The resolved option. */
export interface ResolvedMaxWaiting {
  maxWaitingForAmazon: number;
}
