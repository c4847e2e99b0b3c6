import { REGIONS, type Region } from './amazon-client.js';
import { CACHE_DEFAULTS, type CacheOptions, type CacheStore, type ResolvedCacheOptions } from './cache.js';
import type { Audience } from './tokeninfo.js';

/** Where a token may come from: `Authorization: Bearer`, `x-amz-access-token`, a body or a query field. */
export type TokenSource = 'header' | 'amz-header' | 'body' | 'query';

/** Every token source, in the order they are looked at. */
export const TOKEN_SOURCES: readonly TokenSource[] = ['header', 'amz-header', 'body', 'query'];

/** Options shared by both constructor overloads of `LoginWithAmazonStrategy`. */
export interface LoginWithAmazonBaseOptions {
  /** Accepted audiences (tokeninfo `aud`): web, iOS and Android apps have different client ids. Required. */
  clientID: string | readonly string[];
  /** Also accept a token whose tokeninfo `app_id` is one of these (same app, other platform). Default: none. */
  appID?: string | readonly string[];
  /** Amazon region whose endpoints are used. Default `'NA'`. */
  region?: Region;
  /** Full tokeninfo URL; `https:` unless the host is loopback. Default: from `region`. */
  tokenInfoURL?: string;
  /** Full profile URL; `https:` unless the host is loopback. Default: from `region`. */
  profileURL?: string;
  /** Where a token may come from. Default: all four. Ignored when `tokenFromRequest` is set. */
  tokenSources?: readonly TokenSource[];
  /** Body and query field holding the access token. Default `'access_token'`. */
  accessTokenField?: string;
  /** Body and query field holding the refresh token passed to verify. Default `'refresh_token'`. */
  refreshTokenField?: string;
  /** Custom extractor; replaces `tokenSources`. Return `undefined` when the request has no token. */
  tokenFromRequest?: (req: any) => string | undefined | null;
  /** Milliseconds allowed for each upstream request. Default `5000`. */
  timeout?: number;
  /** Retries on network errors, timeouts and 5xx (never on 4xx). Default `1`. */
  retries?: number;
  /** Realm of the `WWW-Authenticate` challenge. Default `'Users'`. */
  realm?: string;
  /** Strategy name for `passport.authenticate(name)`. Default `'amazon-token'`. */
  name?: string;
  /**
   * The token cache: `false` turns it off, an object tunes it. On by default (`ttl` 60 s, `max` 10,000).
   * A revoked token stays accepted until its entry expires (at most `ttl`).
   */
  cache?: false | CacheOptions;
}

/** Options when verify does not receive the request. */
export interface LoginWithAmazonStrategyOptions extends LoginWithAmazonBaseOptions {
  /** When true, verify gets `req` as its first argument. Default `false`. */
  passReqToCallback?: false;
}

/** Options when verify receives the request first. */
export interface LoginWithAmazonStrategyOptionsWithRequest extends LoginWithAmazonBaseOptions {
  passReqToCallback: true;
}

/** The defaults, one documented place. */
export const DEFAULTS = {
  /** Strategy name. */
  name: 'amazon-token',
  /** Amazon region. */
  region: 'NA' as Region,
  /** All four token sources. */
  tokenSources: TOKEN_SOURCES,
  /** Body/query field of the access token. */
  accessTokenField: 'access_token',
  /** Body/query field of the refresh token. */
  refreshTokenField: 'refresh_token',
  /** Milliseconds per upstream request. */
  timeout: 5000,
  /** Retries on network errors, timeouts and 5xx. */
  retries: 1,
  /** `WWW-Authenticate` realm. */
  realm: 'Users',
} as const;

/** The validated, defaulted configuration a strategy runs on. */
export interface ResolvedOptions extends Audience {
  name: string;
  tokenInfoURL: string;
  profileURL: string;
  tokenSources: readonly TokenSource[];
  accessTokenField: string;
  refreshTokenField: string;
  tokenFromRequest: ((req: any) => string | undefined | null) | undefined;
  passReqToCallback: boolean;
  timeout: number;
  retries: number;
  realm: string;
  /** `false` when the cache is off. */
  cache: ResolvedCacheOptions | false;
}

