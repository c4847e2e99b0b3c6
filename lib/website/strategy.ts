import { Strategy } from 'passport-strategy';
import { AmazonClient } from '../amazon/client.js';
import { asError, LoginWithAmazonError } from '../core/errors.js';
import { deliver } from '../passport/action.js';
import { Admission } from '../passport/admission.js';
import { debugEnabled } from '../passport/debug-log.js';
import { traceLeg } from '../passport/traced-leg.js';
import {
  resolveOAuth2Options, scopeOption,
  type LoginWithAmazonOAuth2Options, type LoginWithAmazonOAuth2OptionsWithBoolean, type LoginWithAmazonOAuth2OptionsWithRequest,
  type ResolvedOAuth2Options, type Scope,
} from './options.js';
import { badStateReason, redirectHint } from './host-hint.js';
import { PendingSignIns } from './pending.js';
import { sessionOf } from './state-store.js';
import { TokenEndpoint } from '../amazon/token-endpoint.js';
import { grantOf, type LoginWithAmazonGrant, type LoginWithAmazonTokenSet } from '../amazon/token-response.js';
import { redeemCode, verifyGrant, type GrantAction } from '../passport/grant.js';
import type { VerifyFunction, VerifyFunctionWithRequest } from '../passport/verify.js';

/** What `req.authInfo.token` holds: what the token endpoint granted (never the tokens). */
export interface LoginWithAmazonSignInGrant extends LoginWithAmazonGrant {
  /**
   * Only when Amazon's token response named no scopes (then `scope` is absent): the scopes asked
   * for on the redirect leg, kept with the pending sign-in. Never anything from the callback URL.
   */
  requestedScope?: string[];
}

/** `req.authInfo` after sign-in (merged into verify's own `info` object when it passes one). */
export interface LoginWithAmazonOAuth2Info {
  /** What the token endpoint granted: expiry and scopes (never the tokens). */
  token: LoginWithAmazonSignInGrant;
  /** The `state` given to `passport.authenticate()` on the redirect leg, when there was one. */
  state?: unknown;
}

/** Options of `passport.authenticate('amazon', options)` this strategy reads. */
export interface LoginWithAmazonAuthenticateOptions {
  /** Scopes for this sign-in, instead of the strategy's `scope`: an array, or one space-separated string. */
  scope?: readonly Scope[] | string;
  /** App data (e.g. `{ returnTo: '/cart' }`) kept server-side and handed back in `req.authInfo.state`; never sent to Amazon. */
  state?: unknown;
}

/** The fixed messages of `fail()`, in the order of the callback table of docs/website.md. */
export const CALLBACK_MESSAGES = {
  badState: 'unable to verify authorization request state',
  accessDenied: 'access denied',
  noCode: 'authorization code missing',
  invalidGrant: 'authorization code rejected: sign in again',
} as const;

const NO_SESSION = 'LoginWithAmazonOAuth2Strategy keeps its state in req.session: add a session middleware ' +
  '(express-session, koa-session, @fastify/secure-session, cookie-session) before passport, or pass a "store" option';

/** The one Passport action a leg ends in; the trace reads only `userId`, `status`, `code` and `error` of it. */
type Action = GrantAction | { kind: 'redirect'; url: string; reason?: string };

function queryOf(req: unknown): Record<string, unknown> {
  const query = typeof req === 'object' && req !== null ? (req as { query?: unknown }).query : undefined;
  return typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
}

/**
 * Passport strategy for "Sign in with Amazon" on a website: the Authorization Code Grant with
 * PKCE. The first request redirects to Amazon; Amazon's redirect back to `callbackURL` is
 * exchanged for tokens, the profile is loaded and handed to `verify`.
 *
 * @example
 * passport.use(new LoginWithAmazonOAuth2Strategy({ clientID, clientSecret, callbackURL },
 *   async (accessToken, refreshToken, profile) => users.upsert(profile.id, profile)));
 */
export class LoginWithAmazonOAuth2Strategy extends Strategy {
  /** Name for `passport.authenticate()`: `'amazon'` unless `options.name` says otherwise. */
  name: string;
  protected readonly config: Readonly<Omit<ResolvedOAuth2Options, 'clientSecret'>>;
  private readonly client: AmazonClient;
  private readonly tokens: TokenEndpoint;
  private readonly verify: VerifyFunction | VerifyFunctionWithRequest;
  /** Pending sign-ins: started on the redirect leg, used up on the callback. */
  private readonly pending: PendingSignIns;
  /** Callbacks waiting for Amazon (`maxWaitingForAmazon`), and their deadline. */
  private readonly admission: Admission;

  constructor(options: LoginWithAmazonOAuth2Options, verify: VerifyFunction);
  constructor(options: LoginWithAmazonOAuth2OptionsWithRequest, verify: VerifyFunctionWithRequest);
  constructor(options: LoginWithAmazonOAuth2OptionsWithBoolean, verify: VerifyFunction | VerifyFunctionWithRequest);
  constructor(
    options: LoginWithAmazonOAuth2Options | LoginWithAmazonOAuth2OptionsWithRequest | LoginWithAmazonOAuth2OptionsWithBoolean,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    super();
    const { clientSecret, ...config } = resolveOAuth2Options(options);
    if (typeof verify !== 'function') throw new TypeError('"verify" must be a function');
    this.config = config;
    this.name = config.name;
    this.verify = verify;
    // Stryker disable next-line ArrayDeclaration: equivalent; this flow never asks tokeninfo, so the client's audience lists are never read.
    this.client = new AmazonClient({ ...config, clientIDs: [config.clientID], appIDs: [] });
    this.tokens = new TokenEndpoint(this.client, { ...config, clientSecret });
    this.pending = new PendingSignIns(config, clientSecret);
    this.admission = new Admission(config);
  }

