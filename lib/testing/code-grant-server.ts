import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorizeApp, type AppAuthorization, type AppAuthorizeOptions } from './app-sdk.js';
import { authorize, writeAuthorizeAnswer, type AuthorizeContext, type ConsentMode } from './authorize.js';
import { CodeGrantBook, type TokenAnswer } from './code-grant.js';
import type { checkOptions } from './options.js';
import { tokenGrant, type TokenContext } from './token-grant.js';
import { describeToken, type FakeProfile } from './tokens.js';

/** The fake's code grant half: its authorization page, its token endpoint and what they remember. */
export class FakeCodeGrant {
  consent: ConsentMode;
  private readonly book = new CodeGrantBook();
  private readonly redirectURIs: string[];
  private user: FakeProfile & { user_id: string };
  private readonly options: ReturnType<typeof checkOptions>;
  private readonly issueAccessToken: TokenContext['issueAccessToken'];

  constructor(options: ReturnType<typeof checkOptions>, issueAccessToken: TokenContext['issueAccessToken']) {
    this.options = options;
    this.issueAccessToken = issueAccessToken;
    this.consent = options.consent;
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
    const { consent, redirectURIs, user, book } = this;
    return { clientID: this.options.clientID, consent, redirectURIs, user, book, now: this.options.now };
  }

  /** `/ap/oa`, the page the browser is sent to: approves, denies or asks (see `authorize`). */
  authorizationPage(url: URL, res: ServerResponse): void {
    writeAuthorizeAnswer(res, authorize(url, this.context()));
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
