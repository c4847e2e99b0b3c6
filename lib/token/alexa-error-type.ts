import { LoginWithAmazonError, type LoginWithAmazonErrorCode } from '../core/errors.js';

/** The `Alexa.ErrorResponse` types a token check can lead to. */
export type AlexaErrorType = 'INVALID_AUTHORIZATION_CREDENTIAL' | 'INTERNAL_ERROR';

/**
 * Amazon's smart home and music skill pages ask for `INVALID_AUTHORIZATION_CREDENTIAL` (or
 * `EXPIRED_AUTHORIZATION_CREDENTIAL`) only when the token itself is bad, and never for another
 * reason: Alexa then drops the user's link. Tokeninfo answers an expired token as it answers a
 * revoked one (`invalid_token`), so the expiry cannot be told apart and `EXPIRED_…` is not used.
 */
const TYPES: Partial<Record<LoginWithAmazonErrorCode, AlexaErrorType>> = {
  LWA_NO_TOKEN: 'INVALID_AUTHORIZATION_CREDENTIAL',
  LWA_INVALID_REQUEST: 'INVALID_AUTHORIZATION_CREDENTIAL',
  LWA_INVALID_TOKEN: 'INVALID_AUTHORIZATION_CREDENTIAL',
  LWA_AUDIENCE_MISMATCH: 'INVALID_AUTHORIZATION_CREDENTIAL',
  LWA_USER_MISMATCH: 'INVALID_AUTHORIZATION_CREDENTIAL',
};

/**
 * The `payload.type` of the `Alexa.ErrorResponse` a smart home (or music) skill answers when
 * `introspect()` rejects: `INVALID_AUTHORIZATION_CREDENTIAL` for a missing, malformed, rejected or
 * foreign-audience token; `INTERNAL_ERROR` for anything else (Amazon failing, a timeout, a token
 * without the scope the strategy needs, a non-`LoginWithAmazonError`), so that an outage never
 * unlinks a user. The table is in docs/alexa.md.
 *
 * @example
 * catch (err) { return errorResponse(directive, alexaErrorType(err)); }
 */
export function alexaErrorType(error: unknown): AlexaErrorType {
  if (!(error instanceof LoginWithAmazonError)) return 'INTERNAL_ERROR';
  return TYPES[error.code] ?? 'INTERNAL_ERROR';
}
