import { randomBytes } from 'node:crypto';

/** The issuer every genuine tokeninfo answer names. */
export const FAKE_ISSUER = 'https://www.amazon.com';

/** The customer a fake token belongs to; `user_id` is generated when omitted. */
export interface FakeProfile {
  /** `amzn1.account.…`. Default: a random one. */
  user_id?: string;
  /** Returned with the `profile` scope. */
  name?: string;
  /** Returned with the `profile` scope. */
  email?: string;
  /** Returned with the `postal_code` scope. */
  postal_code?: string;
}

/** How a fake token is issued. */
export interface IssueTokenOptions {
  /** Granted scopes: `profile`, `profile:user_id`, `postal_code`. Default `['profile']`. */
  scopes?: readonly string[];
  /** Seconds until the token expires; `0` or less issues an already expired token. Default `3600`. */
  expiresIn?: number;
  /** Client id the token was issued to (tokeninfo `aud`). Default: the fake's `clientID`. */
  aud?: string;
  /** App id (tokeninfo `app_id`); `null` leaves the field out. Default: the fake's `appID`. */
  app_id?: string | null;
  /** Issuer (tokeninfo `iss`). Default `'https://www.amazon.com'`. */
  iss?: string;
}

/** What the fake remembers about a token it issued. */
export interface IssuedToken {
  profile: FakeProfile & { user_id: string };
  scopes: readonly string[];
  aud: string;
  app_id: string | undefined;
  iss: string;
  /** Epoch milliseconds. */
  issuedAt: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  revoked: boolean;
}

/** Defaults that come from the fake itself. */
export interface TokenDefaults {
  clientID: string;
  appID: string;
}

/**
 * A token that looks like Amazon's: `Atza|IwEBI` and 360 URL-safe base64 characters
 * (370 in all, within Amazon's 350 to 2048 bytes).
 */
export function newAccessToken(): string {
  return `Atza|IwEBI${randomBytes(270).toString('base64url')}`;
}

/** A random `amzn1.account.…` user id. */
export function newUserId(): string {
  return `amzn1.account.${randomBytes(14).toString('hex').toUpperCase()}`;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new TypeError(`"${name}" must be a string`);
  return value;
}

function checkProfile(profile: unknown): FakeProfile & { user_id: string } {
  if (typeof profile !== 'object' || profile === null) throw new TypeError('"profile" must be an object');
  const p = profile as Record<string, unknown>;
  const userId = optionalString(p.user_id, 'profile.user_id');
  if (userId === '') throw new TypeError('"profile.user_id" must be a non-empty string');
  const result: FakeProfile & { user_id: string } = { user_id: userId ?? newUserId() };
  for (const field of ['name', 'email', 'postal_code'] as const) {
    const value = optionalString(p[field], `profile.${field}`);
    if (value !== undefined) result[field] = value;
  }
  return result;
}

function checkScopes(scopes: unknown): readonly string[] {
  if (scopes === undefined) return ['profile'];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
    throw new TypeError('"scopes" must be an array of strings');
  }
  return [...scopes] as string[];
}

function checkExpiresIn(expiresIn: unknown): number {
  if (expiresIn === undefined) return 3600;
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn)) {
    throw new TypeError('"expiresIn" must be a finite number of seconds');
  }
  return expiresIn;
}

/** Validates `issueToken`'s arguments and fills in the defaults; throws a `TypeError` naming the bad field. */
export function describeToken(
  profile: unknown,
  options: unknown,
  defaults: TokenDefaults,
  now: number,
): IssuedToken {
  if (options === null || typeof options !== 'object') throw new TypeError('"options" must be an object');
  const o = options as Record<string, unknown>;
  const appId = o.app_id === null ? undefined : (optionalString(o.app_id, 'app_id') ?? defaults.appID);
  return {
    profile: checkProfile(profile),
    scopes: checkScopes(o.scopes),
    aud: optionalString(o.aud, 'aud') ?? defaults.clientID,
    app_id: appId,
    iss: optionalString(o.iss, 'iss') ?? FAKE_ISSUER,
    issuedAt: now,
    expiresAt: now + checkExpiresIn(o.expiresIn) * 1000,
    revoked: false,
  };
}
