/** The app-code flow's test pieces: strategy options on the fake, the app's request body, a POST. */
import { expect } from '@jest/globals';
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

/** POSTs a body as JSON or as a form; answers the status and the parsed JSON (or text). */
export async function post(url: string, body: unknown, as: 'json' | 'form' = 'json'): Promise<{ status: number; json: unknown }> {
  const form = as === 'form';
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json };
}

/** Asserts that none of the secrets shows anywhere in `value` (message, stack, inspect, JSON). */
export function expectClean(value: unknown, secrets: readonly string[]): void {
  for (const secret of secrets) if (secret !== '') expectNoSecret(value, secret);
  expect(secrets.length).toBeGreaterThan(0);
}

/** The access token the strategy sent to the profile endpoint (from the fake's request log). */
export function accessTokenSent(amazon: FakeAmazon): string {
  const header = amazon.requests.find((r) => r.endpoint === 'profile')?.headers['x-amz-access-token'];
  return typeof header === 'string' ? header : '';
}
