/**
 * The browser binding of lib/website/binding.ts, cookie by cookie: the nonce cookie set on the
 * redirect leg (or the fixed error when nothing leads to a response), and at the callback which
 * bindings match, which do not, and exactly when the cookie is cleared.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { BINDING_COOKIE_PREFIX, bindToBrowser, isBoundBrowser, type BindingScope } from '../../lib/website/binding.js';
import { cookieScopeOf, flowCookieName, NO_RESPONSE } from '../../lib/website/cookies.js';

const SCOPE: BindingScope = { strategy: 'amazon', callbackURL: 'https://a.example/auth/amazon/callback?x=1', ttl: 600_000, maxPendingPerBrowser: 5 };
const HTTPS = cookieScopeOf(SCOPE.callbackURL);
const HTTP = cookieScopeOf('http://localhost:3000/cb');
const STATE = 'S'.repeat(43);
const NAME = flowCookieName(BINDING_COOKIE_PREFIX, SCOPE.strategy, STATE, HTTPS);
/** The name on an http (loopback) callback: no `__Host-` prefix. */
const PLAIN = flowCookieName(BINDING_COOKIE_PREFIX, SCOPE.strategy, STATE, HTTP);
const NONCE = 'n'.repeat(43);
const CLEARED = `${NAME}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax; Secure`;

/** base64url(SHA-256) of a nonce, computed here independently of lib/. */
const hashOf = (nonce: string): string => createHash('sha256').update(Buffer.from(nonce, 'utf8')).digest('base64url');

/** An Express-like request with an optional Cookie header; every res.append call is recorded. */
function expressRequest(cookie?: string): { req: object; appended: [string, string][] } {
  const appended: [string, string][] = [];
  const headers = cookie === undefined ? {} : { cookie };
  return { appended, req: { headers, res: { append: (name: string, value: string) => { appended.push([name, value]); } } } };
}

/** What a call throws (undefined when it returns). */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error: unknown) {
    return error;
  }
  return undefined;
}

describe('bindToBrowser', () => {
  test('sets exactly one nonce cookie (__Host- name, HttpOnly, SameSite=Lax, Secure, Path=/, Max-Age of the ttl) and returns the nonce\'s hash', () => {
    const { req, appended } = expressRequest();
    const binding = bindToBrowser(req, STATE, SCOPE);
    expect(appended).toHaveLength(1);
    const [name, line] = appended[0] ?? ['', ''];
    expect(name).toBe('Set-Cookie');
    const match = new RegExp(`^${NAME}=([\\w-]{43}); Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$`).exec(line);
    expect(match).not.toBeNull();
    expect(binding).toBe(hashOf(match?.[1] ?? ''));
  });

  test('a ttl that is not whole seconds is rounded up, and an http callback gets no Secure and the plain name', () => {
    const { req, appended } = expressRequest();
    bindToBrowser(req, STATE, { ...SCOPE, callbackURL: 'http://localhost:3000/cb', ttl: 1500 });
    expect(appended.map(([, line]) => line.replace(/=[\w-]{43};/, '=NONCE;'))).toEqual([`${PLAIN}=NONCE; Path=/; Max-Age=2; HttpOnly; SameSite=Lax`]);
  });

  test('a fresh nonce every time', () => {
    const { req } = expressRequest();
    expect(bindToBrowser(req, STATE, SCOPE)).not.toBe(bindToBrowser(req, STATE, SCOPE));
  });

  test.each<[string, unknown]>([
    ['an empty object', {}],
    ['null', null],
    ['a request with headers only', { headers: { cookie: `${NAME}=${NONCE}` } }],
    ['a request whose res has neither append nor setHeader', { res: {} }],
    ['a request whose res has getHeader but no setHeader', { res: { getHeader: () => undefined } }],
  ])('a request that is %s leads to no response: throws an Error with the fixed NO_RESPONSE message', (_name, req) => {
    const error = thrownBy(() => bindToBrowser(req, STATE, SCOPE));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'Error', message: NO_RESPONSE });
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
  });
});

