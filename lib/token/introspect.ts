import type { AmazonProfile } from '../amazon/profile.js';
import type { TokenInfo } from '../amazon/tokeninfo.js';
import type { TokenValidator, Validation } from '../amazon/validation.js';
import { asError, LoginWithAmazonError } from '../core/errors.js';
import type { Admission } from '../passport/admission.js';
import { assertKnownKeys, optionsObject } from '../core/option-checks.js';
import { traceAuthenticate, type TracedAction } from '../diagnostics/authenticate-trace.js';
import type { CacheAnswer, ValidationNote } from '../diagnostics/channels.js';
import { checkToken } from './extract-token.js';
import { PROBLEM_DESCRIPTIONS } from './problems.js';

/**
 * Where an introspection's answer came from: Amazon itself, this process's cache, the shared
 * store, or a lookup of the same token already under way (a request's or another introspection's).
 */
export type IntrospectionSource = 'amazon' | 'cache' | 'store' | 'coalesced';

/** What `introspect()` resolves: Amazon's approval of a token, as the strategy's verify would get it. */
export interface LoginWithAmazonIntrospection {
  /** The normalized profile (without the `profile` endpoint when the strategy has `profile: false`). */
  profile: AmazonProfile;
  /** Tokeninfo's facts: `aud`, `user_id`, `app_id`, `iss`, and `exp`, the seconds left when answered. */
  tokenInfo: TokenInfo;
  /** Seconds the token has left, as of this answer (`tokenInfo.exp`). */
  expiresIn: number;
  /** Where the answer came from. */
  source: IntrospectionSource;
}

/** Options of one `introspect()` call. */
export interface IntrospectOptions {
  /**
   * Stops waiting: aborted before the call, nothing is asked; aborted during it, the promise
   * rejects at once with `signal.reason`, while the lookup goes on for any other waiter of it
   * (and, with the cache, for the next call). Default: none.
   */
  signal?: AbortSignal | undefined;
}

const SOURCES: Readonly<Record<CacheAnswer, IntrospectionSource>> = {
  hit: 'cache', miss: 'amazon', off: 'amazon', store: 'store', coalesced: 'coalesced',
};

function signalOption(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  const o = optionsObject(options, 'options');
  assertKnownKeys(o, ['signal']);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError('"signal" must be an AbortSignal');
  return o.signal;
}

/** The token, checked as one from a request is; a typed rejection (never echoing the value) otherwise. */
function wellFormed(token: unknown): string {
  if (token === undefined || token === null || token === '') throw new LoginWithAmazonError('LWA_NO_TOKEN', 'no token given');
  const checked = checkToken(token);
  if ('problem' in checked) throw new LoginWithAmazonError('LWA_INVALID_REQUEST', PROBLEM_DESCRIPTIONS[checked.problem]);
  return checked.token;
}

/** The validation, from memory synchronously when it holds one, else through the validator (noting how). */
async function lookup(validator: TokenValidator, admission: Admission, token: unknown, note: ValidationNote): Promise<Validation> {
  const checked = wellFormed(token);
  const hit = validator.cached?.(checked);
  note.cache = hit ? 'hit' : 'off'; // a caching validator refines 'off' into 'miss', 'coalesced', 'store' or 'hit'
  // A lookup that waits for Amazon takes a slot of the strategy's bound, as a request does.
  return hit ?? admission.run(undefined, () => validator.validate(checked, note));
}

/** Rejections decided before any lookup, traced as the strategy traces its 401 and 400: a status, no code. */
const UNCHECKED: ReadonlySet<string> = new Set(['LWA_NO_TOKEN', 'LWA_INVALID_REQUEST']);

function traced(error: unknown): TracedAction {
  if (error instanceof LoginWithAmazonError && error.isRejection) {
    return UNCHECKED.has(error.code) ? { kind: 'fail', status: error.status } : { kind: 'fail', status: error.status, code: error.code };
  }
  return { kind: 'error', error: asError(error, 'token validation failed with a non-Error value') };
}

/** Waits for `promise` unless `signal` aborts first; the promise itself runs on, its outcome handled. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason as Error); };
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => { signal.removeEventListener('abort', onAbort); };
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as it came
    promise.then((value) => { done(); resolve(value); }, (error: unknown) => { done(); reject(error); });
  });
}

/** One lookup, recorded on the `authenticate` channel (under the strategy's name) when someone listens. */
function tracedLookup(validator: TokenValidator, admission: Admission, name: string, token: unknown): Promise<{ validation: Validation; note: ValidationNote }> {
  const trace = traceAuthenticate(name);
  const note: ValidationNote = trace?.note ?? {};
  if (!trace) return lookup(validator, admission, token, note).then((validation) => ({ validation, note }));
  let pending!: Promise<Validation>;
  trace.run(() => { pending = lookup(validator, admission, token, note); });
  return new Promise((resolve, reject) => {
    pending.then(
      (validation) => { trace.settle({ kind: 'success', userId: validation.tokenInfo.user_id }, () => { resolve({ validation, note }); }); },
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as it came
      (error: unknown) => { trace.settle(traced(error), () => { reject(error); }); },
    );
  });
}

/**
 * Asks whom a token was issued to, with the strategy's checks, cache, shared store, timeouts and
 * traces, outside any Passport route; the verify callback is not called. Resolves Amazon's
 * approval; rejects with a `LoginWithAmazonError` (a rejection: `isRejection`, `status` 400, 401 or
 * 403; or Amazon failing: 502, 504), a `TypeError` for bad options, or `signal.reason`.
 */
export async function introspect(validator: TokenValidator, admission: Admission, name: string, token: unknown, options?: unknown): Promise<LoginWithAmazonIntrospection> {
  const signal = signalOption(options);
  signal?.throwIfAborted();
  const { validation, note } = await abortable(tracedLookup(validator, admission, name, token), signal);
  const { profile, tokenInfo } = validation;
  // Stryker disable next-line StringLiteral: equivalent; lookup() always sets note.cache before it resolves.
  return { profile, tokenInfo, expiresIn: tokenInfo.exp, source: SOURCES[note.cache ?? 'off'] };
}
