/**
 * `passport-login-with-amazon/testing`: a fake Login with Amazon for your own test suites.
 * Not loaded by the main entry point.
 */
export { createFakeAmazon } from './create.js';
export { FAKE_APP_ID, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, MAX_LOGGED_REQUESTS } from './options.js';
export { CODE_TTL_SECONDS } from './code-grant.js';
export type { AppAuthorization, AppAuthorizeOptions } from './app-sdk.js';
export { APP_CODE_ROUTE, OTHER_AUDIENCE, TOKEN_KINDS, TOKEN_ROUTE, type TokenKind } from './token-route.js';
export type { ConsentMode } from './authorize.js';
export type { FakeAmazon, FakeAmazonCalls, FakeAmazonOptions, FakeRequest } from './options.js';
export type { FaultOptions } from './faults.js';
export type { FakeEndpoint, TokenPlace } from './responses.js';
export type { FakeProfile, IssueTokenOptions } from './tokens.js';
export { alexaSkillRequest, musicSkillRequest, smartHomeDirective, type AlexaEnvelopeOptions } from './alexa-envelopes.js';
