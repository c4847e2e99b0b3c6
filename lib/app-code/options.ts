import { allowedOriginsOption } from './origin.js';
import { ENDPOINT_PATHS, REGIONS, type Region } from '../amazon/endpoints.js';
import { DEFAULT_MAX_WAITING, maxWaitingOption, type MaxWaitingOption, type ResolvedMaxWaiting } from '../core/admission-option.js';
import { agentOption, type AgentOptions } from '../core/agent-option.js';
import {
  assertKnownKeys, booleanOption, endpointURL, idOption, integer, isLoopback, isNonEmptyString, MAX_TIMEOUT, optionsObject, stringOption,
} from '../core/option-checks.js';

/** Options of `LoginWithAmazonCodeExchangeStrategy`. */
export interface LoginWithAmazonCodeExchangeBaseOptions extends MaxWaitingOption {
  /** The security profile's client id (`amzn1.application-oa2-client.…`), the one the app's SDK uses. Required. */
  clientID: string;
  /** The security profile's client secret. Optional: with it, Amazon grants a refresh token; never logged, never in a URL. */
  clientSecret?: string | undefined;
  /**
   * The apps' redirect URIs, exactly as their SDKs report them (`amzn://com.example.shop` on
   * Android, `amzn-<bundle id>://` on iOS). A request's `redirect_uri` must be one of them. Required.
   */
  redirectURIs: readonly string[];
  /** Amazon region of the token and profile endpoints. Default `'NA'`. */
  region?: Region | undefined;
  /** Full token endpoint URL. Default: from `region`. */
  tokenURL?: string | undefined;
  /** Full profile URL. Default: from `region`. */
  profileURL?: string | undefined;
  /** Milliseconds allowed for each upstream request. Default `5000`. */
  timeout?: number | undefined;
  /** Retries of the profile call on network errors and 5xx (the token request is never retried). Default `1`. */
  retries?: number | undefined;
  /** Strategy name for `passport.authenticate(name)`. Default `'amazon-code'`. */
  name?: string | undefined;
  /** Node agents for the calls to Amazon (see `LoginWithAmazonStrategy`). */
  agent?: AgentOptions | undefined;
  /**
   * Web front ends on other origins whose browsers may post codes here, as exact origins
   * (`https://app.example`: scheme, host, port). Default `[]`: a browser's cross-site request
   * (`Sec-Fetch-Site` other than `same-origin`/`none`, or an `Origin` not the request's own) is
   * refused with 403 before any call to Amazon; native apps send neither header and pass.
   */
  allowedOrigins?: readonly string[] | undefined;
}

export interface LoginWithAmazonCodeExchangeOptions extends LoginWithAmazonCodeExchangeBaseOptions {
  /** When true, verify gets `req` as its first argument. Default `false`. */
  passReqToCallback?: false | undefined;
}
export interface LoginWithAmazonCodeExchangeOptionsWithRequest extends LoginWithAmazonCodeExchangeBaseOptions {
  passReqToCallback: true;
}
/** Options whose `passReqToCallback` is only known at run time; an intersection for the compiler's messages (see `LoginWithAmazonStrategyOptionsWithBoolean`). */
export type LoginWithAmazonCodeExchangeOptionsWithBoolean = LoginWithAmazonCodeExchangeBaseOptions & { passReqToCallback: boolean };

/** The app-code strategy's defaults and limits, one documented place. */
export const CODE_EXCHANGE_DEFAULTS = {
  /** Strategy name. */
  name: 'amazon-code',
  /** Longest `code` accepted, in bytes; a longer one is refused before Amazon is asked. */
  maxCodeBytes: 2048,
  /** Amazon region of the token and profile endpoints. */
  region: 'NA' as Region,
  /** Milliseconds per upstream request. */
  timeout: 5000,
  /** Retries of the profile call (never of the token request). */
  retries: 1,
  /** Most code exchanges waiting for Amazon at once (20 × `MAX_SOCKETS`). */
  maxWaitingForAmazon: DEFAULT_MAX_WAITING,
} as const;

