import type { IncomingHttpHeaders } from 'node:http';
import type { FakeEndpoint, FaultOptions } from './faults.js';
import type { IssuedToken } from './tokens.js';

export type { FakeEndpoint } from './faults.js';

/** Where a request put its access token. */
export type TokenPlace = 'query' | 'bearer' | 'amz-header';

/** An answer before it is written: status and JSON body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Where each endpoint accepts the token (Amazon's tokeninfo takes no `Authorization` header). */
export const ACCEPTED_PLACES: Readonly<Record<FakeEndpoint, readonly TokenPlace[]>> = {
  tokeninfo: ['query', 'amz-header'],
  profile: ['query', 'bearer', 'amz-header'],
  token: [],
};

/** Amazon's own wording of its errors. */
export const ERROR_DESCRIPTIONS = {
  invalid_token: 'The request has an invalid parameter : access_token',
  invalid_request: 'The request is missing a required parameter : access_token',
  insufficient_scope: 'The access token you provided does not have the required scope',
  ServerError: 'The server encountered a runtime error',
  invalid_grant: 'The authorization grant is invalid, expired, revoked or was issued to another client',
  invalid_client: 'Client authentication failed',
} as const;

type ErrorName = keyof typeof ERROR_DESCRIPTIONS;

/** Every token the request carries, by place (accepted or not). */
export function tokensInRequest(url: URL, headers: IncomingHttpHeaders): Partial<Record<TokenPlace, string[]>> {
  const found: Partial<Record<TokenPlace, string[]>> = {};
  const query = url.searchParams.getAll('access_token').filter((t) => t !== '');
  if (query.length > 0) found.query = query;
  const auth = headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth) : null;
  if (bearer?.[1] !== undefined) found.bearer = [bearer[1]];
  const amz = headers['x-amz-access-token'];
  if (typeof amz === 'string' && amz !== '') found['amz-header'] = [amz];
  return found;
}

/** The single token an endpoint accepts from the request, or `undefined` when there is none or several differ. */
export function acceptedToken(endpoint: FakeEndpoint, found: Partial<Record<TokenPlace, string[]>>): string | undefined {
  const tokens = new Set(ACCEPTED_PLACES[endpoint].flatMap((place) => found[place] ?? []));
  return tokens.size === 1 ? [...tokens][0] : undefined;
}

/** An Amazon error body; the profile endpoint adds its `request_id`. */
export function errorAnswer(endpoint: FakeEndpoint, status: number, error: ErrorName, requestId: string): Answer {
  const body: Record<string, unknown> = { error, error_description: ERROR_DESCRIPTIONS[error] };
  if (endpoint === 'profile') body.request_id = requestId;
  return { status, body };
}

/** The error Amazon sends for a bare status, used when a fault gives a status without a body. */
export function errorForStatus(status: number, endpoint: FakeEndpoint): ErrorName {
  if (endpoint === 'token' && status < 500) return status === 400 ? 'invalid_grant' : status === 401 ? 'invalid_client' : 'invalid_request';
  if (status === 400) return 'invalid_token';
  if (status === 401 || status === 403) return 'insufficient_scope';
  return status < 500 ? 'invalid_request' : 'ServerError';
}

/**
 * Seconds the token has left, counting down and rounded up, so that `exp` is never less than the
 * time really left (a token issued with `expiresIn: 1` answers `exp: 1` for its whole second);
 * `0` once expired.
 */
export function secondsLeft(issued: IssuedToken, now: number): number {
  return Math.max(0, Math.ceil((issued.expiresAt - now) / 1000));
}

function usable(issued: IssuedToken | undefined, now: number): issued is IssuedToken {
  return issued !== undefined && !issued.revoked && secondsLeft(issued, now) > 0;
}

/** `GET /auth/o2/tokeninfo`. */
export function tokenInfoAnswer(token: string | undefined, issued: IssuedToken | undefined, now: number, requestId: string): Answer {
  if (token === undefined) return errorAnswer('tokeninfo', 400, 'invalid_request', requestId);
  if (!usable(issued, now)) return errorAnswer('tokeninfo', 400, 'invalid_token', requestId);
  const body: Record<string, unknown> = { iss: issued.iss, user_id: issued.profile.user_id, aud: issued.aud };
  if (issued.app_id !== undefined) body.app_id = issued.app_id;
  body.exp = secondsLeft(issued, now);
  body.iat = Math.floor(issued.issuedAt / 1000);
  return { status: 200, body };
}

/** `GET /user/profile`: `profile` gives user_id, name, email; `profile:user_id` only user_id; `postal_code` adds it. */
export function profileAnswer(token: string | undefined, issued: IssuedToken | undefined, now: number, requestId: string): Answer {
  if (token === undefined) return errorAnswer('profile', 400, 'invalid_request', requestId);
  if (!usable(issued, now)) return errorAnswer('profile', 400, 'invalid_token', requestId);
  const { scopes, profile } = issued;
  const full = scopes.includes('profile');
  if (!full && !scopes.includes('profile:user_id')) return errorAnswer('profile', 401, 'insufficient_scope', requestId);
  const body: Record<string, unknown> = { user_id: profile.user_id };
  if (full && profile.email !== undefined) body.email = profile.email;
  if (full && profile.name !== undefined) body.name = profile.name;
  if (scopes.includes('postal_code') && profile.postal_code !== undefined) body.postal_code = profile.postal_code;
  return { status: 200, body };
}

/** Applies a fault's `status`/`body` to the real answer. */
export function faulted(endpoint: FakeEndpoint, real: { status: number; body: unknown }, fault: FaultOptions | undefined, requestId: string): { status: number; body: unknown } {
  if (fault?.status === undefined && fault?.body === undefined) return real;
  const status = fault.status ?? 200;
  if (fault.body !== undefined) return { status, body: fault.body };
  return status >= 400 ? errorAnswer(endpoint, status, errorForStatus(status, endpoint), requestId) : { status, body: real.body };
}

/** The content type of a body: JSON, or HTML/plain text for a string. */
export function contentType(body: unknown): string {
  if (typeof body !== 'string') return 'application/json;charset=UTF-8';
  return body.trimStart().startsWith('<') ? 'text/html;charset=UTF-8' : 'text/plain;charset=UTF-8';
}
