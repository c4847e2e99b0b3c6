import { REGIONS, type Region } from '../amazon/endpoints.js';
import { DEFAULT_MAX_WAITING, maxWaitingOption, type MaxWaitingOption, type ResolvedMaxWaiting } from '../core/admission-option.js';
import { agentOption, type AgentOptions } from '../core/agent-option.js';
import { AUTHORIZATION_PATH, ENDPOINT_PATHS } from '../amazon/endpoints.js';
import {
  assertKnownKeys, booleanOption, endpointURL, idOption, integer, isNonEmptyString, MAX_TIMEOUT, optionsObject, stringOption,
} from '../core/option-checks.js';
import { sessionStore, type StateStore } from './state-store.js';

/** Authorization page hosts by region (the browser goes there; the API hosts are in `REGIONS`). */
export const AUTHORIZATION_HOSTS: Readonly<Record<Region, string>> = Object.freeze({
  NA: 'https://www.amazon.com',
  EU: 'https://eu.account.amazon.com',
  FE: 'https://apac.account.amazon.com',
});

/** Scopes Amazon's Login with Amazon grants. */
export const SCOPES = ['profile', 'profile:user_id', 'postal_code'] as const;
export type Scope = (typeof SCOPES)[number];

/** Options of `LoginWithAmazonOAuth2Strategy`. */
export interface LoginWithAmazonOAuth2BaseOptions extends MaxWaitingOption {
  /** The security profile's client id (`amzn1.application-oa2-client.…`). Required. */
  clientID: string;
  /** The security profile's client secret. Required; never logged, never in a URL. */
  clientSecret: string;
  /** Absolute URL of your callback route, registered with Amazon; `https:` unless loopback. Required. */
  callbackURL: string;
  /** Scopes asked for. Default `['profile']`. */
  scope?: readonly Scope[] | undefined;
  /** Amazon region of the authorization page and the API hosts. Default `'NA'`. */
  region?: Region | undefined;
  /** Full authorization page URL. Default: from `region`. */
  authorizationURL?: string | undefined;
  /** Full token endpoint URL. Default: from `region`. */
  tokenURL?: string | undefined;
  /** Full profile URL. Default: from `region`. */
  profileURL?: string | undefined;
  /** How the client authenticates to the token endpoint: in the POST body, or HTTP Basic. Default `'body'`. */
  clientAuthentication?: 'body' | 'basic' | undefined;
  /**
   * Where pending authorization requests wait. Default: `req.session` under `SESSION_KEY`.
   * `cookieStateStore({ secret })` needs no session; records of any other store are bound to the
   * browser by the strategy (a nonce cookie per sign-in, see `StateStore`).
   */
  store?: StateStore | undefined;
  /** Milliseconds a pending authorization request stays valid. Default `600000` (10 minutes). */
  stateTTL?: number | undefined;
  /**
   * Most pending sign-ins kept per browser in the strategy's own cookies (the binding cookies of
   * an app's `store`, `cookieStateStore`'s sealed ones); starting one more clears the oldest, so
   * the Cookie header stays small. 1 to 50. Default `5`.
   */
  maxPendingPerBrowser?: number | undefined;
  /** Milliseconds allowed for each upstream request, and for each call of the state store. Default `5000`. */
  timeout?: number | undefined;
  /** Retries of the profile call on network errors and 5xx (the token request is never retried). Default `1`. */
  retries?: number | undefined;
  /** Strategy name for `passport.authenticate(name)`. Default `'amazon'`. */
  name?: string | undefined;
  /** Node agents for the calls to Amazon (see `LoginWithAmazonStrategy`). */
  agent?: AgentOptions | undefined;
}

export interface LoginWithAmazonOAuth2Options extends LoginWithAmazonOAuth2BaseOptions {
  /** When true, verify gets `req` as its first argument. Default `false`. */
  passReqToCallback?: false | undefined;
}
export interface LoginWithAmazonOAuth2OptionsWithRequest extends LoginWithAmazonOAuth2BaseOptions {
  passReqToCallback: true;
}
/** An intersection, not an interface, for the compiler's messages (see `LoginWithAmazonStrategyOptionsWithBoolean`). */
export type LoginWithAmazonOAuth2OptionsWithBoolean = LoginWithAmazonOAuth2BaseOptions & { passReqToCallback: boolean };

/** The code grant's defaults, one documented place. */
export const OAUTH2_DEFAULTS = {
  /** Strategy name (as passport-amazon's). */
  name: 'amazon',
  /** Scopes asked for. */
  scope: ['profile'] as readonly Scope[],
  /** Milliseconds a pending authorization request stays valid. */
  stateTTL: 10 * 60 * 1000,
  /** Pending sign-ins kept per browser in the strategy's own cookies (the oldest are cleared). */
  maxPendingPerBrowser: 5,
  /** Client authentication at the token endpoint. */
  clientAuthentication: 'body' as 'body' | 'basic',
  /** Amazon region of the authorization page and the API. */
  region: 'NA' as Region,
  /** Milliseconds per upstream request and per call of the state store. */
  timeout: 5000,
  /** Retries of the profile call (never of the token request). */
  retries: 1,
  /** Most callbacks waiting for Amazon at once (20 × `MAX_SOCKETS`). */
  maxWaitingForAmazon: DEFAULT_MAX_WAITING,
} as const;

