import { asError } from '../core/errors.js';
import { logOutcome, type LoggedAction } from './debug-log.js';

/** Rethrows `error` as an uncaught exception on the next tick, as an exception from any callback is. */
export function raiseUncaught(error: Error): void {
  process.nextTick(() => { throw error; });
}

/**
 * The last resort for an exception thrown by Passport's error action itself (a custom callback
 * that throws when handed an error): nothing in the strategy can answer any more. Decided
 * synchronously, it is rethrown to the framework, whose error handling catches it; later, it goes
 * to Express's `req.next`, or else to `uncaught` ({@link raiseUncaught}).
 */
function surface(req: unknown, error: Error, sync: boolean, uncaught: (error: Error) => void): void {
  if (sync) throw error;
  const next = typeof req === 'object' && req !== null ? (req as { next?: unknown }).next : undefined;
  // Stryker disable next-line ConditionalExpression: equivalent; calling a non-function throws inside the try, and the catch hands the error to uncaught as the else branch does.
  if (typeof next === 'function') {
    try {
      (next as (err: Error) => void)(error);
      return;
    } catch { /* handed to uncaught below */ }
  }
  uncaught(error);
}

/** How one Passport action is run: the action, Passport's `error()`, and what is known of the request. */
export interface Delivery {
  /** Calls `success`, `fail`, `redirect` or `error` on the strategy. */
  perform: () => void;
  /** The strategy's `error()`. */
  error: (err: Error) => void;
  /** Whether `perform` calls `error()` already. */
  isError: boolean;
  req: unknown;
  /** Whether the strategy decided within `authenticate()`'s own call (a framework frame is on the stack). */
  sync: boolean;
  /**
   * Where an exception that nothing can answer goes: {@link raiseUncaught} by default. Unit tests
   * pass a recorder, so that a change sending other exceptions there fails a test instead of
   * crashing the test runner.
   */
  uncaught?: (error: Error) => void;
  /** The strategy's name and its action, for the `NODE_DEBUG=passport-login-with-amazon` line ({@link logOutcome}). */
  outcome?: { strategy: string; action: LoggedAction };
}

/**
 * Runs the Passport action outside every guard of the strategy. If it throws (a custom callback or
 * a `res.json` that throws), the exception goes to `error()`, as passport-http-bearer does; if
 * `error()` throws too, {@link surface} hands it on. It never comes back into a "once" guard.
 */
export function deliver({ perform, error, isError, req, sync, uncaught = raiseUncaught, outcome }: Delivery): void {
  if (outcome) logOutcome(outcome.strategy, outcome.action);
  let failure: Error;
  try {
    perform();
    return;
  } catch (thrown) {
    failure = asError(thrown, 'a Passport action threw a non-Error value');
  }
  if (!isError) {
    try {
      error(failure);
      return;
    } catch (thrown) {
      failure = asError(thrown, 'Passport\'s error action threw a non-Error value');
    }
  }
  surface(req, failure, sync, uncaught);
}
