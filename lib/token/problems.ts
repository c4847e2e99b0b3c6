import type { ExtractProblem } from './extract-token.js';
import { ENVELOPE_PROBLEMS } from './alexa-envelope.js';

/**
 * Why a request's token is malformed, in words: the `error_description` of the strategy's 400
 * challenge and the message of `introspect()`'s `LWA_INVALID_REQUEST`. Fixed strings: they never
 * echo the value.
 */
export const PROBLEM_DESCRIPTIONS: Readonly<Record<ExtractProblem, string>> = {
  malformed_authorization: 'malformed Authorization header',
  multiple_tokens: 'token sent in more than one place',
  not_a_string: 'token is not a string',
  too_long: 'token is longer than 2048 bytes',
  bad_characters: 'token has characters outside the bearer token syntax',
  malformed_refresh_token: 'malformed refresh token',
  ...ENVELOPE_PROBLEMS,
};
