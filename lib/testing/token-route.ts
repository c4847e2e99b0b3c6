/**
 * Routes of a fake created with `tokenRoute: true` (the CLI's `fake` command turns it on), for a
 * test or a person without access to the fake's object: `POST /tokens` issues a token of a kind,
 * `POST /app-codes` does what an app's LWA SDK does and answers `{ code, code_verifier, redirect_uri }`,
 * the body the app posts to its backend's app-code route.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AppAuthorization, AppAuthorizeOptions } from './app-sdk.js';
import { fromAnotherSite } from './host-check.js';
import type { FakeProfile, IssueTokenOptions } from './tokens.js';

/** The path of the token route. */
export const TOKEN_ROUTE = '/tokens';

/** The path of the app-code route: `POST /app-codes?redirect_uri=amzn://…`. */
export const APP_CODE_ROUTE = '/app-codes';

/** What `?kind=` may ask for. */
export const TOKEN_KINDS = ['valid', 'expired', 'revoked', 'other-audience'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** Client id of the tokens of kind `other-audience`. */
export const OTHER_AUDIENCE = 'amzn1.application-oa2-client.someone-else';

interface Issuer {
  issueToken(profile?: FakeProfile, options?: IssueTokenOptions): string;
  revoke(token: string): boolean;
  authorizeApp(options: AppAuthorizeOptions): AppAuthorization;
}

type RouteAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * The answer of a control route, or `undefined` when `url` is not one. A browser's request from
 * another site's page gets a 403 and issues nothing (no CORS either, so it could not read it).
 */
export function controlRouteAnswer(method: string | undefined, url: URL, fake: Issuer, headers: IncomingHttpHeaders = {}): RouteAnswer | undefined {
  if (url.pathname !== TOKEN_ROUTE && url.pathname !== APP_CODE_ROUTE) return undefined;
  if (fromAnotherSite(headers)) return { status: 403, body: { error: 'invalid_request', error_description: 'not from another site\'s page' } };
  if (url.pathname === TOKEN_ROUTE) return tokenRouteAnswer(method, url, fake);
  if (method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'POST only' }, headers: { allow: 'POST' } };
  try {
    const app = fake.authorizeApp({ redirectURI: url.searchParams.get('redirect_uri') ?? '' });
    // The body an app posts to its backend, as it is: the field names of the app-code strategy.
    return { status: 200, body: { code: app.code, code_verifier: app.verifier, redirect_uri: app.redirectURI } };
  } catch (err) {
    // An unregistered redirect URI, say: what the fake's authorization page would refuse.
    return { status: 400, body: { error: 'invalid_request', error_description: err instanceof Error ? err.message : 'refused' } };
  }
}

/**
 * The answer to `POST /tokens?kind=…[&user_id=…&name=…&email=…]`: `{ token, kind }` (200), or an
 * `invalid_request` error for another method (405) or an unknown kind (400).
 */
export function tokenRouteAnswer(method: string | undefined, url: URL, fake: Issuer): RouteAnswer {
  if (method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'POST only' }, headers: { allow: 'POST' } };
  const kind = url.searchParams.get('kind') ?? 'valid';
  if (!(TOKEN_KINDS as readonly string[]).includes(kind)) {
    return { status: 400, body: { error: 'invalid_request', error_description: `kind must be one of: ${TOKEN_KINDS.join(', ')}` } };
  }
  const profile: FakeProfile = {};
  for (const field of ['user_id', 'name', 'email', 'postal_code'] as const) {
    const value = url.searchParams.get(field);
    if (value !== null && value !== '') profile[field] = value;
  }
  const options: IssueTokenOptions = kind === 'expired' ? { expiresIn: 0 } : kind === 'other-audience' ? { aud: OTHER_AUDIENCE } : {};
  const token = fake.issueToken(profile, options);
  if (kind === 'revoked') fake.revoke(token);
  return { status: 200, body: { token, kind } };
}
