import { isNativeError } from 'node:util/types';

/** Which Amazon endpoint an error came from. */
export type Endpoint = 'tokeninfo' | 'profile' | 'token';

/**
 * Every code a {@link LoginWithAmazonError} can carry.
 *
 * Codes that end in `fail()` (the client's token is bad): `LWA_INVALID_TOKEN`,
 * `LWA_AUDIENCE_MISMATCH`, `LWA_USER_MISMATCH`, `LWA_INSUFFICIENT_SCOPE`.
 * Codes that end in `error()` (Amazon could not answer): `LWA_TIMEOUT`, `LWA_NETWORK`,
 * `LWA_UPSTREAM_STATUS`, `LWA_BAD_RESPONSE`.
 *
 * The code grant (`LoginWithAmazonOAuth2Strategy`) adds `LWA_AUTHORIZATION_ERROR` (Amazon's
 * authorization page redirected back with an `error` other than `access_denied`), `LWA_CLIENT_AUTH`
 * (the token endpoint refused our `clientID`/`clientSecret`) and `LWA_INVALID_GRANT` (a code or
 * refresh token Amazon no longer accepts).
 *
 * `introspect()` adds `LWA_NO_TOKEN` (401: no token given) and `LWA_INVALID_REQUEST` (400: not a
 * well-formed token). Every strategy adds `LWA_OVERLOADED` (503, with `retryAfter`): this request
 * was refused at once, without a call, as `maxWaitingForAmazon` requests already wait for Amazon.
 */
export type LoginWithAmazonErrorCode =
  | 'LWA_TIMEOUT' | 'LWA_NETWORK' | 'LWA_UPSTREAM_STATUS' | 'LWA_BAD_RESPONSE'
  | 'LWA_INVALID_TOKEN' | 'LWA_AUDIENCE_MISMATCH' | 'LWA_USER_MISMATCH' | 'LWA_INSUFFICIENT_SCOPE'
  | 'LWA_AUTHORIZATION_ERROR' | 'LWA_CLIENT_AUTH' | 'LWA_INVALID_GRANT'
  | 'LWA_NO_TOKEN' | 'LWA_INVALID_REQUEST'
  | 'LWA_OVERLOADED';

/** Codes that mean "the client's token is not acceptable" rather than "Amazon failed". */
const REJECTION_STATUS: Partial<Record<LoginWithAmazonErrorCode, number>> = {
  LWA_INVALID_TOKEN: 401,
  LWA_AUDIENCE_MISMATCH: 401,
  LWA_USER_MISMATCH: 401,
  LWA_INSUFFICIENT_SCOPE: 403,
  LWA_INVALID_GRANT: 401,
  LWA_NO_TOKEN: 401,
  LWA_INVALID_REQUEST: 400,
};

/**
 * What to answer for an error that is not a rejection: 504 for a timeout; for an error Amazon's
 * authorization page reported, 503 (`temporarily_unavailable`), 502 (`server_error`) or 500 (any
 * other: a configuration problem); 500 when Amazon refused our client credentials; else 502.
 */
function errorStatus(code: LoginWithAmazonErrorCode, upstreamError: string | undefined): number {
  if (code === 'LWA_TIMEOUT') return 504;
  if (code === 'LWA_OVERLOADED') return 503;
  if (code === 'LWA_CLIENT_AUTH') return 500;
  if (code !== 'LWA_AUTHORIZATION_ERROR') return 502;
  if (upstreamError === 'temporarily_unavailable') return 503;
  return upstreamError === 'server_error' ? 502 : 500;
}

/** Extra, non-secret facts about an error. */
export interface LoginWithAmazonErrorDetails {
  /** The endpoint that failed. */
  endpoint?: Endpoint;
  /** Amazon's HTTP status, where there was a response. */
  upstreamStatus?: number;
  /** Amazon's `x-amzn-RequestId`, useful when reporting a problem to Amazon. */
  requestId?: string;
  /** Amazon's `error` code (`invalid_request`, `ServerError`, …) where its body had a well-formed one; never its description. */
  upstreamError?: string;
  /** A sanitized copy of the underlying error (name, code and a message without URLs). */
  cause?: Error;
  /** Seconds after which a refused request (`LWA_OVERLOADED`) may be tried again. */
  retryAfter?: number;
}

/**
 * The one error class of this library. Messages are fixed strings: they never contain a token,
 * a URL, a header or a body from Amazon, and neither do its properties or `toString()`.
 *
 * `status` is what an HTTP framework should answer: 504 for a timeout, 502 for any other upstream
 * failure, 500 for `LWA_CLIENT_AUTH` and a misconfigured authorization request (401/403 for the
 * rejection codes, which the strategies turn into `fail()`).
 */