/** The validated, defaulted configuration of the app-code strategy. */
export interface ResolvedCodeExchangeOptions extends ResolvedMaxWaiting {
  name: string;
  clientID: string;
  clientSecret: string | undefined;
  redirectURIs: readonly string[];
  tokenURL: string;
  profileURL: string;
  /** Unused (no tokeninfo call: the exchange tells whose token it is); the client's shape needs one. */
  tokenInfoURL: string;
  timeout: number;
  retries: number;
  passReqToCallback: boolean;
  /** Origins admitted across sites (`allowedOrigins`); empty by default. */
  allowedOrigins: ReadonlySet<string>;
  agent?: AgentOptions;
}

const OPTION_KEYS = [
  'clientID', 'clientSecret', 'redirectURIs', 'region', 'tokenURL', 'profileURL', 'timeout', 'retries', 'name', 'agent', 'passReqToCallback', 'allowedOrigins',
  'maxWaitingForAmazon',
] as const;

/** Schemes a redirect URI may never have: they run or read something where they land. */
const UNSAFE_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'blob:', 'vbscript:', 'about:']);

/**
 * One redirect URI: absolute, no fragment, no whitespace or control characters; an app scheme
 * (`amzn://…`, `amzn-<bundle id>://…`) as it is, `http:` only for a loopback host.
 */
function redirectURI(value: unknown): string {
  const message = '"redirectURIs" must be a non-empty array of distinct absolute URIs without fragments (app schemes such as amzn://, https:, or http: for a loopback host)';
  // The pattern needs one character at least: an empty string fails it.
  if (typeof value !== 'string' || Buffer.byteLength(value) > 2048 || !/^[\x21-\x7e]+$/.test(value) || !URL.canParse(value)) {
    throw new TypeError(message);
  }
  const url = new URL(value);
  const webInsecure = url.protocol === 'http:' && !isLoopback(url.hostname);
  if (UNSAFE_SCHEMES.has(url.protocol) || webInsecure || value.includes('#') || url.username !== '' || url.password !== '') throw new TypeError(message);
  return value;
}

function redirectURIs(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || new Set(value).size !== value.length) {
    throw new TypeError('"redirectURIs" must be a non-empty array of distinct absolute URIs without fragments (app schemes such as amzn://, https:, or http: for a loopback host)');
  }
  return Object.freeze(value.map(redirectURI));
}

/** Validates every option and applies the defaults; throws a `TypeError` naming the bad option, never quoting a value. */
export function resolveCodeExchangeOptions(options: unknown): ResolvedCodeExchangeOptions {
  const o = optionsObject(options, 'options');
  assertKnownKeys(o, OPTION_KEYS);
  const region = o.region ?? CODE_EXCHANGE_DEFAULTS.region;
  if (typeof region !== 'string' || !Object.hasOwn(REGIONS, region)) {
    throw new TypeError(`"region" must be one of: ${Object.keys(REGIONS).join(', ')}`);
  }
  const api = REGIONS[region as Region];
  if (o.clientSecret !== undefined && !isNonEmptyString(o.clientSecret)) throw new TypeError('"clientSecret" must be a non-empty string when given');
  return {
    ...maxWaitingOption(o.maxWaitingForAmazon),
    name: stringOption(o.name, 'name', CODE_EXCHANGE_DEFAULTS.name),
    clientID: idOption(o.clientID, 'clientID'),
    clientSecret: o.clientSecret,
    redirectURIs: redirectURIs(o.redirectURIs),
    tokenURL: endpointURL(o.tokenURL, 'tokenURL', `${new URL(api.profileURL).origin}${ENDPOINT_PATHS.token}`),
    profileURL: endpointURL(o.profileURL, 'profileURL', api.profileURL),
    tokenInfoURL: api.tokenInfoURL,
    timeout: integer(o.timeout, 'timeout', CODE_EXCHANGE_DEFAULTS.timeout, 1, MAX_TIMEOUT),
    retries: integer(o.retries, 'retries', CODE_EXCHANGE_DEFAULTS.retries, 0, 10),
    passReqToCallback: booleanOption(o.passReqToCallback, 'passReqToCallback', false),
    allowedOrigins: allowedOriginsOption(o.allowedOrigins),
    ...agentOption(o.agent),
  };
}
