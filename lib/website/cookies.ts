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

export type Append = (line: string) => void;

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

/** Attributes of the strategy's cookies: `HttpOnly`, `SameSite=Lax` and `Path=/` always. */
export interface CookieScope {
  /** Always `/`: the `__Host-` prefix requires it, and the redirect leg must see the pending sign-ins to cap them. */
  path: string;
  /** Whether `callbackURL` is https: then the cookies are `Secure` and their names start with `__Host-`. */
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
  return { path: '/', secure: new URL(callbackURL).protocol === 'https:' };
}

/**
 * The prefix a browser enforces on https: a `__Host-` cookie must be `Secure`, `Path=/` and
 * without `Domain`, so neither a sibling subdomain nor plain http on the same host can set it.
 */
export const HOST_PREFIX = '__Host-';

/** The full name prefix of one kind of cookie in a scope: `__Host-lwa_state_` on https, `lwa_state_` on http. */
export function cookiePrefix(prefix: string, scope: CookieScope): string {
  return scope.secure ? `${HOST_PREFIX}${prefix}` : prefix;
}

/**
 * The name of one pending sign-in's cookie: the prefix (with `__Host-` on https) and 16 base64url
 * characters of SHA-256 over the strategy name and the `state`, so that each tab has its own
 * cookie and names stay cookie-safe whatever the strategy is called. On https a cookie under the
 * plain name is never read.
 */
export function flowCookieName(prefix: string, strategy: string, state: string, scope: CookieScope): string {
  const hash = createHash('sha256').update(`${strategy}\0${state}`).digest('base64url').slice(0, 16);
  return `${cookiePrefix(prefix, scope)}${hash}`;
}

/** Default of `maxPendingPerBrowser`: pending sign-ins kept per browser (as the session store keeps). */
export const MAX_PENDING_PER_BROWSER = 5;

/**
 * Keeps at most `keep - 1` of this kind's cookies the request carries, so that the one about to be
 * set makes `keep`: the oldest are cleared (`Max-Age=0`) in this response. Browsers send cookies of
 * one path oldest first (RFC 6265, 5.4), so the first names in the header are the oldest.
 */
export function capPending(req: unknown, prefix: string, scope: CookieScope, keep: number, setCookie: Append): void {
  const full = cookiePrefix(prefix, scope);
  const header = prop(prop(req, 'headers'), 'cookie');
  if (typeof header !== 'string') return;
  const names = new Set<string>();
  for (const pair of header.split(';')) {
    const name = pair.slice(0, Math.max(0, pair.indexOf('='))).trim();
    if (name.length === full.length + 16 && name.startsWith(full)) names.add(name);
  }
  const excess = [...names].slice(0, Math.max(0, names.size - (keep - 1)));
  for (const name of excess) setCookie(serializeCookie(name, '', scope, 0));
}