export class LoginWithAmazonError extends Error {
  override readonly name = 'LoginWithAmazonError';
  readonly code: LoginWithAmazonErrorCode;
  readonly status: number;
  readonly endpoint?: Endpoint;
  readonly upstreamStatus?: number;
  readonly requestId?: string;
  readonly upstreamError?: string;
  /** `LWA_OVERLOADED` only: seconds after which to try again (the `Retry-After` the strategy sets). */
  readonly retryAfter?: number;
  /**
   * `LWA_OVERLOADED` only: `{ 'retry-after': '<seconds>' }`, which the default error handlers of
   * Express, Koa and Fastify copy to the response.
   */
  readonly headers?: Readonly<Record<string, string>>;

  constructor(code: LoginWithAmazonErrorCode, message: string, details: LoginWithAmazonErrorDetails = {}) {
    super(message, details.cause ? { cause: details.cause } : undefined);
    this.code = code;
    this.status = REJECTION_STATUS[code] ?? errorStatus(code, details.upstreamError);
    // Stryker disable ConditionalExpression: equivalent; the declared fields are own properties (undefined) either way: the guards are for exactOptionalPropertyTypes.
    if (details.endpoint !== undefined) this.endpoint = details.endpoint;
    if (details.upstreamStatus !== undefined) this.upstreamStatus = details.upstreamStatus;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.upstreamError !== undefined) this.upstreamError = details.upstreamError;
    if (details.retryAfter !== undefined) {
      this.retryAfter = details.retryAfter;
      this.headers = Object.freeze({ 'retry-after': String(details.retryAfter) });
    }
  }

  // Stryker restore ConditionalExpression
  /** True when the token was rejected (the strategy answers with `fail()`, not `error()`). */
  get isRejection(): boolean {
    return this.code in REJECTION_STATUS;
  }

  /**
   * What JSON loggers (pino, winston) record: the fixed fields and, of the cause, only its name
   * and code (`ECONNREFUSED`, `ETIMEDOUT`, …): never a token, a header or a body.
   */
  toJSON(): Record<string, unknown> {
    const cause = this.cause as { name?: unknown; code?: unknown } | undefined;
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      endpoint: this.endpoint,
      upstreamStatus: this.upstreamStatus,
      upstreamError: this.upstreamError,
      requestId: this.requestId,
      retryAfter: this.retryAfter,
      cause: cause ? { name: cause.name, code: cause.code } : undefined,
    };
  }
}

/** Codes of a timed-out socket; any other value, a string or not, is not one of them. */
const TIMEOUT_CODES: ReadonlySet<unknown> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Drops URLs (and so any query) and anything token-shaped from a message. */
function scrubMessage(message: string): string {
  return message
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '<url>')
    .replace(/Atz[a-z]\S*/gi, '<redacted>')
    .slice(0, 200);
}

/**
 * A plain `Error` that keeps only the name, code and a scrubbed message of `cause`.
 * got's errors hold the request options, and so the token header; this copy does not.
 */
export function sanitizeCause(cause: unknown): Error {
  const like: ErrorLike = typeof cause === 'object' && cause !== null ? cause : {};
  const copy = new Error(typeof like.message === 'string' ? scrubMessage(like.message) : 'unknown error');
  copy.name = typeof like.name === 'string' ? like.name : 'Error';
  if (typeof like.code === 'string') (copy as Error & { code: string }).code = like.code;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/**
 * The one place where a failed upstream request (a network error, a timeout, a cancelled
 * oversized body, anything thrown) becomes a {@link LoginWithAmazonError}.
 */
export function toLwaError(cause: unknown, endpoint: Endpoint): LoginWithAmazonError {
  if (cause instanceof LoginWithAmazonError) return cause;
  const like: ErrorLike = typeof cause === 'object' && cause !== null ? cause : {};
  const sanitized = sanitizeCause(cause);
  if (like.name === 'TimeoutError' || TIMEOUT_CODES.has(like.code)) {
    return new LoginWithAmazonError('LWA_TIMEOUT', `${endpoint} request timed out`, { endpoint, cause: sanitized });
  }
  if (like.name === 'ParseError') {
    return new LoginWithAmazonError('LWA_BAD_RESPONSE', `${endpoint} response could not be read`, { endpoint, cause: sanitized });
  }
  return new LoginWithAmazonError('LWA_NETWORK', `${endpoint} request failed`, { endpoint, cause: sanitized });
}

/**
 * Passport treats a falsy error as "no error" and runs the protected route: every value an app's
 * code throws therefore reaches Passport as a real `Error`. An `Error` is passed on as it is;
 * anything else (`false`, `''`, `undefined`, a string, a plain object) is wrapped, kept as `cause`.
 */
export function asError(value: unknown, message: string): Error {
  if (value instanceof Error || isNativeError(value)) return value;
  return new Error(message, { cause: value });
}
