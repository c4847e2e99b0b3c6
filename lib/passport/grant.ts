/**
 * The tail every code-exchanging flow shares (the website's callback, an app's code): the code
 * goes to the token endpoint, the access token to the profile endpoint, both to the app's verify,
 * and the result becomes one Passport action. Amazon's "no" (`invalid_grant`, a profile rejection)
 * is a `fail()`; Amazon failing is thrown, for the flow to turn into `error()`.
 */
import type { AmazonClient } from '../amazon/client.js';
import type { AmazonProfile } from '../amazon/profile.js';
import type { TokenEndpoint } from '../amazon/token-endpoint.js';
import type { LoginWithAmazonTokenSet } from '../amazon/token-response.js';
import { LoginWithAmazonError } from '../core/errors.js';
import { bindVerify, messageOf, runVerify, type VerifyFunction, type VerifyFunctionWithRequest, type VerifyOutcome } from './verify.js';

/** The one Passport action a code exchange ends in (`userId` and `code` are for the trace). */
export type GrantAction =
  | { kind: 'success'; user: unknown; info: unknown; userId: string }
  | { kind: 'fail'; message: string; status: number; code?: string; /** The debug log's reason, when likelier than `message`. */ reason?: string }
  | { kind: 'error'; error: Error };

/** A redeemed code: the token set and the profile its access token opened. */
export interface Redeemed {
  kind: 'redeemed';
  tokens: LoginWithAmazonTokenSet;
  profile: AmazonProfile;
}

/** What {@link redeemCode} needs: the strategy's client and token endpoint. */
export interface GrantEndpoints {
  client: AmazonClient;
  tokens: TokenEndpoint;
}

/** The code, its PKCE verifier and the redirect URI it was issued for. */
export interface CodeToRedeem {
  code: string;
  verifier: string;
  redirectURI: string;
}

function rejection(err: unknown): GrantAction | undefined {
  if (!(err instanceof LoginWithAmazonError) || !err.isRejection) return undefined;
  return { kind: 'fail', message: err.message, status: err.status, code: err.code };
}

/**
 * Exchanges the code (never retried), then loads the profile. `invalid_grant` (a code used,
 * expired, or bound to another verifier or redirect URI) is `fail()` 401 with `invalidGrantMessage`;
 * a profile rejection is `fail()` with its own message; anything else is thrown.
 */
export async function redeemCode({ client, tokens }: GrantEndpoints, toRedeem: CodeToRedeem, invalidGrantMessage: string): Promise<Redeemed | GrantAction> {
  let set: LoginWithAmazonTokenSet;
  try {
    set = await tokens.exchange(toRedeem.code, toRedeem.verifier, toRedeem.redirectURI);
  } catch (err) {
    if (err instanceof LoginWithAmazonError && err.code === 'LWA_INVALID_GRANT') {
      return { kind: 'fail', message: invalidGrantMessage, status: 401, code: err.code };
    }
    throw err;
  }
  try {
    return { kind: 'redeemed', tokens: set, profile: await client.fetchProfile(set.accessToken) };
  } catch (err) {
    const failed = rejection(err);
    if (failed === undefined) throw err;
    return failed;
  }
}

/** The app's verify and how to call it. */
export interface VerifyBinding {
  verify: VerifyFunction | VerifyFunctionWithRequest;
  passReqToCallback: boolean;
  /** `this` inside verify: the strategy. */
  self: unknown;
}

/**
 * Runs the app's verify on a redeemed code. Success: `req.authInfo` is `ours` (what the grant
 * was), merged with verify's own `info` object when it passes one; `false` is `fail()` 401.
 */
export function verifyGrant(binding: VerifyBinding, req: unknown, redeemed: Redeemed, refreshToken: string | undefined, ours: object): Promise<GrantAction> {
  const { tokens: { accessToken }, profile } = redeemed;
  return new Promise((resolve) => {
    runVerify(
      bindVerify(binding.verify, binding.passReqToCallback, binding.self, { req, accessToken, refreshToken, profile }),
      (outcome: VerifyOutcome) => { resolve(fromVerify(outcome, ours, profile.id)); },
    );
  });
}

function fromVerify(outcome: VerifyOutcome, ours: object, userId: string): GrantAction {
  switch (outcome.kind) {
    case 'success': {
      const own = outcome.info;
      // No info (undefined or null, as for the token strategy) is ours; an object is merged into ours; anything else replaces it.
      const info = own === undefined || typeof own === 'object' ? { ...ours, ...own } : own;
      return { kind: 'success', user: outcome.user, info, userId };
    }
    case 'reject': {
      const message = messageOf(outcome.info);
      return { kind: 'fail', message: message ?? 'sign-in refused', status: 401, reason: `verify refused the user${message === undefined ? '' : `: ${message}`}` };
    }
    case 'error':
      return outcome;
  }
}
