import type { ClientOptions } from '../amazon/client.js';
import { REGIONS, type Region } from '../amazon/endpoints.js';
import { DEFAULT_MAX_WAITING, maxWaitingOption, type MaxWaitingOption, type ResolvedMaxWaiting } from '../core/admission-option.js';
import { agentOption, type AgentOptions } from '../core/agent-option.js';
import { resolveCacheOptions, type CacheOptions, type ResolvedCacheOptions } from './cache-options.js';
import { TOKEN_SOURCES, type ExtractOptions, type TokenSource } from './extract-token.js';
import {
  assertKnownKeys,
  booleanOption,
  endpointURL,
  integer,
  isNonEmptyString,
  MAX_TIMEOUT,
  optionsObject,
  stringOption,
} from '../core/option-checks.js';

/** Options shared by every constructor overload of `LoginWithAmazonStrategy`. */
export interface LoginWithAmazonBaseOptions extends MaxWaitingOption {
  /** Accepted audiences (tokeninfo `aud`): web, iOS and Android apps have different client ids. Required. */
  clientID: string | readonly string[];
  /** Also accept a token whose tokeninfo `app_id` is one of these (same app, other platform). Default: none. */
  appID?: string | readonly string[] | undefined;
  /** Amazon region whose endpoints are used. Default `'NA'`. */
  region?: Region | undefined;
  /** Full tokeninfo URL; `https:` unless the host is loopback. Default: from `region`. */
  tokenInfoURL?: string | undefined;
  /** Full profile URL; `https:` unless the host is loopback. Default: from `region`. */
  profileURL?: string | undefined;
  /**
   * Where a token may come from. Default `['header', 'amz-header', 'body']`: a token in the query
   * (RFC 6750 §2.3: SHOULD NOT) lands in access logs, so `'query'` is opt-in. Ignored with `tokenFromRequest`.
   */
  tokenSources?: readonly TokenSource[] | undefined;
  /** Body and query field holding the access token. Default `'access_token'`. */
  accessTokenField?: string | undefined;
  /** Body and query field holding the refresh token passed to verify (read only from enabled sources). Default `'refresh_token'`. */
  refreshTokenField?: string | undefined;
  /** Custom extractor; replaces `tokenSources` (verify then gets no refresh token). Return `undefined` when the request has no token. */
  tokenFromRequest?: ((req: any) => string | undefined | null) | undefined;
  /** Milliseconds allowed for each upstream request. Default `5000`. */
  timeout?: number | undefined;
  /** Retries on network errors, timeouts and 5xx (never on 4xx). Default `1`. */
  retries?: number | undefined;
  /** Realm of the `WWW-Authenticate` challenge (printable ASCII). Default `'Users'`. */
  realm?: string | undefined;
  /** Strategy name for `passport.authenticate(name)`. Default `'amazon-token'`. */
  name?: string | undefined;
  /**
   * The token cache: `false` turns it off, `true` or an object turns it on (the default: `ttl` 60 s,
   * `max` 10,000). A revoked token stays accepted until its entry expires (at most `ttl`).
   */
  cache?: boolean | CacheOptions | undefined;
  /**
   * `false`: ask tokeninfo alone, not the profile endpoint (half the upstream calls). verify then
   * gets `{ provider, id, displayName: '', _raw, _json }` with tokeninfo's body, no name or email;
   * the audience, issuer and expiry checks are unchanged. Default `true`.
   */
  profile?: boolean | undefined;
  /**
   * Node agents for the calls to Amazon, such as `hpagent`'s proxy agents: `https` for `https:`
   * endpoints (Amazon's), `http` for loopback `http:` ones. Default: keep-alive agents bounded to
   * `MAX_SOCKETS` sockets per host and `MAX_FREE_SOCKETS` idle ones.
   */
  agent?: AgentOptions | undefined;
}

/** Options when verify does not receive the request. */
export interface LoginWithAmazonStrategyOptions extends LoginWithAmazonBaseOptions {
  /** When true, verify gets `req` as its first argument. Default `false`. */
  passReqToCallback?: false | undefined;
}

/** Options when verify receives the request first. */
export interface LoginWithAmazonStrategyOptionsWithRequest extends LoginWithAmazonBaseOptions {
  passReqToCallback: true;
}

/**
 * Options whose `passReqToCallback` is only known at run time as a `boolean`. An intersection, not
 * an interface: TypeScript 7 reports a failed constructor call against the last overload, this
 * one, and lists an intersection's missing properties in the base's order, so a missing
 * `clientID` is named before `passReqToCallback`.
 */
export type LoginWithAmazonStrategyOptionsWithBoolean = LoginWithAmazonBaseOptions & { passReqToCallback: boolean };

