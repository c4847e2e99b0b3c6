import { LoginWithAmazonError, type Endpoint } from '../core/errors.js';
import type { TokenInfo } from './tokeninfo.js';

/** The customer profile JSON Amazon returns from `/user/profile`. */
export interface AmazonProfileJson {
  user_id: string;
  name?: string;
  email?: string;
  postal_code?: string;
  [key: string]: unknown;
}

/**
 * A Passport profile normalized from Amazon's customer profile. Compatible with `passport.Profile`
 * (no derived `name` object: Amazon gives one full-name string, and splitting it is wrong for many
 * cultures).
 */
export interface AmazonProfile {
  provider: 'amazon';
  /** Amazon's `user_id` (`amzn1.account.…`), stable per developer account. */
  id: string;
  /** Amazon's `name`, or `''` when the `profile` scope was not granted. */
  displayName: string;
  /** Present only when Amazon returned a non-empty `email`. */
  emails?: { value: string }[];
  /** Present only when Amazon returned a `postal_code` (scope `postal_code`). */
  postalCode?: string;
  /** The response body text. */
  _raw: string;
  /** The parsed response body. */
  _json: AmazonProfileJson;
}

const endpoint: Endpoint = 'profile';

function bad(field: string): LoginWithAmazonError {
  return new LoginWithAmazonError('LWA_BAD_RESPONSE', `unexpected "${field}" in profile response`, { endpoint });
}

function optionalString(json: Record<string, unknown>, field: string): string | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(field);
  return value;
}

/**
 * Turns Amazon's profile body into an {@link AmazonProfile}, or throws `LWA_BAD_RESPONSE` when it
 * is not a JSON object with a non-empty string `user_id` and string-typed optional fields.
 */
export function toProfile(raw: string, json: unknown): AmazonProfile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new LoginWithAmazonError('LWA_BAD_RESPONSE', 'profile response is not a JSON object', { endpoint });
  }
  const body = json as Record<string, unknown>;
  const id = body.user_id;
  if (typeof id !== 'string' || id === '') throw bad('user_id');
  const name = optionalString(body, 'name');
  const email = optionalString(body, 'email');
  const postalCode = optionalString(body, 'postal_code');

  const profile: AmazonProfile = {
    provider: 'amazon',
    id,
    displayName: name ?? '',
    _raw: raw,
    _json: body as AmazonProfileJson,
  };
  if (email !== undefined && email !== '') profile.emails = [{ value: email }];
  if (postalCode !== undefined && postalCode !== '') profile.postalCode = postalCode;
  return profile;
}

/**
 * The profile of a tokeninfo-only approval (`profile: false`): who the user is, nothing more.
 * `id` is tokeninfo's `user_id`; no name, email or postal code; `_raw`/`_json` are tokeninfo's body.
 */
export function tokenInfoProfile(info: TokenInfo, raw: string, json: unknown): AmazonProfile {
  return { provider: 'amazon', id: info.user_id, displayName: '', _raw: raw, _json: json as AmazonProfileJson };
}
