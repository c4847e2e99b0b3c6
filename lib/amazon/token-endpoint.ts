import { inspect } from 'node:util';
import type { AmazonClient } from './client.js';
import { errorCode, parseJson, type UpstreamAnswer } from './http.js';
import { LoginWithAmazonError, type LoginWithAmazonErrorDetails } from '../core/errors.js';
import { parseTokenResponse, type LoginWithAmazonTokenSet } from './token-response.js';

/** What the token endpoint needs: where it is, who we are, how we prove it. */
export interface TokenEndpointOptions {
  tokenURL: string;
  clientID: string;
  /** Absent for a public client (an app's code with PKCE): no secret is sent, and Amazon grants no refresh token. */
  clientSecret: string | undefined;
  clientAuthentication: 'body' | 'basic';
}

/** The `TypeError` of `refresh()` for a refresh token of the wrong type, length or characters. */
export const REFRESH_TOKEN_MESSAGE = '"refreshToken" must be a string of 1 to 2048 visible ASCII characters';

/**
 * A refresh token worth sending: a string of 1 to 2048 characters 0x21-0x7E (Amazon's `Atzr|…`
 * are about 400). ASCII only, so characters are bytes; anything else (a 10 MB string, a newline,
 * NUL, a space before `&grant_type=`) never reaches the form body.
 */
function isRefreshToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 2048 && /^[\x21-\x7e]+$/.test(value);
}

/** RFC 6749 §2.3.1: form-encode the id and secret before joining them for HTTP Basic. */
function basic(clientID: string, clientSecret: string): string {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientID)}:${encode(clientSecret)}`).toString('base64')}`;
}

/**
 * Maps a non-200 answer of the token endpoint. `invalid_grant` is the user's code (or refresh
 * token) no longer being good: `LWA_INVALID_GRANT`. `invalid_client`, `unauthorized_client` and
 * any 401 are our credentials being refused: `LWA_CLIENT_AUTH`. Anything else is Amazon failing.
 */
function tokenStatusError(answer: UpstreamAnswer): LoginWithAmazonError {
  const upstreamError = errorCode(answer.raw);
  const details: LoginWithAmazonErrorDetails = {
    endpoint: 'token',
    upstreamStatus: answer.status,
    ...(answer.requestId ? { requestId: answer.requestId } : {}),
    ...(upstreamError ? { upstreamError } : {}),
  };
  if (answer.status === 400 && upstreamError === 'invalid_grant') {
    return new LoginWithAmazonError('LWA_INVALID_GRANT', 'token endpoint rejected the grant', details);
  }
  if (answer.status === 401 || upstreamError === 'invalid_client' || upstreamError === 'unauthorized_client') {
    return new LoginWithAmazonError('LWA_CLIENT_AUTH', 'token endpoint refused the client credentials: check "clientID" and "clientSecret"', details);
  }
  return new LoginWithAmazonError('LWA_UPSTREAM_STATUS', 'token answered an unexpected HTTP status', details);
}

/**
 * Amazon's token endpoint: exchanges a code (with its PKCE verifier) or a refresh token for a
 * token set. The client secret lives in a private field: it never shows in `util.inspect`,
 * `JSON.stringify` or an error, and travels only in the POST body or the Basic header.
 */
export class TokenEndpoint {
  readonly #client: AmazonClient;
  readonly #options: TokenEndpointOptions;

  constructor(client: AmazonClient, options: TokenEndpointOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** `grant_type=authorization_code`, never retried (a code is single-use). */
  exchange(code: string, verifier: string, redirectURI: string): Promise<LoginWithAmazonTokenSet> {
    return this.#post({ grant_type: 'authorization_code', code, redirect_uri: redirectURI, code_verifier: verifier });
  }

  /**
   * `grant_type=refresh_token`. Rejects with a `TypeError` (`REFRESH_TOKEN_MESSAGE`, which never
   * quotes the value), before any call, unless the token is 1 to 2048 bytes of visible ASCII.
   */
  refresh(refreshToken: string): Promise<LoginWithAmazonTokenSet> {
    if (!isRefreshToken(refreshToken)) return Promise.reject(new TypeError(REFRESH_TOKEN_MESSAGE));
    return this.#post({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async #post(grant: Record<string, string>): Promise<LoginWithAmazonTokenSet> {
    const { tokenURL, clientID, clientSecret, clientAuthentication } = this.#options;
    const viaBasic = clientAuthentication === 'basic' && clientSecret !== undefined;
    const form = viaBasic || clientSecret === undefined ? { ...grant, client_id: clientID } : { ...grant, client_id: clientID, client_secret: clientSecret };
    const headers: Record<string, string> = viaBasic ? { authorization: basic(clientID, clientSecret) } : {};
    const askedAt = Date.now();
    const answer = await this.#client.postForm(tokenURL, form, headers, (a) => (a.status === 200 ? undefined : tokenStatusError(a)));
    if (answer.status !== 200) throw tokenStatusError(answer);
    const details = { upstreamStatus: 200, ...(answer.requestId ? { requestId: answer.requestId } : {}) };
    return parseTokenResponse(parseJson(answer.raw, 'token', details), askedAt);
  }

  /** What `util.inspect` shows: the endpoint, never the secret. */
  [inspect.custom](): string {
    return `TokenEndpoint { tokenURL: '${this.#options.tokenURL}' }`;
  }

  toJSON(): Record<string, unknown> {
    return { tokenURL: this.#options.tokenURL };
  }
}
