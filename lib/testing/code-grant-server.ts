import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUTHORIZATION_PATH } from '../amazon/endpoints.js';
import { authorizeApp, type AppAuthorization, type AppAuthorizeOptions } from './app-sdk.js';
import { authorize, writeAuthorizeAnswer, type AuthorizeContext, type ConsentMode } from './authorize.js';
import { ConsentTokens } from './consent-tokens.js';
import { fromAnotherSite } from './host-check.js';
import { CodeGrantBook, type TokenAnswer } from './code-grant.js';
import type { checkOptions } from './options.js';
import { readForm, tokenGrant, type TokenContext } from './token-grant.js';
import { send } from './writer.js';
import { describeToken, type FakeProfile } from './tokens.js';

/** The fake's code grant half: its authorization page, its token endpoint and what they remember. */
export class FakeCodeGrant {
  consent: ConsentMode;
  private readonly book = new CodeGrantBook();
  private readonly consentTokens: ConsentTokens;
  private readonly redirectURIs: string[];
  private user: FakeProfile & { user_id: string };
  private readonly options: ReturnType<typeof checkOptions>;
  private readonly issueAccessToken: TokenContext['issueAccessToken'];

  constructor(options: ReturnType<typeof checkOptions>, issueAccessToken: TokenContext['issueAccessToken']) {
    this.options = options;
    this.issueAccessToken = issueAccessToken;
    this.consent = options.consent;
    this.consentTokens = new ConsentTokens(options.now);
    this.redirectURIs = [...options.redirectURIs];
    this.user = describeToken(options.user, {}, options, 0).profile;
  }

  allowRedirectURI(uri: string): void {
    if (typeof uri !== 'string' || !URL.canParse(uri)) throw new TypeError('"uri" must be an absolute URL');
    this.redirectURIs.push(uri);
  }

  signInAs(profile: FakeProfile): void {
    this.user = describeToken(profile, {}, this.options, 0).profile;
  }

  /** Revokes a refresh token; returns whether the fake had issued it. */
  revoke(token: string): boolean {
    return this.book.revoke(token);
  }

  private context(): AuthorizeContext {
    const { consent, redirectURIs, user, book, consentTokens } = this;
    return { clientID: this.options.clientID, consent, redirectURIs, user, book, consentTokens, now: this.options.now };
  }

  /** `/ap/oa`: the page (GET), the consent page's form (POST), nothing else (405). */
  endpoint(req: IncomingMessage, url: URL, res: ServerResponse): void {
    if (req.method === 'GET') this.authorizationPage(url, res);
    else if (req.method === 'POST') readForm(req, (form) => { this.consentPost(req, form, res); });
    else send(res, 405, { error: 'invalid_request' }, { allow: 'GET, POST' }, randomUUID());
  }

  /** `/ap/oa`, the page the browser is sent to: approves, denies or asks (see `authorize`). */
  authorizationPage(url: URL, res: ServerResponse): void {
    writeAuthorizeAnswer(res, authorize(url, this.context()));
  }

  /**
   * `POST /ap/oa`, the consent page's form: approves or denies the request its page showed, once,
   * only when the POST comes from the page itself (the page's token; an `Origin` and a
   * `Sec-Fetch-Site`, when the browser sends them, of the fake's own origin). Else a 403 page.
   */
  consentPost(req: IncomingMessage, form: URLSearchParams | undefined, res: ServerResponse): void {
    const site = req.headers['sec-fetch-site'];
    const fromPage = !fromAnotherSite(req.headers) && site !== 'none';
    const search = fromPage ? this.consentTokens.take(form?.get('consent_token')) : undefined;
    const decision = form?.get('decision');
    if (search === undefined || (decision !== 'allow' && decision !== 'deny')) {
      writeAuthorizeAnswer(res, { kind: 'page', status: 403, html: '<!doctype html><title>Amazon (fake): error</title>'
        + '<p>Consent is given on the fake\'s own consent page only (this page expired, was used, or was not the fake\'s). Start the sign-in again.</p>' });
      return;
    }
    writeAuthorizeAnswer(res, authorize(new URL(`${AUTHORIZATION_PATH}${search}`, 'http://fake.invalid'), this.context(), decision));
  }

  /** What an app's SDK gets from the authorization page: a code for its redirect URI (see `authorizeApp`). */
  authorizeApp(options: AppAuthorizeOptions): AppAuthorization {
    return authorizeApp(options, this.context());
  }

  /** The token endpoint's real answer to a form (`undefined`: unreadable). */
  tokenAnswer(req: IncomingMessage, form: URLSearchParams | undefined): TokenAnswer {
    const { clientID, clientSecret, now } = this.options;
    return tokenGrant(form, req.headers, { clientID, clientSecret, book: this.book, now, issueAccessToken: this.issueAccessToken });
  }
}