describe('isBoundBrowser', () => {
  test('the browser that holds the nonce matches, and its cookie is cleared once, with the same scope and Max-Age=0', () => {
    const { req, appended } = expressRequest(`${NAME}=${NONCE}`);
    expect(isBoundBrowser(req, STATE, hashOf(NONCE), SCOPE)).toBe(true);
    expect(appended).toEqual([['Set-Cookie', CLEARED]]);
  });

  test('a round trip: the binding bindToBrowser returns matches the cookie it set', () => {
    const start = expressRequest();
    const binding = bindToBrowser(start.req, STATE, SCOPE);
    const cookie = (start.appended[0]?.[1] ?? '').split(';')[0] ?? '';
    const callback = expressRequest(`other=1; ${cookie}`);
    expect(isBoundBrowser(callback.req, STATE, binding, SCOPE)).toBe(true);
    expect(callback.appended).toEqual([['Set-Cookie', CLEARED]]);
  });

  test('an http callback reads the plain name and clears the cookie without Secure', () => {
    const { req, appended } = expressRequest(`${PLAIN}=${NONCE}`);
    expect(isBoundBrowser(req, STATE, hashOf(NONCE), { ...SCOPE, callbackURL: 'http://localhost:3000/cb' })).toBe(true);
    expect(appended).toEqual([['Set-Cookie', `${PLAIN}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax`]]);
  });

  test.each<[string, string | undefined]>([
    ['no Cookie header', undefined],
    ['an empty Cookie header', ''],
    ['other cookies only', 'sid=abc; lwa_bind_=x'],
    ['the binding cookie of another state', `${flowCookieName(BINDING_COOKIE_PREFIX, SCOPE.strategy, 'T'.repeat(43), HTTPS)}=${NONCE}`],
    ['the binding cookie of another strategy', `${flowCookieName(BINDING_COOKIE_PREFIX, 'other', STATE, HTTPS)}=${NONCE}`],
    ['on https, the right nonce under the plain name (planted by a sibling subdomain or plain http)', `${PLAIN}=${NONCE}`],
  ])('with %s: no match, and no cookie is cleared (nothing was sent)', (_name, cookie) => {
    const { req, appended } = expressRequest(cookie);
    expect(isBoundBrowser(req, STATE, hashOf(NONCE), SCOPE)).toBe(false);
    expect(appended).toEqual([]);
  });

  test('with no binding cookie and a binding that is not a string: no match, nothing cleared', () => {
    const { req, appended } = expressRequest();
    expect(isBoundBrowser(req, STATE, undefined, SCOPE)).toBe(false);
    expect(appended).toEqual([]);
  });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['the hash as a Buffer', Buffer.from(hashOf(NONCE))],
    ['the hash in an array', [hashOf(NONCE)]],
  ])('a binding that is %s never matches, and the sent cookie is still cleared', (_name, binding) => {
    const { req, appended } = expressRequest(`${NAME}=${NONCE}`);
    expect(isBoundBrowser(req, STATE, binding, SCOPE)).toBe(false);
    expect(appended).toEqual([['Set-Cookie', CLEARED]]);
  });

  test.each<[string, string]>([
    ['empty', ''],
    ['one character short', hashOf(NONCE).slice(0, -1)],
    ['one character long', `${hashOf(NONCE)}A`],
    ['the nonce itself', `${NONCE}${NONCE}`],
  ])('a binding of another length (%s) does not match, and nothing throws', (_name, binding) => {
    const { req, appended } = expressRequest(`${NAME}=${NONCE}`);
    expect(isBoundBrowser(req, STATE, binding, SCOPE)).toBe(false);
    expect(appended).toEqual([['Set-Cookie', CLEARED]]);
  });

  test('an empty cookie against an empty binding does not match (the compare is of hashes, never of raw values)', () => {
    const { req, appended } = expressRequest(`${NAME}=`);
    expect(isBoundBrowser(req, STATE, '', SCOPE)).toBe(false);
    expect(appended).toEqual([['Set-Cookie', CLEARED]]);
  });

  test('a binding of the same length but another nonce does not match', () => {
    const { req, appended } = expressRequest(`${NAME}=${NONCE}`);
    expect(isBoundBrowser(req, STATE, hashOf('m'.repeat(43)), SCOPE)).toBe(false);
    expect(appended).toEqual([['Set-Cookie', CLEARED]]);
  });

  test('several values of the cookie (overlapping paths): any one matching is enough, and the cookie is cleared once', () => {
    const { req, appended } = expressRequest(`${NAME}=stale; sid=1; ${NAME}=${NONCE}`);
    expect(isBoundBrowser(req, STATE, hashOf(NONCE), SCOPE)).toBe(true);
    expect(appended).toEqual([['Set-Cookie', CLEARED]]);
  });

  test('a request that sends the cookie but leads to no response: the answer stands, and nothing throws', () => {
    const req = { headers: { cookie: `${NAME}=${NONCE}` } };
    expect(isBoundBrowser(req, STATE, hashOf(NONCE), SCOPE)).toBe(true);
    expect(isBoundBrowser(req, STATE, hashOf('m'.repeat(43)), SCOPE)).toBe(false);
  });
});
