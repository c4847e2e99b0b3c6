import { Strategy } from 'passport-strategy';
import { AmazonClient } from '../amazon/client.js';
import { traceAuthenticate } from '../diagnostics/authenticate-trace.js';
import { CachingValidator } from './cache.js';
import { challenge } from '../core/challenge.js';
import { asError, LoginWithAmazonError } from '../core/errors.js';
import { deliver } from '../passport/action.js';
import { Admission } from '../passport/admission.js';
import { checkToken, extractToken, type RequestLike } from './extract-token.js';
import { PROBLEM_DESCRIPTIONS } from './problems.js';
import { introspect, type IntrospectOptions, type LoginWithAmazonIntrospection } from './introspect.js';
import {
  resolveOptions,
  type LoginWithAmazonStrategyOptions,
  type LoginWithAmazonStrategyOptionsWithBoolean,
  type LoginWithAmazonStrategyOptionsWithRequest,
  type ResolvedOptions,
} from './options.js';
import type { TokenInfo } from '../amazon/tokeninfo.js';
import type { TokenValidator, Validation, ValidationNote } from '../amazon/validation.js';
import { bindVerify, messageOf, runVerify, type VerifyFunction, type VerifyFunctionWithRequest, type VerifyOutcome } from '../passport/verify.js';

/** `req.authInfo` when verify passes no `info`: whom Amazon says the token was issued to. */
export interface LoginWithAmazonAuthInfo {
  tokenInfo: TokenInfo;
}

/** The one Passport action a request ends in (with what the trace records of it). */
type Action =
  | { kind: 'success'; user: unknown; info: unknown; userId: string }
  | { kind: 'fail'; challenge: string; status?: number; code?: string; /** The debug log's reason, when the challenge does not tell. */ reason?: string }
  | { kind: 'error'; error: Error };

/**
 * Passport strategy for Login with Amazon access tokens: takes the token from the request, asks
 * Amazon whom it was issued to, loads the profile and hands it to `verify`.
 *
 * @example
 * passport.use(new LoginWithAmazonStrategy({ clientID: process.env.LWA_CLIENT_ID! },
 *   async (accessToken, refreshToken, profile) => users.upsert(profile.id, profile)));
 */
export class LoginWithAmazonStrategy extends Strategy {
  /** Name for `passport.authenticate()`: `'amazon-token'` unless `options.name` says otherwise. */
  name: string;
  // Plain (not #private) fields: Passport calls authenticate() on Object.create(strategy).
  protected readonly config: ResolvedOptions;
  protected readonly validator: TokenValidator;
  private readonly verify: VerifyFunction | VerifyFunctionWithRequest;
  /** Requests waiting for Amazon (`maxWaitingForAmazon`), and their deadline. */
  protected readonly admission: Admission;

  constructor(options: LoginWithAmazonStrategyOptions, verify: VerifyFunction);
  constructor(options: LoginWithAmazonStrategyOptionsWithRequest, verify: VerifyFunctionWithRequest);
  constructor(options: LoginWithAmazonStrategyOptionsWithBoolean, verify: VerifyFunction | VerifyFunctionWithRequest);
  constructor(
    options: LoginWithAmazonStrategyOptions | LoginWithAmazonStrategyOptionsWithRequest | LoginWithAmazonStrategyOptionsWithBoolean,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    super();
    this.config = resolveOptions(options);
    if (typeof verify !== 'function') throw new TypeError('"verify" must be a function');
    this.name = this.config.name;
    this.verify = verify;
    const client = new AmazonClient(this.config);
    const { cache } = this.config;
    this.validator = cache ? new CachingValidator(client, cache, this.config) : client;
    this.admission = new Admission({ ...this.config, ...(cache && cache.store ? { storeTimeout: cache.storeTimeout } : {}) });
  }

  /**
   * Forgets a token's cached approval in this process's memory and in the shared store (when it
   * can delete): call it on sign-out or when you learn that a token was revoked. Other processes
   * sharing the store may still serve it from their memory, for at most `cache.ttl`.
   *
   * The argument is checked as a token from a request is: a non-string is a `TypeError`; a string
   * that is not a well-formed token (empty, too long, a character outside the bearer syntax) was
   * never cached, and forgetting it does nothing (no store call).
   */
  async forget(token: string): Promise<void> {
    if (typeof token !== 'string') throw new TypeError('"token" must be a string');
    const checked = checkToken(token);
    if ('problem' in checked) return;
    await this.validator.forget?.(checked.token);
  }

