/**
 * The browser binding of a pending sign-in kept by an app's own `store`: a random nonce per
 * sign-in in its own short-lived cookie (HttpOnly, SameSite=Lax, Path=/; on an https callback
 * Secure and named `__Host-…`, which no sibling subdomain or plain-http service can set), whose
 * SHA-256 goes into the record; the oldest are cleared past `maxPendingPerBrowser`. A callback URL opened in
 * another browser (the login CSRF of a store that keeps records by `state` alone) lacks the cookie.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../amazon/pkce.js';
import { capPending, cookieScopeOf, cookieValues, flowCookieName, NO_RESPONSE, serializeCookie, setCookieOf } from './cookies.js';

/** Prefix of the binding cookies' names; one cookie per pending sign-in. */
export const BINDING_COOKIE_PREFIX = 'lwa_bind_';

const hashOf = (nonce: string): string => createHash('sha256').update(nonce).digest('base64url'); // a string is read as UTF-8

/** What the binding needs to know of the strategy. */
export interface BindingScope {
  strategy: string;
  callbackURL: string;
  /** Milliseconds a pending sign-in lives (the cookie's Max-Age). */
  ttl: number;
  /** Most binding cookies kept per browser (the new one included). */
  maxPendingPerBrowser: number;
}

/**
 * Sets a fresh nonce cookie for this sign-in and returns the hash to keep in the record. Throws
 * (before anything is stored) when the framework handed the strategy no way to set a cookie.
 */
export function bindToBrowser(req: unknown, state: string, scope: BindingScope): string {
  const setCookie = setCookieOf(req);
  if (setCookie === undefined) throw new Error(NO_RESPONSE);
  const nonce = randomToken(32);
  const cookies = cookieScopeOf(scope.callbackURL);
  capPending(req, BINDING_COOKIE_PREFIX, cookies, scope.maxPendingPerBrowser, setCookie);
  setCookie(serializeCookie(flowCookieName(BINDING_COOKIE_PREFIX, scope.strategy, state, cookies), nonce, cookies, Math.ceil(scope.ttl / 1000)));
  return hashOf(nonce);
}

/**
 * Whether this request carries the nonce whose hash is `binding`; the cookie is cleared either way
 * (a sign-in is single-use).
 */
export function isBoundBrowser(req: unknown, state: string, binding: unknown, scope: BindingScope): boolean {
  const cookies = cookieScopeOf(scope.callbackURL);
  const name = flowCookieName(BINDING_COOKIE_PREFIX, scope.strategy, state, cookies);
  const values = cookieValues(req, name);
  if (values.length > 0) setCookieOf(req)?.(serializeCookie(name, '', cookies, 0));
  if (typeof binding !== 'string') return false;
  const expected = Buffer.from(binding);
  return values.some((nonce) => {
    const actual = Buffer.from(hashOf(nonce));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}
