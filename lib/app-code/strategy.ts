import { Strategy } from 'passport-strategy';
import { AmazonClient } from '../amazon/client.js';
import { TokenEndpoint } from '../amazon/token-endpoint.js';
import { grantOf, type LoginWithAmazonGrant } from '../amazon/token-response.js';
import { asError } from '../core/errors.js';
import { traceAuthenticate } from '../diagnostics/authenticate-trace.js';
import { deliver } from '../passport/action.js';
import { Admission } from '../passport/admission.js';
import { redeemCode, verifyGrant, type GrantAction, type Redeemed } from '../passport/grant.js';
import type { VerifyFunction, VerifyFunctionWithRequest } from '../passport/verify.js';
import { InFlight } from './in-flight.js';
import { isCrossSite } from './origin.js';
import {
  CODE_EXCHANGE_DEFAULTS, resolveCodeExchangeOptions,
  type LoginWithAmazonCodeExchangeOptions, type LoginWithAmazonCodeExchangeOptionsWithBoolean,
  type LoginWithAmazonCodeExchangeOptionsWithRequest, type ResolvedCodeExchangeOptions,
} from './options.js';
import { CODE_EXCHANGE_MESSAGES, readCodeRequest } from './request.js';

/** `req.authInfo` after sign-in (merged into verify's own `info` object when it passes one). */
export interface LoginWithAmazonCodeExchangeInfo {
  /** What the token endpoint granted: expiry and scopes (never the tokens). */
  token: LoginWithAmazonGrant;
}

/**
 * Passport strategy for an app's authorization code: the Login with Amazon SDK for Android or iOS
 * asks for a code with a PKCE challenge, and the app posts `code`, `code_verifier` and
 * `redirect_uri` to its backend. The strategy checks them, exchanges the code at Amazon's token
 * endpoint (with the client secret when it has one: then a refresh token comes too), loads the
 * profile and hands it to `verify`.
 *
 * @example
 * passport.use(new LoginWithAmazonCodeExchangeStrategy({ clientID, clientSecret, redirectURIs: ['amzn://com.example.shop'] },
 *   async (accessToken, refreshToken, profile) => users.upsert(profile.id, profile)));
 * app.post('/auth/amazon/app', express.json(), passport.authenticate('amazon-code', { session: false }), issueSession);
 */
export class LoginWithAmazonCodeExchangeStrategy extends Strategy {
  /** Name for `passport.authenticate()`: `'amazon-code'` unless `options.name` says otherwise. */
  name: string;
  // Plain (not #private) fields: Passport calls authenticate() on Object.create(strategy).
  protected readonly config: Readonly<Omit<ResolvedCodeExchangeOptions, 'clientSecret'>>;
  private readonly client: AmazonClient;
  private readonly tokens: TokenEndpoint;
  private readonly publicClient: boolean;
  private readonly verify: VerifyFunction | VerifyFunctionWithRequest;
  private readonly inFlight = new InFlight<Redeemed | GrantAction>();
  /** Requests waiting for Amazon (`maxWaitingForAmazon`), and their deadline. */
  private readonly admission: Admission;

  constructor(options: LoginWithAmazonCodeExchangeOptions, verify: VerifyFunction);
  constructor(options: LoginWithAmazonCodeExchangeOptionsWithRequest, verify: VerifyFunctionWithRequest);
  constructor(options: LoginWithAmazonCodeExchangeOptionsWithBoolean, verify: VerifyFunction | VerifyFunctionWithRequest);
  constructor(
    options: LoginWithAmazonCodeExchangeOptions | LoginWithAmazonCodeExchangeOptionsWithRequest | LoginWithAmazonCodeExchangeOptionsWithBoolean,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    super();
    const { clientSecret, ...config } = resolveCodeExchangeOptions(options);
    if (typeof verify !== 'function') throw new TypeError('"verify" must be a function');
    this.config = config;
    this.name = config.name;
    this.verify = verify;
    this.publicClient = clientSecret === undefined;
    // Stryker disable next-line ArrayDeclaration: equivalent; this flow never asks tokeninfo, so the client's audience lists are never read.
    this.client = new AmazonClient({ ...config, clientIDs: [config.clientID], appIDs: [] });
    // Stryker disable next-line StringLiteral: equivalent; any value but 'basic' sends the secret in the form.
    this.tokens = new TokenEndpoint(this.client, { ...config, clientSecret, clientAuthentication: 'body' });
    this.admission = new Admission(config);
  }

  /** Ends in exactly one of `success`, `fail` or `error`, always after an await; the order follows the outcome table of docs/mobile-app.md. */
  override authenticate(req: any): void {
    const trace = traceAuthenticate(this.name);
    const settle = (action: GrantAction): void => {
      const run = (): void => {
        deliver({ perform: () => { this.perform(action); }, error: (err) => { this.error(err); }, isError: action.kind === 'error', req, sync: false, outcome: { strategy: this.name, action } });
      };
      if (trace) trace.settle(action, run);
      else run();
    };
    const start = (): void => {
      this.signIn(req).then(settle, (err: unknown) => { settle({ kind: 'error', error: asError(err, 'authentication failed with a non-Error value') }); });
    };
    if (trace) trace.run(start);
    else start();
  }

  private async signIn(req: unknown): Promise<GrantAction> {
    if (isCrossSite(req, this.config.allowedOrigins)) return { kind: 'fail', message: CODE_EXCHANGE_MESSAGES.crossSite, status: 403 };
    const read = readCodeRequest(req, { clientID: this.config.clientID, redirectURIs: this.config.redirectURIs, maxCodeBytes: CODE_EXCHANGE_DEFAULTS.maxCodeBytes });
    if ('problem' in read) return { kind: 'fail', message: read.problem, status: 400 };
    const redeemed = await this.admission.run(req, () => this.inFlight.run(read, () => redeemCode({ client: this.client, tokens: this.tokens }, read, CODE_EXCHANGE_MESSAGES.invalidGrant)
      .catch((err: unknown): GrantAction => ({ kind: 'error', error: asError(err, 'the code exchange failed with a non-Error value') }))));
    if (redeemed.kind !== 'redeemed') return redeemed;
    // Without a secret there is no refresh token to hand on, whatever the token endpoint said.
    const refreshToken = this.publicClient ? undefined : redeemed.tokens.refreshToken;
    const ours: LoginWithAmazonCodeExchangeInfo = { token: grantOf(redeemed.tokens) };
    return verifyGrant({ verify: this.verify, passReqToCallback: this.config.passReqToCallback, self: this }, req, redeemed, refreshToken, ours);
  }

  private perform(action: GrantAction): void {
    switch (action.kind) {
      case 'success': return this.success(action.user, action.info);
      case 'fail': return this.fail({ message: action.message }, action.status);
      case 'error': return this.error(action.error);
    }
  }
}
