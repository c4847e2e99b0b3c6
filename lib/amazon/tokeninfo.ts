import { LoginWithAmazonError, type Endpoint } from '../core/errors.js';

/** The issuer every genuine tokeninfo answer names. */
export const AMAZON_ISSUER = 'https://www.amazon.com';

/** Amazon's tokeninfo answer for a valid token. */
export interface TokenInfo {
  iss: string;
  user_id: string;
  /** The client id the token was issued to. */
  aud: string;
  /** The app id (shared by the web and mobile client ids of one product), when Amazon sends it. */
  app_id?: string;
  /** Seconds the token has left (not an epoch). */
  exp: number;
  /** Issued-at, epoch seconds, when Amazon sends it. */
  iat?: number;
}

/** Who may use a token: the configured client ids and, optionally, app ids. */
export interface Audience {
  clientIDs: readonly string[];
  appIDs: readonly string[];
}

const endpoint: Endpoint = 'tokeninfo';

function bad(field: string): LoginWithAmazonError {
  return new LoginWithAmazonError('LWA_BAD_RESPONSE', `unexpected "${field}" in tokeninfo response`, { endpoint });
}

function nonEmptyString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw bad(field);
  return value;
}

/**
 * Checks the shape of a 200 tokeninfo body. A wrongly shaped body is Amazon's fault
 * (`LWA_BAD_RESPONSE`); a well-shaped one that names another issuer or no time left is the
 * token's (`LWA_INVALID_TOKEN`).
 */
export function parseTokenInfo(json: unknown): TokenInfo {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new LoginWithAmazonError('LWA_BAD_RESPONSE', 'tokeninfo response is not a JSON object', { endpoint });
  }
  const body = json as Record<string, unknown>;
  if (typeof body.error === 'string') {
    throw new LoginWithAmazonError('LWA_INVALID_TOKEN', 'tokeninfo rejected the token', { endpoint, upstreamStatus: 200 });
  }
  const info: TokenInfo = {
    // Checked below, before the result is returned: a non-string is bad('iss'), anything but AMAZON_ISSUER another issuer.
    iss: body.iss as string,
    user_id: nonEmptyString(body, 'user_id'),
    aud: nonEmptyString(body, 'aud'),
    exp: 0,
  };
  if (!Number.isInteger(body.exp)) throw bad('exp'); // Number.isInteger is false for anything but an integer number
  info.exp = body.exp as number;
  if (body.app_id !== undefined && body.app_id !== null) info.app_id = nonEmptyString(body, 'app_id');
  if (body.iat !== undefined && body.iat !== null) {
    if (!Number.isFinite(body.iat)) throw bad('iat'); // Number.isFinite is false for anything but a finite number
    info.iat = body.iat as number;
  }
  if (body.iss !== undefined && typeof body.iss !== 'string') throw bad('iss');
  if (info.iss !== AMAZON_ISSUER) {
    throw new LoginWithAmazonError('LWA_INVALID_TOKEN', 'tokeninfo names another issuer', { endpoint });
  }
  if (info.exp <= 0) {
    throw new LoginWithAmazonError('LWA_INVALID_TOKEN', 'token has expired', { endpoint });
  }
  return info;
}

/**
 * The audience check: the token must have been issued to one of our client ids, or to one of
 * our app ids. Without it any app that obtained a user's token could sign in as that user.
 */
export function assertAudience(info: TokenInfo, audience: Audience): void {
  if (audience.clientIDs.includes(info.aud)) return;
  // Stryker disable next-line ConditionalExpression: equivalent; appIDs holds only non-empty strings, so it never includes an absent app_id.
  if (info.app_id !== undefined && audience.appIDs.includes(info.app_id)) return;
  throw new LoginWithAmazonError('LWA_AUDIENCE_MISMATCH', 'token was issued to another client', { endpoint });
}
