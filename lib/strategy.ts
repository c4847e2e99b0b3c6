import { Strategy } from 'passport-strategy';
import { AmazonClient, type Validation } from './amazon-client.js';
import { CachingValidator } from './cache.js';
import { challenge } from './challenge.js';
import { LoginWithAmazonError } from './errors.js';
import { extractToken, type ExtractProblem, type RequestLike } from './extract-token.js';
import {
  resolveOptions,
  type LoginWithAmazonStrategyOptions,
  type LoginWithAmazonStrategyOptionsWithRequest,
  type ResolvedOptions,
} from './options.js';
import type { AmazonProfile } from './profile.js';

/** Passport's `done`: `(err)`, `(null, false, info?)` or `(null, user, info?)`. */
export type VerifyDone = (err: unknown, user?: unknown, info?: unknown) => void;

/**
 * The app's verify callback. Call `done`, or return a promise of `user | false`
 * (whichever settles first wins).
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

/** Something that validates a token with Amazon (the client itself, or a cache in front of it). */
export interface TokenValidator {
  validate(token: string): Promise<Validation>;
  /** A cached approval, synchronously, or `undefined` to go through `validate()`. */
  cached?(token: string): Validation | undefined;
}

const PROBLEM_DESCRIPTIONS: Record<ExtractProblem, string> = {
  malformed_authorization: 'malformed Authorization header',
  multiple_tokens: 'token sent in more than one place',
  not_a_string: 'token is not a string',
  too_long: 'token is longer than 2048 bytes',
  bad_characters: 'token has characters outside the bearer token syntax',
};

/** The per-request outcome functions; `once` guarantees a single Passport action. */
interface Outcome {
  once: (action: () => void) => void;
  fail: (challenge: string, status?: number) => void;
  error: (err: unknown) => void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

function messageOf(info: unknown): unknown {
  if (typeof info === 'string') return info;
  return typeof info === 'object' && info !== null ? (info as { message?: unknown }).message : undefined;
}

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

  constructor(options: LoginWithAmazonStrategyOptions, verify: VerifyFunction);
  constructor(options: LoginWithAmazonStrategyOptionsWithRequest, verify: VerifyFunctionWithRequest);
  constructor(
    options: LoginWithAmazonStrategyOptions | LoginWithAmazonStrategyOptionsWithRequest,
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
  }

  /** Ends in exactly one of `success`, `fail` or `error`; the order follows the README's outcome table. */
  override authenticate(req: any): void {
    let settled = false;
    const once = (action: () => void): void => {
      if (settled) return;
      settled = true;
      action();
    };
    const { realm } = this.config;
    // Status omitted for 401, as Passport only sends WWW-Authenticate with its default 401.
    const fail = (value: string, status?: number): void => (this.fail as (c: string, s?: number) => void)(value, status);
    const error = (err: unknown): void => this.error(err as Error);
    const extraction = extractToken(req as RequestLike, this.config);
    switch (extraction.kind) {
      case 'none':
        return once(() => fail(challenge(realm)));
      case 'invalid':
        return once(() => fail(challenge(realm, 'invalid_request', PROBLEM_DESCRIPTIONS[extraction.problem]), 400));
      case 'error':
        return once(() => error(extraction.error));
    }
    const { token, refreshToken } = extraction;
    const hit = this.validator.cached?.(token);
    if (hit) return this.runVerify(req, token, refreshToken, hit.profile, { once, fail, error });
    this.validator.validate(token).then(
      ({ profile }) => this.runVerify(req, token, refreshToken, profile, { once, fail, error }),
      (err: unknown) => once(() => {
        if (!(err instanceof LoginWithAmazonError) || !err.isRejection) return error(err);
        if (err.code === 'LWA_INSUFFICIENT_SCOPE') return fail(challenge(realm, 'insufficient_scope', err.message), 403);
        return fail(challenge(realm, 'invalid_token', err.message));
      }),
    );
  }

  private runVerify(
    req: unknown,
    token: string,
    refreshToken: string | undefined,
    profile: AmazonProfile,
    outcome: Outcome,
  ): void {
    const { once, fail, error } = outcome;
    const done: VerifyDone = (err, user, info) => once(() => {
      if (err) return error(err);
      if (!user) return fail(challenge(this.config.realm, 'invalid_token', messageOf(info)));
      return this.success(user, info);
    });
    const failed = (err: unknown): void => once(() => error(err ?? new Error('verify callback failed')));
    try {
      const result = this.config.passReqToCallback
        ? (this.verify as VerifyFunctionWithRequest).call(this, req, token, refreshToken, profile, done)
        : (this.verify as VerifyFunction).call(this, token, refreshToken, profile, done);
      if (isThenable(result)) result.then((user) => done(null, user), failed);
    } catch (err) {
      failed(err);
    }
  }
}
