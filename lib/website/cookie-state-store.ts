/**
 * `cookieStateStore`: pending sign-ins sealed (AES-256-GCM) in short-lived cookies, one per sign-in,
 * for sites without a server-side session. Nothing is kept in server memory but a bounded list of
 * states already used: a replayed cookie is refused in this process. In another process (after a
 * restart, behind a load balancer) only `replayStore` refuses it: without one, the used cookie with
 * a fresh code that Amazon issued for the same state and PKCE challenge signs in again (Amazon
 * refuses only a code it has seen).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { assertKnownKeys, optionsObject } from '../core/option-checks.js';
import type { CacheStore } from '../core/shared-store-type.js';
import { capPending, cookieScopeOf, cookieValues, flowCookieName, MAX_PENDING_PER_BROWSER, NO_RESPONSE, serializeCookie, setCookieOf } from './cookies.js';
import { firstUse, replayStoreOption, usedStateKey } from './used-states.js';
import { BOUND_TO_BROWSER, isStoredState, type StateStore, type StateStoreContext, type StoredState } from './state-store.js';

/** Options of {@link cookieStateStore}. */
export interface CookieStateStoreOptions {
  /**
   * At least 32 characters from a CSPRNG, kept server-side. For rotation, an array, newest first:
   * the first seals, every one opens (`[next, current]`, then `[next]` after `stateTTL`).
   */
  secret: string | readonly string[];
  /**
   * A shared store (Keyv-compatible, e.g. Redis) where each used state is recorded until its
   * record would have expired, so that every process refuses a replayed cookie. A store that
   * throws makes the callback an error; one that does not answer within the strategy's `timeout`
   * too. Default: none (used states are remembered in this process only).
   */
  replayStore?: CacheStore | undefined;
}

/** Shortest secret accepted. */
export const MIN_COOKIE_SECRET_LENGTH = 32;
/** Most characters a sealed cookie value may have (browsers keep about 4096 bytes per cookie). */
export const MAX_STATE_COOKIE_LENGTH = 3800;
/** Prefix of the sealed cookies' names; one cookie per pending sign-in. */
export const STATE_COOKIE_PREFIX = 'lwa_state_';
/** Most used states remembered per store (each until its record would have expired). */
export const MAX_REMEMBERED_USED = 10_000;

const SECRET_MESSAGE = `"secret" must be a string of at least ${String(MIN_COOKIE_SECRET_LENGTH)} characters, or a non-empty array of such strings (newest first)`;
const VERSION = 'v1.';

function secretsOption(value: unknown): string[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const valid = list.length > 0 && list.length <= 8 && list.every((s) => typeof s === 'string' && s.length >= MIN_COOKIE_SECRET_LENGTH);
  if (!valid) throw new TypeError(SECRET_MESSAGE);
  return [...(list as string[])];
}

/** The sealing key of one secret for one strategy and callback URL: a cookie of another one does not open. */
function keyOf(secret: string, context: StateStoreContext): Buffer {
  const salt = createHash('sha256').update(`${context.strategy}\0${context.callbackURL}`).digest();
  return Buffer.from(hkdfSync('sha256', secret, salt, 'passport-login-with-amazon/cookie-state/v1', 32));
}

function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]); // a string is read as UTF-8
  return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

