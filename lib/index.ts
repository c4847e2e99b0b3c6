export { LoginWithAmazonStrategy, LoginWithAmazonStrategy as default } from './token/strategy.js';
export type { LoginWithAmazonAuthInfo } from './token/strategy.js';
export type { IntrospectionSource, IntrospectOptions, LoginWithAmazonIntrospection } from './token/introspect.js';
export { LoginWithAmazonOAuth2Strategy, CALLBACK_MESSAGES } from './website/strategy.js';
export type { LoginWithAmazonAuthenticateOptions, LoginWithAmazonOAuth2Info, LoginWithAmazonSignInGrant } from './website/strategy.js';
export { AUTHORIZATION_HOSTS, OAUTH2_DEFAULTS, SCOPES } from './website/options.js';
export type {
  LoginWithAmazonOAuth2BaseOptions,
  LoginWithAmazonOAuth2Options,
  LoginWithAmazonOAuth2OptionsWithBoolean,
  LoginWithAmazonOAuth2OptionsWithRequest,
  Scope,
} from './website/options.js';
export { LoginWithAmazonCodeExchangeStrategy } from './app-code/strategy.js';
export type { LoginWithAmazonCodeExchangeInfo } from './app-code/strategy.js';
export { CODE_EXCHANGE_DEFAULTS } from './app-code/options.js';
export type {
  LoginWithAmazonCodeExchangeBaseOptions,
  LoginWithAmazonCodeExchangeOptions,
  LoginWithAmazonCodeExchangeOptionsWithBoolean,
  LoginWithAmazonCodeExchangeOptionsWithRequest,
} from './app-code/options.js';
export { CODE_EXCHANGE_MESSAGES } from './app-code/request.js';
export { SESSION_KEY, MAX_PENDING_PER_SESSION } from './website/state-store.js';
export type { StateStore, StateStoreContext, StoredState } from './website/state-store.js';
export { cookieStateStore, MIN_COOKIE_SECRET_LENGTH, MAX_STATE_COOKIE_LENGTH } from './website/cookie-state-store.js';
export type { CookieStateStoreOptions } from './website/cookie-state-store.js';
export { fastifyReplyHook } from './website/cookies.js';
export type { LoginWithAmazonGrant, LoginWithAmazonTokenSet } from './amazon/token-response.js';
export { UNDEFINED_USER_MESSAGE } from './passport/verify.js';
export type { VerifyDone, VerifyFunction, VerifyFunctionWithRequest, VerifyInfo } from './passport/verify.js';
export type { TokenValidator, Validation } from './amazon/validation.js';
export type {
  LoginWithAmazonBaseOptions,
  LoginWithAmazonStrategyOptions,
  LoginWithAmazonStrategyOptionsWithBoolean,
  LoginWithAmazonStrategyOptionsWithRequest,
} from './token/options.js';
export { DEFAULTS } from './token/options.js';
export type { TokenSource } from './token/extract-token.js';
export { ALEXA_TOKEN_PATHS, alexaAccessToken } from './token/alexa-envelope.js';
export { alexaErrorType, type AlexaErrorType } from './token/alexa-error-type.js';
export { REGIONS } from './amazon/endpoints.js';
export { MAX_RESPONSE_BYTES, MAX_SOCKETS, MAX_FREE_SOCKETS } from './amazon/http.js';
export type { Region, RegionEndpoints } from './amazon/endpoints.js';
export type { AgentOptions } from './core/agent-option.js';
export { MAX_TOKEN_BYTES } from './token/extract-token.js';
export { LoginWithAmazonError } from './core/errors.js';
export type { Endpoint, LoginWithAmazonErrorCode, LoginWithAmazonErrorDetails } from './core/errors.js';
export type { AmazonProfile, AmazonProfileJson } from './amazon/profile.js';
export { AMAZON_ISSUER } from './amazon/tokeninfo.js';
export type { TokenInfo } from './amazon/tokeninfo.js';
export type { BearerErrorCode } from './core/challenge.js';
export { CACHE_DEFAULTS, MIN_SECRET_LENGTH } from './token/cache-options.js';
export type { CacheOptions, CacheStore } from './token/cache-options.js';
export { AUTHENTICATE_CHANNEL, UPSTREAM_CHANNEL, CACHE_CHANNEL } from './diagnostics/channels.js';
export type {
  AuthenticateContext,
  AuthenticateOutcome,
  CacheAnswer,
  CacheEvent,
  RefusalReason,
  StoreOperation,
  UpstreamContext,
} from './diagnostics/channels.js';
