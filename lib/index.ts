export { LoginWithAmazonStrategy, LoginWithAmazonStrategy as default } from './strategy.js';
export type { VerifyDone, VerifyFunction, VerifyFunctionWithRequest, TokenValidator } from './strategy.js';
export type {
  LoginWithAmazonBaseOptions,
  LoginWithAmazonStrategyOptions,
  LoginWithAmazonStrategyOptionsWithRequest,
  TokenSource,
} from './options.js';
export { REGIONS, MAX_RESPONSE_BYTES } from './amazon-client.js';
export type { Region, RegionEndpoints, Validation } from './amazon-client.js';
export { MAX_TOKEN_BYTES } from './extract-token.js';
export { LoginWithAmazonError } from './errors.js';
export type { Endpoint, LoginWithAmazonErrorCode, LoginWithAmazonErrorDetails } from './errors.js';
export type { AmazonProfile, AmazonProfileJson } from './profile.js';
export type { TokenInfo } from './tokeninfo.js';
export type { BearerErrorCode } from './challenge.js';
export { CACHE_DEFAULTS } from './cache.js';
export type { CacheOptions, CacheStore } from './cache.js';
