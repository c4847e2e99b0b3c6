/** The app-code flow's test pieces: strategy options on the fake, the app's request body, a POST. */
import type { LoginWithAmazonCodeExchangeOptions, VerifyFunction } from '../../lib/index.js';
import type { AppAuthorization, FakeAmazon } from '../../lib/testing/index.js';
import { expectNoSecret } from './leak.js';

/** The Android app's redirect URI, as its SDK reports it. */
export const ANDROID_REDIRECT = 'amzn://com.example.shop';
/** The iOS app's redirect URI (the `amzn-<bundle id>` scheme). */
export const IOS_REDIRECT = 'amzn-com.example.shop://?sdk=ios';

/** Strategy options on the fake, with its client secret (pass `clientSecret: undefined` for a public client). */
export function appCodeOptions(amazon: FakeAmazon, patch: Partial<LoginWithAmazonCodeExchangeOptions> = {}): LoginWithAmazonCodeExchangeOptions {
  return {
    clientID: amazon.clientID, clientSecret: amazon.clientSecret, redirectURIs: [ANDROID_REDIRECT, IOS_REDIRECT],
    tokenURL: amazon.codeGrant.tokenURL, profileURL: amazon.codeGrant.profileURL, timeout: 1000, ...patch,
  };
}

export const toUser: VerifyFunction = (_a, _r, profile, done) => done(null, { id: profile.id, name: profile.displayName });

/** What the app posts to its backend after the SDK handed it a code. */
export function bodyOf(auth: AppAuthorization, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { code: auth.code, code_verifier: auth.verifier, redirect_uri: auth.redirectURI, ...patch };
}

/** POSTs a body as JSON or as a form, with extra `headers` if given; answers the status and the parsed JSON (or text). */
export async function post(url: string, body: unknown, as: 'json' | 'form' = 'json', headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const form = as === 'form';
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', ...headers },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json };
}

/** Shortest secret a leak check can search for: `expectNoSecret` also looks for characters 5 to 40 of it. */
export const MIN_SEARCHABLE_SECRET = 16;

/**
 * Asserts that none of the secrets shows anywhere in `value` (message, stack, inspect, JSON). A
 * secret that is not a string of at least `MIN_SEARCHABLE_SECRET` characters (an empty access
 * token, a refresh token that never came) throws: a check of it would prove nothing.
 */
export function expectClean(value: unknown, secrets: readonly unknown[]): void {
  if (secrets.length === 0) throw new Error('expectClean: no secret to search for');
  secrets.forEach((secret, index) => {
    if (typeof secret !== 'string' || secret.length < MIN_SEARCHABLE_SECRET) {
      throw new Error(`expectClean: secret #${String(index)} is not a string of ${String(MIN_SEARCHABLE_SECRET)} characters or more, so its absence proves nothing`);
    }
  });
  for (const secret of secrets as string[]) expectNoSecret(value, secret);
}

/** The access token the strategy sent to the profile endpoint (from the fake's request log); throws when no profile call carried one. */
export function accessTokenSent(amazon: FakeAmazon): string {
  const header = amazon.requests.find((r) => r.endpoint === 'profile')?.headers['x-amz-access-token'];
  if (typeof header !== 'string' || header === '') throw new Error('accessTokenSent: no profile request carried an access token');
  return header;
}
