import { LoginWithAmazonError, type Endpoint } from '../core/errors.js';

/** What the token endpoint granted, with the tokens themselves. */
export interface LoginWithAmazonTokenSet {
  /** `Atza|…`, valid for 60 minutes. */
  accessToken: string;
  /** `Atzr|…`; does not expire unless the user removes the app. Absent when Amazon sent none. */
  refreshToken?: string;
  /** `'bearer'`. */
  tokenType: string;
  /** Seconds the access token lives, from `expires_in` (a number or a numeric string). */
  expiresIn: number;
  /** Epoch milliseconds when the access token expires, counted from when it was asked for. */
  expiresAt: number;
  /** Granted scopes, when Amazon named them (`scope`), else `undefined`. */
  scope?: string[];
}

/** What the app gets in `req.authInfo.token` after sign-in: the token set without the tokens. */
export type LoginWithAmazonGrant = Omit<LoginWithAmazonTokenSet, 'accessToken' | 'refreshToken'>;

const endpoint: Endpoint = 'token';
const MAX_TOKEN_BYTES = 2048;

function bad(field: string): LoginWithAmazonError {
  return new LoginWithAmazonError('LWA_BAD_RESPONSE', `unexpected "${field}" in token response`, { endpoint });
}

function token(value: unknown, field: string): string {
  // The pattern needs one character at least: an empty string fails it.
  if (typeof value !== 'string' || Buffer.byteLength(value) > MAX_TOKEN_BYTES || !/^[\x21-\x7e]+$/.test(value)) {
    throw bad(field);
  }
  return value;
}

function seconds(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw bad('expires_in');
  return n;
}

function scopes(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad('scope');
  return value.split(' ').filter((s) => s !== '');
}

/**
 * Parses a 200 answer of the token endpoint: `access_token`, `token_type` bearer, `expires_in`
 * (Amazon sends a number or a numeric string), optional `refresh_token` and `scope`.
 */
export function parseTokenResponse(json: unknown, askedAt: number): LoginWithAmazonTokenSet {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new LoginWithAmazonError('LWA_BAD_RESPONSE', 'token response is not a JSON object', { endpoint });
  }
  const body = json as Record<string, unknown>;
  if (body.access_token === undefined) {
    throw new LoginWithAmazonError('LWA_BAD_RESPONSE', 'token response has no "access_token"', { endpoint });
  }
  const accessToken = token(body.access_token, 'access_token');
  const tokenType = body.token_type;
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') throw bad('token_type');
  const expiresIn = seconds(body.expires_in);
  const set: LoginWithAmazonTokenSet = { accessToken, tokenType: 'bearer', expiresIn, expiresAt: askedAt + expiresIn * 1000 };
  if (body.refresh_token !== undefined) set.refreshToken = token(body.refresh_token, 'refresh_token');
  const scope = scopes(body.scope);
  if (scope !== undefined) set.scope = scope;
  return set;
}

/** The token set without its tokens (what may be kept in `req.authInfo` or logged). */
export function grantOf(set: LoginWithAmazonTokenSet): LoginWithAmazonGrant {
  const { tokenType, expiresIn, expiresAt, scope } = set;
  return { tokenType, expiresIn, expiresAt, ...(scope === undefined ? {} : { scope: [...scope] }) };
}
