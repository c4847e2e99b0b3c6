import { asError } from '../core/errors.js';
import type { AmazonProfile } from '../amazon/profile.js';

/** What verify may pass as `info`: Passport's `{ message }` (it becomes the challenge's `error_description`) or anything else. */
export interface VerifyInfo {
  message?: string;
  [key: string]: unknown;
}

/** Passport's `done`: `(err)`, `(null, false, info?)` or `(null, user, info?)`. */
export type VerifyDone = (err: unknown, user?: unknown, info?: VerifyInfo | string) => void;

/**
 * The app's verify callback. Call `done`, or return a promise of a user, or of `false` (or `null`)
 * to reject the token; whichever settles first wins.
 */
export type VerifyFunction = (
  accessToken: string,
  refreshToken: string | undefined,
  profile: AmazonProfile,
  done: VerifyDone,
) => unknown;

/** The verify callback with `passReqToCallback: true`: the request comes first. */
export type VerifyFunctionWithRequest<Req = any> = (
  req: Req,
  accessToken: string,
  refreshToken: string | undefined,
  profile: AmazonProfile,
  done: VerifyDone,
) => unknown;

/** What verify is called with: the request (with `passReqToCallback`), the tokens, the profile. */
export interface VerifyArguments {
  req: unknown;
  accessToken: string;
  refreshToken: string | undefined;
  profile: AmazonProfile;
}

/**
 * The app's verify, bound to its arguments and to the strategy as `this` (as Passport strategies
 * do), ready for {@link runVerify}: `req` comes first only with `passReqToCallback`.
 */
export function bindVerify(
  verify: VerifyFunction | VerifyFunctionWithRequest,
  passReqToCallback: boolean,
  self: unknown,
  { req, accessToken, refreshToken, profile }: VerifyArguments,
): (done: VerifyDone) => unknown {
  return (done) => (passReqToCallback
    ? (verify as VerifyFunctionWithRequest).call(self, req, accessToken, refreshToken, profile, done)
    : (verify as VerifyFunction).call(self, accessToken, refreshToken, profile, done));
}

/** The message in verify's `info` (`{ message }` or a string), used when verify rejects the token. */
export function messageOf(info: unknown): string | undefined {
  if (typeof info === 'string') return info;
  const message = typeof info === 'object' && info !== null ? (info as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : undefined;
}

/** How a verify run ended. `error` is always a real `Error`. */
export type VerifyOutcome =
  | { kind: 'success'; user: unknown; info: unknown }
  | { kind: 'reject'; info: unknown }
  | { kind: 'error'; error: Error };

/** The message of a promise-style verify that resolved to `undefined` without calling `done`. */
export const UNDEFINED_USER_MESSAGE =
  'verify resolved to undefined without calling done: return the user, or false to reject the token';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

function fromDone(err: unknown, user: unknown, info: unknown): VerifyOutcome {
  if (err) return { kind: 'error', error: asError(err, 'verify called done with a non-Error value') };
  return user ? { kind: 'success', user, info } : { kind: 'reject', info };
}

function fromResolved(user: unknown): VerifyOutcome {
  if (user === undefined) return { kind: 'error', error: new TypeError(UNDEFINED_USER_MESSAGE) };
  return user ? { kind: 'success', user, info: undefined } : { kind: 'reject', info: undefined };
}

/**
 * Runs the app's verify (callback or promise style) into exactly one outcome: the first of `done`,
 * the returned promise, or an exception wins; later calls are ignored. Anything falsy or odd the
 * app throws becomes a real `Error` (Passport would take a falsy error for "no error").
 *
 * `settle` is never called inside the `try` that guards verify: if it throws (a Passport action
 * that throws), the exception reaches the caller instead of being mistaken for verify's.
 */
export function runVerify(invoke: (done: VerifyDone) => unknown, settle: (outcome: VerifyOutcome) => void): void {
  let outcome: VerifyOutcome | undefined;
  let returned = false;
  const finish = (result: VerifyOutcome): void => {
    if (outcome) return;
    outcome = result;
    if (returned) settle(result);
  };
  try {
    const result = invoke((err, user, info) => { finish(fromDone(err, user, info)); });
    if (isThenable(result)) {
      result.then(
        (user) => { finish(fromResolved(user)); },
        (err: unknown) => { finish({ kind: 'error', error: asError(err, 'verify rejected with a non-Error value') }); },
      );
    }
  } catch (err) {
    finish({ kind: 'error', error: asError(err, 'verify threw a non-Error value') });
  }
  returned = true;
  if (outcome) settle(outcome);
}
