import { randomBytes } from 'node:crypto';
import { codeChallenge } from '../amazon/pkce.js';
import { authorize, type AuthorizeContext } from './authorize.js';

/** What {@link FakeAmazon.authorizeApp} is asked, as an app's Login with Amazon SDK would ask it. */
export interface AppAuthorizeOptions {
  /** The app's redirect URI, registered with the fake (`redirectURIs` or `allowRedirectURI()`): `amzn://com.example.shop`. */
  redirectURI: string;
  /** The app's PKCE verifier (43 to 128 characters of `A-Z a-z 0-9 - . _ ~`). Default: a fresh random one. */
  verifier?: string;
  /** Scopes asked for. Default `['profile']`. */
  scopes?: readonly string[];
}

/** What the SDK hands the app, plus the verifier the app keeps: what the app posts to its backend. */
export interface AppAuthorization {
  /** The authorization code: single-use, 5 minutes, bound to the client, the redirect URI and the challenge. */
  code: string;
  /** The PKCE verifier whose S256 challenge the code is bound to. */
  verifier: string;
  clientID: string;
  redirectURI: string;
  /** Scopes granted. */
  scope: string[];
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Does what the Android and iOS SDKs do for `GrantType.AUTHORIZATION_CODE`: asks the authorization
 * page for a code with an S256 challenge for the app's redirect URI, the signed-in customer taps
 * Allow, and the code comes back. Throws a `TypeError` for an unregistered redirect URI (Amazon
 * shows an error page and returns nothing) or a malformed verifier.
 */
export function authorizeApp(options: AppAuthorizeOptions, context: AuthorizeContext): AppAuthorization {
  const { redirectURI, verifier = randomBytes(48).toString('base64url'), scopes = ['profile'] } = options;
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) throw new TypeError('"verifier" must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
  const url = new URL('http://fake.invalid/ap/oa');
  url.search = new URLSearchParams({
    client_id: context.clientID, redirect_uri: redirectURI, response_type: 'code', scope: [...scopes].join(' '),
    code_challenge: codeChallenge(verifier), code_challenge_method: 'S256',
  }).toString();
  // The customer taps Allow in the SDK's own sign-in view.
  const answer = authorize(url, context, 'allow');
  if (answer.kind === 'page') throw new TypeError('"redirectURI" is not registered with the fake: pass it in "redirectURIs" or call allowRedirectURI()');
  const back = new URL(answer.location).searchParams;
  const code = back.get('code');
  if (code === null) throw new TypeError(`the fake refused the authorization request: ${String(back.get('error'))}`);
  return { code, verifier, clientID: context.clientID, redirectURI, scope: (back.get('scope') ?? '').split(' ') };
}
