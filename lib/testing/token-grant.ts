import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { tokenBody, tokenError, type CodeGrantBook, type TokenAnswer } from './code-grant.js';

/** Largest token request body the fake reads. */
const MAX_FORM_BYTES = 16 * 1024;

/** Reads a form body of at most {@link MAX_FORM_BYTES}; `undefined` when it is larger or not a form. */
export function readForm(req: IncomingMessage, done: (form: URLSearchParams | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_FORM_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    const form = String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded');
    done(size <= MAX_FORM_BYTES && form ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')) : undefined);
  });
}

/** What `/auth/o2/token` needs from the fake. */
export interface TokenContext {
  clientID: string;
  clientSecret: string;
  book: CodeGrantBook;
  now: () => number;
  /** Issues an access token to the fake's client for this user and these scopes; returns it and its record. */
  issueAccessToken(profile: { user_id: string }, scopes: readonly string[]): { token: string; issued: Parameters<typeof tokenBody>[1] };
}

/** The client credentials of a request: HTTP Basic or the body, never both. */
function clientOf(form: URLSearchParams, headers: IncomingHttpHeaders): { id?: string; secret?: string } | 'both' {
  const auth = headers.authorization;
  const basic = typeof auth === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(auth) : null;
  if (basic?.[1] === undefined) return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
  if (form.has('client_secret')) return 'both';
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const decode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));
  return colon < 0 ? { id: decode(decoded) } : { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

/** `grant_type=authorization_code`; a public client (no secret) must have bound the code to a PKCE challenge and gets no refresh token. */
function codeGrant(form: URLSearchParams, clientID: string, publicClient: boolean, context: TokenContext): TokenAnswer {
  const code = form.get('code');
  if (code === null) return tokenError('invalid_request');
  const granted = context.book.redeem(code, clientID, form.get('redirect_uri') ?? undefined, form.get('code_verifier') ?? undefined, context.now());
  if (granted === undefined) return tokenError('invalid_grant');
  if (publicClient && granted.challenge === undefined) return tokenError('invalid_client');
  const { token, issued } = context.issueAccessToken(granted.profile, granted.scopes);
  const refresh = publicClient ? undefined : context.book.issueRefreshToken(clientID, granted.scopes, granted.profile);
  return { status: 200, body: tokenBody(token, issued, refresh) };
}

/**
 * `POST /auth/o2/token` (form body): `authorization_code` and `refresh_token` grants with RFC 6749
 * error bodies (400, 401 for `invalid_client`). A request without a client secret is a public
 * client (an app with PKCE): only a code bound to a challenge is exchanged, without a refresh token.
 */
export function tokenGrant(form: URLSearchParams | undefined, headers: IncomingHttpHeaders, context: TokenContext): TokenAnswer {
  if (form === undefined) return tokenError('invalid_request'); // not a form, or larger than MAX_FORM_BYTES
  const client = clientOf(form, headers);
  if (client === 'both') return tokenError('invalid_request');
  const grantType = form.get('grant_type');
  const publicClient = client.secret === undefined;
  if (client.id !== context.clientID || (publicClient ? grantType !== 'authorization_code' : client.secret !== context.clientSecret)) {
    return tokenError('invalid_client');
  }
  if (grantType === 'authorization_code') return codeGrant(form, client.id, publicClient, context);
  if (grantType === 'refresh_token') {
    const refresh = form.get('refresh_token');
    if (refresh === null) return tokenError('invalid_request');
    const granted = context.book.refreshGrant(refresh, client.id);
    if (granted === undefined) return tokenError('invalid_grant');
    const { token, issued } = context.issueAccessToken(granted.profile, granted.scopes);
    return { status: 200, body: tokenBody(token, issued, refresh) };
  }
  return tokenError(grantType === null ? 'invalid_request' : 'unsupported_grant_type');
}