  /** A fresh token set for a refresh token (`Atzr|…`); `LWA_INVALID_GRANT` when Amazon no longer accepts it. */
  refresh(refreshToken: string): Promise<LoginWithAmazonTokenSet> {
    if (typeof refreshToken !== 'string' || refreshToken === '') return Promise.reject(new TypeError('"refreshToken" must be a non-empty string'));
    return this.tokens.refresh(refreshToken);
  }

  /**
   * The redirect leg, or the callback leg when Amazon's answer (`code`, `error` or `state`) is in
   * the query; either is one trace on the `authenticate` channel (the redirect leg's outcome is `redirect`).
   */
  override authenticate(req: any, options: LoginWithAmazonAuthenticateOptions = {}): void {
    // One promise per request, settled once: exactly one Passport action, always after an await.
    const query = queryOf(req);
    traceLeg<Action>({
      strategy: this.name,
      run: () => (query.code !== undefined || query.error !== undefined || query.state !== undefined
        ? this.callback(req, query) : this.redirectToAmazon(req, options)),
      failed: (err) => ({ kind: 'error', error: asError(err, 'authentication failed with a non-Error value') }),
      settle: (action) => {
        deliver({ perform: () => { this.perform(action); }, error: (err) => { this.error(err); }, isError: action.kind === 'error', req, sync: false, outcome: { strategy: this.name, action } });
      },
    });
  }

  private async redirectToAmazon(req: unknown, options: LoginWithAmazonAuthenticateOptions): Promise<Action> {
    const { config } = this;
    if (config.usesSession && !sessionOf(req)) return { kind: 'error', error: new Error(NO_SESSION) };
    const asked = typeof options.scope === 'string' ? options.scope.split(' ').filter((s) => s !== '') : options.scope;
    const scope = asked === undefined ? config.scope : scopeOption(asked, 'scope');
    const url = await this.pending.start(req, scope, options.state);
    const reason = debugEnabled() ? redirectHint(req, config.callbackURL) : undefined; // for the debug log only
    return reason === undefined ? { kind: 'redirect', url } : { kind: 'redirect', url, reason };
  }

  /**
   * The callback leg; the order follows the callback table of docs/website.md. Nothing is acted on, not even
   * Amazon's `error`, before a valid pending sign-in of this browser is found (and used up).
   */
  private async callback(req: unknown, query: Record<string, unknown>): Promise<Action> {
    const record = await this.pending.take(req, query.state);
    if (record === undefined) {
      const reason = debugEnabled() ? badStateReason(req, this.config.callbackURL, query.state) : undefined; // for the debug log only
      return { kind: 'fail', message: CALLBACK_MESSAGES.badState, status: 403, ...(reason === undefined ? {} : { reason }) };
    }
    if (query.error !== undefined) return this.authorizationError(query.error);
    if (typeof query.code !== 'string' || query.code === '' || query.code.length > 2048) {
      return { kind: 'fail', message: CALLBACK_MESSAGES.noCode, status: 400 };
    }
    const toRedeem = { code: query.code, verifier: this.pending.verifier(record), redirectURI: record.redirectURI };
    const redeemed = await this.admission.run(req, () => redeemCode({ client: this.client, tokens: this.tokens }, toRedeem, CALLBACK_MESSAGES.invalidGrant));
    if (redeemed.kind !== 'redeemed') return redeemed;
    const grant: LoginWithAmazonSignInGrant = grantOf(redeemed.tokens); // granted scopes from Amazon's answer only, never from the URL
    if (grant.scope === undefined) grant.requestedScope = [...record.requestedScope];
    const ours: LoginWithAmazonOAuth2Info = { token: grant, ...('appState' in record ? { state: record.appState } : {}) };
    return verifyGrant({ verify: this.verify, passReqToCallback: this.config.passReqToCallback, self: this }, req, redeemed, redeemed.tokens.refreshToken, ours);
  }

  private authorizationError(error: unknown): Action {
    if (error === 'access_denied') return { kind: 'fail', message: CALLBACK_MESSAGES.accessDenied, status: 401 };
    const upstreamError = typeof error === 'string' && /^[A-Za-z][\w.:-]{0,63}$/.test(error) ? error : undefined;
    return {
      kind: 'error',
      error: new LoginWithAmazonError('LWA_AUTHORIZATION_ERROR', 'Amazon\'s authorization page answered with an error', upstreamError ? { upstreamError } : {}),
    };
  }

  private perform(action: Action): void {
    switch (action.kind) {
      case 'success': return this.success(action.user, action.info);
      case 'fail': return this.fail({ message: action.message }, action.status);
      case 'redirect': return this.redirect(action.url, 302);
      case 'error': return this.error(action.error);
    }
  }
}
