import type { ServerResponse } from 'node:http';
import type { CodeGrantBook } from './code-grant.js';
import type { ConsentTokens } from './consent-tokens.js';
import { consentPage, escapeHTML, PAGE_HEADERS } from './consent-page.js';
import type { FakeProfile } from './tokens.js';

/** How the fake's authorization page answers: approve at once, deny at once, or show the consent page. */
export type ConsentMode = 'approve' | 'deny' | 'page';

/** What `/ap/oa` needs from the fake. */
export interface AuthorizeContext {
  /** Tokens of the consent pages shown (`consent: 'page'`). */
  consentTokens: ConsentTokens;
  clientID: string;
  redirectURIs: readonly string[];
  consent: ConsentMode;
  /** The customer who signs in. */
  user: FakeProfile & { user_id: string };
  book: CodeGrantBook;
  now: () => number;
}

/** An answer of the authorization page: a redirect back to the app, or a page. */
export type AuthorizeAnswer =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; html: string };

const KNOWN_SCOPES = ['profile', 'profile:user_id', 'postal_code'];

function back(redirectURI: string, params: Record<string, string | undefined>): AuthorizeAnswer {
  const url = new URL(redirectURI);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return { kind: 'redirect', location: url.href };
}

function errorPage(message: string, details = ''): AuthorizeAnswer {
  return { kind: 'page', status: 400, html: `<!doctype html><title>Amazon (fake): error</title><p>${message}</p>${details}` };
}

/** The redirect URI received and those registered, for the person who has to fix one of them. */
function redirectDetails(received: string | null, registered: readonly string[]): string {
  const list = registered.length === 0 ? '<p>No redirect URI is registered.</p>'
    : `<p>Registered:</p><ul>${registered.map((uri) => `<li><code>${escapeHTML(uri)}</code></li>`).join('')}</ul>`;
  const got = received === null ? '<p>The request has no <code>redirect_uri</code>.</p>' : `<p>Received: <code>${escapeHTML(received)}</code></p>`;
  return `${got}${list}<p>Register it with <code>passport-login-with-amazon fake --redirect-uri URL</code>, `
    + '<code>createFakeAmazon({ redirectURIs })</code> or <code>amazon.allowRedirectURI(uri)</code>.</p>';
}

/** Problems reported back to the app (RFC 6749 §4.1.2.1), or `undefined` when the request is good. */
function requestError(params: URLSearchParams): string | undefined {
  if (params.get('response_type') !== 'code') return 'unsupported_response_type';
  const scopes = (params.get('scope') ?? '').split(' ').filter((s) => s !== '');
  if (scopes.length === 0 || !scopes.every((s) => KNOWN_SCOPES.includes(s))) return 'invalid_scope';
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method') ?? 'plain';
  if (challenge === null) return params.has('code_challenge_method') ? 'invalid_request' : undefined;
  if (!['S256', 'plain'].includes(method) || !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) return 'invalid_request';
  return undefined;
}

/** What the customer decided: `allow`, `deny`, or nothing yet (the consent mode decides). */
export type Decision = 'allow' | 'deny' | undefined;

/**
 * `GET /ap/oa` (and `POST /ap/oa` from the consent page, with its `decision`): checks the client
 * id and the registered redirect URI (exact match) first, and answers an error page for either
 * (Amazon never redirects to an unverified URI); then the response type, scopes and PKCE
 * parameters; then approves or denies as `decision` or the consent mode says, or shows the
 * consent page. A `decision` in the query is ignored: only the page's POST consents.
 */
export function authorize(url: URL, context: AuthorizeContext, given?: Decision): AuthorizeAnswer {
  const params = url.searchParams;
  if (params.get('client_id') !== context.clientID) return errorPage('Unknown client');
  const redirectURI = params.get('redirect_uri') ?? '';
  if (!context.redirectURIs.includes(redirectURI)) {
    return errorPage('The redirect URI is not registered for this client', redirectDetails(params.get('redirect_uri'), context.redirectURIs));
  }
  const state = params.get('state') ?? undefined;
  const problem = requestError(params);
  if (problem !== undefined) return back(redirectURI, { error: problem, error_description: `fake: ${problem}`, state });
  const decision = given ?? (context.consent === 'page' ? undefined : context.consent === 'approve' ? 'allow' : 'deny');
  const scopes = (params.get('scope') ?? '').split(' ').filter((s) => s !== '');
  if (decision === undefined) {
    return { kind: 'page', status: 200, html: consentPage(url.pathname, context.consentTokens.issue(url.search), context.clientID, scopes) };
  }
  if (decision !== 'allow') {
    return back(redirectURI, { error: 'access_denied', error_description: 'The user denied your request.', state });
  }
  const challenge = params.get('code_challenge') ?? undefined;
  const code = context.book.issueCode({
    clientID: context.clientID, redirectURI, challenge, method: params.get('code_challenge_method') === 'S256' ? 'S256' : 'plain',
    scopes, profile: context.user,
  }, context.now());
  return back(redirectURI, { code, scope: scopes.join(' '), state });
}

/** Writes an authorization page answer: a 302, or an HTML page. */
export function writeAuthorizeAnswer(res: ServerResponse, answer: AuthorizeAnswer): void {
  if (answer.kind === 'redirect') {
    res.writeHead(302, { location: answer.location, 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(answer.status, { ...PAGE_HEADERS, 'content-type': 'text/html;charset=UTF-8', 'content-length': Buffer.byteLength(answer.html) });
  res.end(answer.html);
}