function open(key: Buffer, sealed: string, aad: string): string | undefined {
  if (!sealed.startsWith(VERSION) || sealed.length > MAX_STATE_COOKIE_LENGTH) return undefined;
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  // Stryker disable next-line EqualityOperator,ConditionalExpression,ArithmeticOperator: equivalent; exactly 12 + 16 bytes hold an empty plaintext, which recordIn() takes for no record too, and fewer fail setAuthTag() in the try below.
  if (raw.length < 12 + 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch { /* tampered, or sealed under another secret, strategy or callback URL */ }
  return undefined;
}

/** The strategy's `maxPendingPerBrowser` (a store called by hand without it keeps the default). */
function maxPendingOf(context: StateStoreContext): number {
  const max = context.maxPendingPerBrowser;
  return typeof max === 'number' && Number.isSafeInteger(max) && max >= 1 ? max : MAX_PENDING_PER_BROWSER;
}

/**
 * The record in an opened seal, if it is this state's. The plaintext authenticated under our key,
 * so it is JSON we wrote; anything else (an empty seal, another shape) is no record, never a throw.
 */
function recordIn(plaintext: string | undefined, state: string): StoredState | undefined {
  if (plaintext === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch { /* not JSON (an empty seal): parsed stays undefined, no record */ }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { s, r } = parsed as { s?: unknown; r?: unknown };
  return s === state && isStoredState(r) ? r : undefined;
}

/** The first unexpired record of this state that one of the cookie's values opens to, under any secret. */
function openedRecord(secrets: readonly string[], values: readonly string[], name: string, state: string, context: StateStoreContext): StoredState | undefined {
  for (const value of values) {
    for (const secret of secrets) {
      const record = recordIn(open(keyOf(secret, context), value, name), state);
      if (record !== undefined && record.expiresAt > Date.now()) return record;
    }
  }
  return undefined;
}

/**
 * A {@link StateStore} that needs no session and no server memory: each pending sign-in is sealed
 * with AES-256-GCM (key from HKDF over `secret`, bound to the strategy's name and callback URL) in
 * a cookie of its own (`HttpOnly`, `SameSite=Lax`, `Path=/`, Max-Age `stateTTL`; on an https
 * callback `Secure` and named `__Host-lwa_state_…`), cleared at the callback; at most the
 * strategy's `maxPendingPerBrowser` per browser (the oldest are cleared). A tampered, expired,
 * replayed or foreign cookie is the bad-state 403 (replays across processes with `replayStore`). `state` options of `passport.authenticate()` must be JSON.
 *
 * @example
 * new LoginWithAmazonOAuth2Strategy({ clientID, clientSecret, callbackURL,
 *   store: cookieStateStore({ secret: process.env.STATE_COOKIE_SECRET! }) }, verify);
 */
export function cookieStateStore(options: CookieStateStoreOptions): StateStore {
  const o = optionsObject(options, 'options');
  assertKnownKeys(o, ['secret', 'replayStore']);
  const secrets = secretsOption(o.secret);
  const replayStore = replayStoreOption(o.replayStore);
  const used = new LRUCache<string, true>({ max: MAX_REMEMBERED_USED });
  return {
    [BOUND_TO_BROWSER]: true,
    save(req: unknown, state: string, record: StoredState, context: StateStoreContext): Promise<void> {
      const setCookie = setCookieOf(req);
      if (setCookie === undefined) return Promise.reject(new Error(NO_RESPONSE));
      const cookies = cookieScopeOf(context.callbackURL);
      const name = flowCookieName(STATE_COOKIE_PREFIX, context.strategy, state, cookies);
      const sealed = seal(keyOf(secrets[0] ?? '', context), JSON.stringify({ s: state, r: record }), name);
      if (sealed.length > MAX_STATE_COOKIE_LENGTH) {
        return Promise.reject(new Error(`cookieStateStore: a sealed sign-in is longer than ${String(MAX_STATE_COOKIE_LENGTH)} characters; keep less in the "state" option of passport.authenticate()`));
      }
      capPending(req, STATE_COOKIE_PREFIX, cookies, maxPendingOf(context), setCookie);
      setCookie(serializeCookie(name, sealed, cookies, Math.max(1, Math.ceil((record.expiresAt - Date.now()) / 1000))));
      return Promise.resolve();
    },
    async take(req: unknown, state: string, context: StateStoreContext): Promise<StoredState | undefined> {
      const cookies = cookieScopeOf(context.callbackURL);
      const name = flowCookieName(STATE_COOKIE_PREFIX, context.strategy, state, cookies);
      const values = cookieValues(req, name);
      if (values.length > 0) setCookieOf(req)?.(serializeCookie(name, '', cookies, 0));
      const usedKey = `${context.strategy}\0${context.callbackURL}\0${state}`;
      if (used.has(usedKey)) return undefined;
      const record = openedRecord(secrets, values, name, state, context);
      if (record === undefined) return undefined;
      const ttl = record.expiresAt - Date.now() + 1000;
      used.set(usedKey, true, { ttl });
      if (replayStore !== undefined && !(await firstUse(replayStore, usedStateKey(context, state), ttl))) return undefined;
      return record;
    },
  } as StateStore;
}
