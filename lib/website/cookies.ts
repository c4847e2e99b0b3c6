/**
 * The few cookies the website strategy sets itself (the browser binding of a pending sign-in, and
 * `cookieStateStore`'s sealed records): reading them from `req.headers.cookie`, and appending a
 * `Set-Cookie` through whatever response the framework hands a strategy.
 */
import { createHash } from 'node:crypto';
import { headerWriterOf, REPLY } from '../passport/response.js';

export { REPLY };

/**
 * A Fastify `onRequest` hook that lets the website strategy set its cookies through
 * @fastify/passport: `fastify.addHook('onRequest', fastifyReplyHook)`. Express, NestJS and
 * koa-passport need nothing (their request leads to the response).
 */
export function fastifyReplyHook(request: object, reply: object, done: (err?: Error) => void): void {
  (request as Record<symbol, unknown>)[REPLY] = reply;
  done();
}

/** The fixed message when a cookie cannot be set: the framework handed the strategy no response. */
export const NO_RESPONSE = 'LoginWithAmazonOAuth2Strategy cannot set its cookie: the request leads to no response ' +
  '(with @fastify/passport, add fastify.addHook(\'onRequest\', fastifyReplyHook) from passport-login-with-amazon)';

type Append = (line: string) => void;

const prop = (value: unknown, key: string | symbol): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string | symbol, unknown>)[key] : undefined;

/** How to add a `Set-Cookie` to this request's response, or `undefined` when nothing leads to one. */
export function setCookieOf(req: unknown): Append | undefined {
  const append = headerWriterOf(req, 'append');
  return append && ((line) => { append('Set-Cookie', line); });
}

/** Every value of the cookie `name` the request carries (several when paths overlap), as sent. */
export function cookieValues(req: unknown, name: string): string[] {
  const header = prop(prop(req, 'headers'), 'cookie');
  if (typeof header !== 'string') return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}

/** Attributes of the strategy's cookies: `HttpOnly` and `SameSite=Lax` always. */
export interface CookieScope {
  /** The callback's path: the cookies go nowhere else. */
  path: string;
  /** Whether `callbackURL` is https. */
  secure: boolean;
}

/** A `Set-Cookie` line; `maxAgeSeconds` 0 clears the cookie. */
export function serializeCookie(name: string, value: string, scope: CookieScope, maxAgeSeconds: number): string {
  const parts = [`${name}=${value}`, `Path=${scope.path}`, `Max-Age=${String(maxAgeSeconds)}`];
  if (maxAgeSeconds === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  parts.push('HttpOnly', 'SameSite=Lax');
  if (scope.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The cookie scope of a callback URL. */
export function cookieScopeOf(callbackURL: string): CookieScope {
  const url = new URL(callbackURL);
  return { path: url.pathname, secure: url.protocol === 'https:' };
}

/**
 * The part of a cookie name that stands for one pending sign-in: 16 base64url characters of
 * SHA-256 over the strategy name and the `state`, so that each tab has its own cookie and names
 * stay cookie-safe whatever the strategy is called.
 */
export function flowCookieName(prefix: string, strategy: string, state: string): string {
  return `${prefix}${createHash('sha256').update(`${strategy}\0${state}`).digest('base64url').slice(0, 16)}`;
}