/** The defaults, one documented place. */
export const DEFAULTS = {
  /** Strategy name. */
  name: 'amazon-token',
  /** Amazon region. */
  region: 'NA' as Region,
  /** Token sources: not the query (opt-in, RFC 6750 §2.3). */
  tokenSources: ['header', 'amz-header', 'body'] as readonly TokenSource[],
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
  /** Most requests waiting for Amazon at once (20 × `MAX_SOCKETS`). */
  maxWaitingForAmazon: DEFAULT_MAX_WAITING,
} as const;

/** The validated, defaulted configuration a strategy runs on. */
export interface ResolvedOptions extends ClientOptions, ExtractOptions, ResolvedMaxWaiting {
  name: string;
  passReqToCallback: boolean;
  realm: string;
  /** `false` when the cache is off. */
  cache: ResolvedCacheOptions | false;
  profile: boolean;
}

const OPTION_KEYS = [
  'clientID', 'appID', 'region', 'tokenInfoURL', 'profileURL', 'tokenSources', 'accessTokenField',
  'refreshTokenField', 'tokenFromRequest', 'passReqToCallback', 'timeout', 'retries', 'realm', 'name', 'cache',
  'profile', 'agent',
  'maxWaitingForAmazon',
] as const;
const MAX_RETRIES = 10;

/** A client or app id: one id, or a list; whitespace or a comma means a list was pasted into one string. */
function idList(value: unknown, option: string, required: boolean): string[] {
  if (value === undefined && !required) return [];
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0 || !list.every(isNonEmptyString)) {
    throw new TypeError(`"${option}" must be a non-empty string or array of strings`);
  }
  if (list.some((id) => /[\s,]/.test(id))) {
    throw new TypeError(`"${option}" must not contain whitespace or commas: pass several ids as an array`);
  }
  return [...new Set(list)];
}

function tokenSources(value: unknown): readonly TokenSource[] {
  if (value === undefined) return DEFAULTS.tokenSources;
  const valid = Array.isArray(value) && value.length > 0 &&
    value.every((source) => TOKEN_SOURCES.includes(source as TokenSource)) && new Set(value).size === value.length;
  if (!valid) throw new TypeError(`"tokenSources" must be a non-empty array of distinct values from: ${TOKEN_SOURCES.join(', ')}`);
  return [...(value as TokenSource[])];
}

function realmOption(value: unknown): string {
  const realm = stringOption(value, 'realm', DEFAULTS.realm);
  if (!/^[\x20-\x7e]+$/.test(realm)) throw new TypeError('"realm" must contain printable ASCII characters only');
  return realm;
}

function fieldNames(o: Record<string, unknown>): Pick<ResolvedOptions, 'accessTokenField' | 'refreshTokenField'> {
  const accessTokenField = stringOption(o.accessTokenField, 'accessTokenField', DEFAULTS.accessTokenField);
  const refreshTokenField = stringOption(o.refreshTokenField, 'refreshTokenField', DEFAULTS.refreshTokenField);
  if (accessTokenField === refreshTokenField) throw new TypeError('"refreshTokenField" must differ from "accessTokenField"');
  return { accessTokenField, refreshTokenField };
}


/** Validates every option and applies the defaults; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: unknown): ResolvedOptions {
  const o = optionsObject(options, 'options');
  assertKnownKeys(o, OPTION_KEYS);
  const region = o.region ?? DEFAULTS.region;
  if (typeof region !== 'string' || !Object.hasOwn(REGIONS, region)) {
    throw new TypeError(`"region" must be one of: ${Object.keys(REGIONS).join(', ')}`);
  }
  const urls = REGIONS[region as Region];
  if (o.tokenFromRequest !== undefined && typeof o.tokenFromRequest !== 'function') {
    throw new TypeError('"tokenFromRequest" must be a function');
  }
  return {
    ...maxWaitingOption(o.maxWaitingForAmazon),
    name: stringOption(o.name, 'name', DEFAULTS.name),
    clientIDs: idList(o.clientID, 'clientID', true),
    appIDs: idList(o.appID, 'appID', false),
    tokenInfoURL: endpointURL(o.tokenInfoURL, 'tokenInfoURL', urls.tokenInfoURL),
    profileURL: endpointURL(o.profileURL, 'profileURL', urls.profileURL),
    tokenSources: tokenSources(o.tokenSources),
    ...fieldNames(o),
    tokenFromRequest: o.tokenFromRequest as ResolvedOptions['tokenFromRequest'],
    passReqToCallback: booleanOption(o.passReqToCallback, 'passReqToCallback', false),
    timeout: integer(o.timeout, 'timeout', DEFAULTS.timeout, 1, MAX_TIMEOUT),
    retries: integer(o.retries, 'retries', DEFAULTS.retries, 0, MAX_RETRIES),
    realm: realmOption(o.realm),
    cache: resolveCacheOptions(o.cache),
    profile: booleanOption(o.profile, 'profile', true),
    ...agentOption(o.agent),
  };
}
