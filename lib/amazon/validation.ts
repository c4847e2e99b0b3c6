import type { ValidationNote } from '../diagnostics/channels.js';
import type { AmazonProfile } from './profile.js';
import type { TokenInfo } from './tokeninfo.js';

/** Amazon's approval of a token: its tokeninfo and the customer profile. */
export interface Validation {
  tokenInfo: TokenInfo;
  profile: AmazonProfile;
  /**
   * Epoch milliseconds when tokeninfo was asked. The token's expiry (`tokenInfo.exp` seconds) and
   * the age of the approval count from here, never from when the answers arrived.
   */
  askedAt: number;
  /**
   * `true` when only tokeninfo was asked (`profile: false`): the profile then carries `id` and
   * tokeninfo's body, no name, email or postal code. Absent or `false`: both endpoints were asked.
   */
  tokenInfoOnly?: boolean;
}

export type { ValidationNote } from '../diagnostics/channels.js';

/** Something that validates a token with Amazon (the client itself, or a cache in front of it). */
export interface TokenValidator {
  /** `note`, when given, learns how the cache answered (set before the promise settles). */
  validate(token: string, note?: ValidationNote): Promise<Validation>;
  /** A cached approval, synchronously, or `undefined` to go through `validate()`. */
  cached?(token: string): Validation | undefined;
  /** Forgets a cached approval (sign-out, revocation). */
  forget?(token: string): Promise<void>;
  /** Releases listeners and timers. */
  close?(): void;
}

/** Epoch milliseconds when the validated token expires. */
export function expiresAt(validation: Validation): number {
  return validation.askedAt + validation.tokenInfo.exp * 1000;
}