/** Largest timer Node accepts (setTimeout clamps anything above to 1 ms). */
const MAX_TIMEOUT = 2_147_483_647;
const MAX_RETRIES = 10;
const MAX_CACHE_ENTRIES = 10_000_000;

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function idList(value: unknown, option: string, required: boolean): string[] {
  if (value === undefined && !required) return [];
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0 || !list.every(isNonEmptyString)) {
    throw new TypeError(`"${option}" must be a non-empty string or array of strings`);
  }
  return [...new Set(list)];
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function endpointURL(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  const message = `"${option}" must be an https: URL (http: only for a loopback host), without credentials`;
  if (typeof value !== 'string' || !URL.canParse(value)) throw new TypeError(message);
  const url = new URL(value);
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  if (!secure || url.username !== '' || url.password !== '') throw new TypeError(message);
  return url.href;
}

function integer(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`"${option}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

function stringOption(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!isNonEmptyString(value)) throw new TypeError(`"${option}" must be a non-empty string`);
  return value;
}

function tokenSources(value: unknown): readonly TokenSource[] {
  if (value === undefined) return DEFAULTS.tokenSources;
  const valid = Array.isArray(value) && value.length > 0 &&
    value.every((source) => TOKEN_SOURCES.includes(source as TokenSource)) && new Set(value).size === value.length;
  if (!valid) throw new TypeError(`"tokenSources" must be a non-empty array of distinct values from: ${TOKEN_SOURCES.join(', ')}`);
  return [...(value as TokenSource[])];
}

function cacheOption(value: unknown): ResolvedCacheOptions | false {
  if (value === false) return false;
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new TypeError('"cache" must be false or an object');
  }
  const c = (value ?? {}) as Record<string, unknown>;
  const store = c.store;
  if (store !== undefined) {
    const methods = ['get', 'set', 'delete'] as const;
    const ok = typeof store === 'object' && store !== null &&
      methods.every((method) => typeof (store as Record<string, unknown>)[method] === 'function');
    if (!ok) throw new TypeError('"cache.store" must have get(key), set(key, value, ttl) and delete(key) methods');
  }
  if (c.prefix !== undefined && typeof c.prefix !== 'string') throw new TypeError('"cache.prefix" must be a string');
  return {
    ttl: integer(c.ttl, 'cache.ttl', CACHE_DEFAULTS.ttl, 1, MAX_TIMEOUT),
    max: integer(c.max, 'cache.max', CACHE_DEFAULTS.max, 1, MAX_CACHE_ENTRIES),
    negativeTtl: integer(c.negativeTtl, 'cache.negativeTtl', CACHE_DEFAULTS.negativeTtl, 0, MAX_TIMEOUT),
    store: store as CacheStore | undefined,
    storeTimeout: integer(c.storeTimeout, 'cache.storeTimeout', CACHE_DEFAULTS.storeTimeout, 1, MAX_TIMEOUT),
    prefix: c.prefix ?? CACHE_DEFAULTS.prefix,
  };
}

/** Validates every option and applies the defaults; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('"options" must be an object');
  const o = options as Record<string, unknown>;
  const region = o.region ?? DEFAULTS.region;
  if (typeof region !== 'string' || !Object.hasOwn(REGIONS, region)) {
    throw new TypeError(`"region" must be one of: ${Object.keys(REGIONS).join(', ')}`);
  }
  const urls = REGIONS[region as Region];
  if (o.tokenFromRequest !== undefined && typeof o.tokenFromRequest !== 'function') {
    throw new TypeError('"tokenFromRequest" must be a function');
  }
  if (o.passReqToCallback !== undefined && typeof o.passReqToCallback !== 'boolean') {
    throw new TypeError('"passReqToCallback" must be a boolean');
  }
  return {
    name: stringOption(o.name, 'name', DEFAULTS.name),
    clientIDs: idList(o.clientID, 'clientID', true),
    appIDs: idList(o.appID, 'appID', false),
    tokenInfoURL: endpointURL(o.tokenInfoURL, 'tokenInfoURL', urls.tokenInfoURL),
    profileURL: endpointURL(o.profileURL, 'profileURL', urls.profileURL),
    tokenSources: tokenSources(o.tokenSources),
    accessTokenField: stringOption(o.accessTokenField, 'accessTokenField', DEFAULTS.accessTokenField),
    refreshTokenField: stringOption(o.refreshTokenField, 'refreshTokenField', DEFAULTS.refreshTokenField),
    tokenFromRequest: o.tokenFromRequest as ResolvedOptions['tokenFromRequest'],
    passReqToCallback: o.passReqToCallback === true,
    timeout: integer(o.timeout, 'timeout', DEFAULTS.timeout, 1, MAX_TIMEOUT),
    retries: integer(o.retries, 'retries', DEFAULTS.retries, 0, MAX_RETRIES),
    realm: stringOption(o.realm, 'realm', DEFAULTS.realm),
    cache: cacheOption(o.cache),
  };
}