  /**
   * Checks a token outside a Passport route (a WebSocket handshake, an Alexa skill on Lambda, a
   * GraphQL context) with everything the strategy uses: the audience, issuer and expiry checks, the
   * cache, burst de-duplication, the shared store, the region, `agent`, timeouts, the
   * `authenticate` channel. The verify callback is not called. Outcomes: docs/access-tokens.md.
   *
   * @example
   * const { profile, tokenInfo, source } = await strategy.introspect(token, { signal: AbortSignal.timeout(3000) });
   */
  introspect(token: unknown, options?: IntrospectOptions): Promise<LoginWithAmazonIntrospection> {
    return introspect(this.validator, this.admission, this.name, token, options);
  }

  /** Releases what the strategy holds on to (the shared store's `error` listener). */
  close(): void {
    this.validator.close?.();
  }

  /** Ends in exactly one of `success`, `fail` or `error`; the order follows the outcome table of docs/outcomes.md. */
  override authenticate(req: any): void {
    const trace = traceAuthenticate(this.name);
    let sync = true;
    let settled = false;
    const settle = (action: Action): void => {
      if (settled) return;
      settled = true;
      const run = (): void => {
        deliver({ perform: () => { this.perform(action); }, error: (err) => { this.error(err); }, isError: action.kind === 'error', req, sync, outcome: { strategy: this.name, action } });
      };
      if (trace) trace.settle(action, run);
      else run();
    };
    try {
      if (trace) trace.run(() => { this.start(req, settle, trace.note); });
      else this.start(req, settle);
    } finally {
      sync = false;
    }
  }

  private start(req: unknown, settle: (action: Action) => void, note?: ValidationNote): void {
    const { realm } = this.config;
    const extraction = extractToken(req as RequestLike, this.config);
    switch (extraction.kind) {
      case 'none':
        return settle({ kind: 'fail', challenge: challenge(realm) });
      case 'invalid':
        return settle({ kind: 'fail', challenge: challenge(realm, 'invalid_request', PROBLEM_DESCRIPTIONS[extraction.problem]), status: 400 });
      case 'error':
        return settle({ kind: 'error', error: asError(extraction.error, 'tokenFromRequest threw a non-Error value') });
    }
    const { token, refreshToken } = extraction;
    const hit = this.validator.cached?.(token);
    // Stryker disable next-line StringLiteral: equivalent; with a cache, validate() always overwrites it ('miss', 'coalesced', 'store' or 'hit').
    if (note) note.cache = hit ? 'hit' : this.config.cache ? 'miss' : 'off'; // the cache refines 'miss'
    if (hit) return this.runVerify(req, token, refreshToken, hit, settle);
    this.admission.run(req, () => this.validator.validate(token, note)).then(
      (validation) => { this.runVerify(req, token, refreshToken, validation, settle); },
      (err: unknown) => { settle(this.rejection(err)); },
    );
  }

  /** Amazon's "no" as an RFC 6750 `fail()`; anything else (Amazon failing) as `error()`. */
  private rejection(err: unknown): Action {
    const { realm } = this.config;
    if (!(err instanceof LoginWithAmazonError) || !err.isRejection) {
      return { kind: 'error', error: asError(err, 'token validation failed with a non-Error value') };
    }
    const { code } = err;
    if (code === 'LWA_INSUFFICIENT_SCOPE') return { kind: 'fail', challenge: challenge(realm, 'insufficient_scope', err.message), status: 403, code };
    return { kind: 'fail', challenge: challenge(realm, 'invalid_token', err.message), code };
  }

  private runVerify(req: unknown, token: string, refreshToken: string | undefined, validation: Validation, settle: (action: Action) => void): void {
    const { profile, tokenInfo } = validation;
    runVerify(
      bindVerify(this.verify, this.config.passReqToCallback, this, { req, accessToken: token, refreshToken, profile }),
      (outcome: VerifyOutcome) => { settle(this.fromVerify(outcome, tokenInfo)); },
    );
  }

  private fromVerify(outcome: VerifyOutcome, tokenInfo: TokenInfo): Action {
    switch (outcome.kind) {
      case 'success': {
        const info = outcome.info ?? ({ tokenInfo: { ...tokenInfo } } satisfies LoginWithAmazonAuthInfo);
        return { kind: 'success', user: outcome.user, info, userId: tokenInfo.user_id };
      }
      case 'reject': {
        const message = messageOf(outcome.info);
        const reason = `verify refused the user${message === undefined ? '' : `: ${message}`}`;
        return { kind: 'fail', challenge: challenge(this.config.realm, 'invalid_token', message), reason };
      }
      case 'error':
        return outcome;
    }
  }

  private perform(action: Action): void {
    switch (action.kind) {
      case 'success':
        return this.success(action.user, action.info);
      case 'fail':
        // Status omitted for 401, as Passport only sends WWW-Authenticate with its default 401.
        return action.status === undefined
          ? (this.fail as unknown as (challenge: string) => void)(action.challenge)
          : this.fail(action.challenge, action.status);
      case 'error':
        return this.error(action.error);
    }
  }
}
