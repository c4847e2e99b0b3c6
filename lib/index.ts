export { LoginWithAmazonStrategy, LoginWithAmazonStrategy as default } from './strategy.js';
export type { LoginWithAmazonAuthInfo } from './strategy.js';
export { LoginWithAmazonOAuth2Strategy, CALLBACK_MESSAGES } from './oauth2-strategy.js';
export type { LoginWithAmazonAuthenticateOptions, LoginWithAmazonOAuth2Info } from './oauth2-strategy.js';
export { AUTHORIZATION_HOSTS, OAUTH2_DEFAULTS, SCOPES } from './oauth2-options.js';
export type {
  LoginWithAmazonOAuth2BaseOptions,
  LoginWithAmazonOAuth2Options,
  LoginWithAmazonOAuth2OptionsWithBoolean,
  LoginWithAmazonOAuth2OptionsWithRequest,
  Scope,
} from './oauth2-options.js';
export { SESSION_KEY, MAX_PENDING_PER_SESSION } from './state-store.js';
export type { StateStore, StoredState } from './state-store.js';
export type { LoginWithAmazonGrant, LoginWithAmazonTokenSet } from './token-response.js';
export { UNDEFINED_USER_MESSAGE } from './verify.js';
export type { VerifyDone, VerifyFunction, VerifyFunctionWithRequest, VerifyInfo } from './verify.js';
export type { TokenValidator, Validation } from './validation.js';
export type {
  LoginWithAmazonBaseOptions,
  LoginWithAmazonStrategyOptions,
  LoginWithAmazonStrategyOptionsWithBoolean,
  LoginWithAmazonStrategyOptionsWithRequest,
} from './options.js';
export { DEFAULTS } from './options.js';
export type { TokenSource } from './extract-token.js';
export { REGIONS, MAX_RESPONSE_BYTES, MAX_SOCKETS, MAX_FREE_SOCKETS } from './amazon-client.js';
export type { AgentOptions, Region, RegionEndpoints } from './amazon-client.js';
export { MAX_TOKEN_BYTES } from './extract-token.js';
export { LoginWithAmazonError } from './errors.js';
export type { Endpoint, LoginWithAmazonErrorCode, LoginWithAmazonErrorDetails } from './errors.js';
export type { AmazonProfile, AmazonProfileJson } from './profile.js';
export { AMAZON_ISSUER } from './tokeninfo.js';
export type { TokenInfo } from './tokeninfo.js';
export type { BearerErrorCode } from './challenge.js';
export { CACHE_DEFAULTS, MIN_SECRET_LENGTH } from './cache-options.js';
export type { CacheOptions, CacheStore } from './cache-options.js';
export { AUTHENTICATE_CHANNEL, UPSTREAM_CHANNEL, CACHE_CHANNEL } from './diagnostics.js';
export type {
  AuthenticateContext,
  AuthenticateOutcome,
  CacheAnswer,
  CacheEvent,
  RefusalReason,
  StoreOperation,
  UpstreamContext,
} from './diagnostics.js';