/** The validated, defaulted configuration of the code grant strategy. */
export interface ResolvedOAuth2Options extends ResolvedMaxWaiting {
  name: string;
  clientID: string;
  clientSecret: string;
  callbackURL: string;
  scope: readonly Scope[];
  authorizationURL: string;
  tokenURL: string;
  profileURL: string;
  /** Unused by the code grant (no tokeninfo call); the client's shape needs one. */
  tokenInfoURL: string;
  clientAuthentication: 'body' | 'basic';
  store: StateStore;
  usesSession: boolean;
  stateTTL: number;
  maxPendingPerBrowser: number;
  timeout: number;
  retries: number;
  passReqToCallback: boolean;
  agent?: AgentOptions;
}

const OPTION_KEYS = [
  'clientID', 'clientSecret', 'callbackURL', 'scope', 'region', 'authorizationURL', 'tokenURL', 'profileURL',
  'clientAuthentication', 'store', 'stateTTL', 'maxPendingPerBrowser', 'timeout', 'retries', 'name', 'agent', 'passReqToCallback',
  'maxWaitingForAmazon',
] as const;

/** The answer to `state: true` (a passport-amazon / passport-oauth2 habit) or `state: false`. */
export const STATE_OPTION_MESSAGE = '"state" is not an option: LoginWithAmazonOAuth2Strategy always uses state, with PKCE, ' +
  'and it cannot be turned off; remove "state" (to keep pending sign-ins elsewhere than in the session, pass "store")';

/** A list of known scopes, distinct and non-empty. */
export function scopeOption(value: unknown, option: string): readonly Scope[] {
  const valid = Array.isArray(value) && value.length > 0 && new Set(value).size === value.length &&
    value.every((s) => SCOPES.includes(s as Scope));
  if (!valid) throw new TypeError(`"${option}" must be a non-empty array of distinct values from: ${SCOPES.join(', ')}`);
  return [...(value as Scope[])];
}

function callbackURL(value: unknown): string {
  const url = endpointURL(value ?? '', 'callbackURL', '');
  if (new URL(url).hash !== '') throw new TypeError('"callbackURL" must not have a fragment');
  return url;
}

function storeOption(value: unknown): StateStore | undefined {
  if (value === undefined) return undefined;
  const store = value as Partial<StateStore> | null;
  if (typeof store !== 'object' || store === null || typeof store.save !== 'function' || typeof store.take !== 'function') {
    throw new TypeError('"store" must be an object with save() and take() methods');
  }
  return store as StateStore;
}

/** Validates every option and applies the defaults; throws a `TypeError` naming the bad option, never quoting a value. */
export function resolveOAuth2Options(options: unknown): ResolvedOAuth2Options {
  const o = optionsObject(options, 'options');
  if (Object.hasOwn(o, 'state')) throw new TypeError(STATE_OPTION_MESSAGE);
  assertKnownKeys(o, OPTION_KEYS);
  const region = o.region ?? OAUTH2_DEFAULTS.region;
  if (typeof region !== 'string' || !Object.hasOwn(REGIONS, region)) {
    throw new TypeError(`"region" must be one of: ${Object.keys(REGIONS).join(', ')}`);
  }
  const api = REGIONS[region as Region];
  const apiHost = new URL(api.profileURL).origin;
  if (!isNonEmptyString(o.clientSecret)) throw new TypeError('"clientSecret" must be a non-empty string');
  const auth = o.clientAuthentication ?? OAUTH2_DEFAULTS.clientAuthentication;
  if (auth !== 'body' && auth !== 'basic') throw new TypeError('"clientAuthentication" must be \'body\' or \'basic\'');
  const name = stringOption(o.name, 'name', OAUTH2_DEFAULTS.name);
  const store = storeOption(o.store);
  return {
    ...maxWaitingOption(o.maxWaitingForAmazon),
    name,
    clientID: idOption(o.clientID, 'clientID'),
    clientSecret: o.clientSecret,
    callbackURL: callbackURL(o.callbackURL),
    scope: o.scope === undefined ? OAUTH2_DEFAULTS.scope : scopeOption(o.scope, 'scope'),
    authorizationURL: endpointURL(o.authorizationURL, 'authorizationURL', `${AUTHORIZATION_HOSTS[region as Region]}${AUTHORIZATION_PATH}`),
    tokenURL: endpointURL(o.tokenURL, 'tokenURL', `${apiHost}${ENDPOINT_PATHS.token}`),
    profileURL: endpointURL(o.profileURL, 'profileURL', api.profileURL),
    tokenInfoURL: api.tokenInfoURL,
    clientAuthentication: auth,
    store: store ?? sessionStore(name),
    usesSession: store === undefined,
    stateTTL: integer(o.stateTTL, 'stateTTL', OAUTH2_DEFAULTS.stateTTL, 1000, 24 * 60 * 60 * 1000),
    maxPendingPerBrowser: integer(o.maxPendingPerBrowser, 'maxPendingPerBrowser', OAUTH2_DEFAULTS.maxPendingPerBrowser, 1, 50),
    timeout: integer(o.timeout, 'timeout', OAUTH2_DEFAULTS.timeout, 1, MAX_TIMEOUT),
    retries: integer(o.retries, 'retries', OAUTH2_DEFAULTS.retries, 0, 10),
    passReqToCallback: booleanOption(o.passReqToCallback, 'passReqToCallback', false),
    ...agentOption(o.agent),
  };
}
