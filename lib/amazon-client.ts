import http from 'node:http';
import https from 'node:https';
import got, { HTTPError, type CancelableRequest, type Got, type Response } from 'got';
import { hostEndpoints, type RegionEndpoints } from './endpoints.js';
import { LoginWithAmazonError, toLwaError, type Endpoint } from './errors.js';
import { tokenInfoProfile, toProfile, type AmazonProfile } from './profile.js';
import { assertAudience, parseTokenInfo, type Audience, type TokenInfo } from './tokeninfo.js';
import { traceUpstream, type UpstreamTrace } from './upstream-trace.js';
import type { Validation } from './validation.js';

export type { RegionEndpoints } from './endpoints.js';

/** An Amazon region. */
export type Region = 'NA' | 'EU' | 'FE';

/** Login with Amazon hosts by region (the same host serves both endpoints). */
export const REGIONS: Readonly<Record<Region, Readonly<RegionEndpoints>>> = Object.freeze({
  NA: Object.freeze(hostEndpoints('https://api.amazon.com')),
  EU: Object.freeze(hostEndpoints('https://api.amazon.co.uk')),
  FE: Object.freeze(hostEndpoints('https://api.amazon.co.jp')),
});

/** Largest response body read from Amazon; a larger one is cut off while streaming. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Pause before a retry. */
export const RETRY_DELAY_MS = 50;

/** 5xx answers worth another try; 408, 413 and 429 are not retried. */
const RETRY_STATUS_CODES = [500, 502, 503, 504, 521, 522, 524];

/**
 * Most sockets the default agents open to one host (Amazon's host of a region) at once; further
 * requests wait in the agent's queue (their wait counts against `timeout`). A flood of distinct
 * tokens therefore never opens more than this many connections.
 */
export const MAX_SOCKETS = 50;

/** Most idle keep-alive sockets the default agents keep per host; the rest are closed. */
export const MAX_FREE_SOCKETS = 10;

/** Keep-alive agents shared by every strategy in the process. Idle sockets are unref'd by Node. */
const defaultAgents = {
  http: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_FREE_SOCKETS }),
  https: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_FREE_SOCKETS }),
};

/** The `agent` option: Node agents for `http:` and `https:` endpoints (a proxy agent, say). */
export interface AgentOptions {
  http?: http.Agent;
  https?: https.Agent;
}

/** What the client needs from the resolved options. */
export interface ClientOptions extends Audience {
  tokenInfoURL: string;
  profileURL: string;
  timeout: number;
  retries: number;
  /** Agents replacing the bounded keep-alive defaults, each on its own. Default: none. */
  agent?: AgentOptions;
  /** `false`: ask tokeninfo alone (no profile call). Default `true`. */
  profile?: boolean;
}

/** An answer of Amazon's, whatever its status, read within the size cap. */
export interface UpstreamAnswer {
  status: number;
  raw: string;
  requestId: string | undefined;
}

interface PendingCall {
  promise: Promise<UpstreamAnswer>;
  cancel: () => void;
}

function answer(response: Response<string>): UpstreamAnswer {
  const requestId = response.headers['x-amzn-requestid'];
  return { status: response.statusCode, raw: response.body, requestId: typeof requestId === 'string' ? requestId : undefined };
}

export function parseJson(raw: string, endpoint: Endpoint, details: { upstreamStatus: number; requestId?: string }): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new LoginWithAmazonError('LWA_BAD_RESPONSE', `${endpoint} response is not JSON`, { endpoint, ...details });
  }
}

/** Amazon's `error` code in a JSON error body, if it has a well-formed one (never the description). */
export function errorCode(raw: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const code = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).error : undefined;
  return typeof code === 'string' && /^[A-Za-z][\w.:-]{0,63}$/.test(code) ? code : undefined;
}

/**
 * Maps a non-200 answer. Only Amazon's `invalid_token` (400/401) says the token is bad, and only
 * `insufficient_scope` from the profile endpoint says a scope is missing. Any other 4xx
 * (`invalid_request`, …) is Amazon refusing *our* request, and 3xx, 429 and 5xx are Amazon
 * failing: both are upstream errors, so that an incompatibility shows as an outage in monitoring
 * instead of as every user's token being rejected.
 */
function statusError(endpoint: Endpoint, answer: UpstreamAnswer): LoginWithAmazonError {
  const upstreamError = errorCode(answer.raw);
  const details = {
    endpoint,
    upstreamStatus: answer.status,
    ...(answer.requestId ? { requestId: answer.requestId } : {}),
    ...(upstreamError ? { upstreamError } : {}),
  };
  const clientError = answer.status >= 400 && answer.status < 500;
  if (clientError && endpoint === 'profile' && upstreamError === 'insufficient_scope') {
    return new LoginWithAmazonError('LWA_INSUFFICIENT_SCOPE', 'profile requires a scope the token lacks', details);
  }
  if ((answer.status === 400 || answer.status === 401) && upstreamError === 'invalid_token') {
    return new LoginWithAmazonError('LWA_INVALID_TOKEN', `${endpoint} rejected the token`, details);
  }
  return new LoginWithAmazonError('LWA_UPSTREAM_STATUS', `${endpoint} answered an unexpected HTTP status`, details);
}

/**
 * Talks to Amazon's tokeninfo and profile endpoints through one got instance: keep-alive,
 * a timeout per request, retries on network errors and 5xx only, no redirects, a 1 MiB cap.
 * The token travels in the `x-amz-access-token` header, never in a URL.
 */
export class AmazonClient {
  private readonly http: Got;
  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
    this.http = got.extend({
      agent: { http: options.agent?.http ?? defaultAgents.http, https: options.agent?.https ?? defaultAgents.https },
      timeout: { request: options.timeout },
      retry: {
        limit: options.retries,
        methods: ['GET'],
        statusCodes: RETRY_STATUS_CODES,
        calculateDelay: ({ computedValue }) => (computedValue > 0 ? RETRY_DELAY_MS : 0),
      },
      followRedirect: false,
      decompress: false,
      throwHttpErrors: true,
      responseType: 'text',
      headers: {
        accept: 'application/json',
        'accept-encoding': 'identity',
        'accept-language': 'en-US',
        'user-agent': 'passport-login-with-amazon',
      },
    });
  }

  private call(endpoint: Endpoint, url: string, token: string): PendingCall {
    const trace = traceUpstream(endpoint, url, (response) => (response.statusCode === 200 ? undefined : statusError(endpoint, answer(response))));
    return this.read(endpoint, this.http.get(url, { headers: { 'x-amz-access-token': token }, ...(trace ? { hooks: trace.hooks } : {}) }), trace);
  }

  /** Reads one answer within the size cap; a failure without an answer goes through `toLwaError`. */
  private read(endpoint: Endpoint, request: CancelableRequest<Response<string>>, trace: UpstreamTrace | undefined): PendingCall {
    let oversized = false;
    void request.on('downloadProgress', ({ transferred, total }) => {
      if (transferred > MAX_RESPONSE_BYTES || (total ?? 0) > MAX_RESPONSE_BYTES) {
        oversized = true;
        request.cancel();
      }
    });
    const promise = request.then(answer, (cause: unknown) => {
      if (cause instanceof HTTPError) return answer(cause.response);
      if (oversized) {
        throw new LoginWithAmazonError('LWA_BAD_RESPONSE', `${endpoint} response is larger than 1 MiB`, { endpoint });
      }
      throw toLwaError(cause, endpoint);
    });
    trace?.settle(promise);
    return { promise, cancel: () => request.cancel() };
  }

  /**
   * POSTs a form to the token endpoint with the same agents, timeout, size cap and error mapping,
   * never retried (an authorization code is single-use). Secrets travel in `form` or `headers`.
   */
  postForm(
    url: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
    answerError: (answer: UpstreamAnswer) => LoginWithAmazonError | undefined = () => undefined,
  ): Promise<UpstreamAnswer> {
    const body = new URLSearchParams(form).toString();
    const trace = traceUpstream('token', url, (response) => answerError(answer(response)), 'POST');
    const request = this.http.post(url, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', ...headers },
      retry: { limit: 0 },
      ...(trace ? { hooks: trace.hooks } : {}),
    });
    return this.read('token', request, trace).promise;
  }

  /** The profile alone, for a token whose audience is known (the code grant's own exchange). */
  fetchProfile(token: string): Promise<AmazonProfile> {
    return this.profile(this.call('profile', this.options.profileURL, token));
  }

  /** Tokeninfo's approval, after the audience check, with the body it came in. */
  private async tokenInfo(call: PendingCall): Promise<{ info: TokenInfo; raw: string; json: unknown }> {
    const answer = await call.promise;
    if (answer.status !== 200) throw statusError('tokeninfo', answer);
    const json = parseJson(answer.raw, 'tokeninfo', { upstreamStatus: 200 });
    const info = parseTokenInfo(json);
    assertAudience(info, this.options);
    return { info, raw: answer.raw, json };
  }

  private async profile(call: PendingCall): Promise<AmazonProfile> {
    const answer = await call.promise;
    if (answer.status !== 200) throw statusError('profile', answer);
    return toProfile(answer.raw, parseJson(answer.raw, 'profile', { upstreamStatus: 200 }));
  }

  /**
   * Asks both endpoints at once (tokeninfo alone with `profile: false`). The profile is trusted only after tokeninfo has approved the
   * audience, and only when both name the same user; a tokeninfo verdict wins over a profile error.
   */
  async validate(token: string): Promise<Validation> {
    const askedAt = Date.now();
    const tokenInfoCall = this.call('tokeninfo', this.options.tokenInfoURL, token);
    if (this.options.profile === false) {
      const { info, raw, json } = await this.tokenInfo(tokenInfoCall);
      return { tokenInfo: info, profile: tokenInfoProfile(info, raw, json), askedAt, tokenInfoOnly: true };
    }
    const profileCall = this.call('profile', this.options.profileURL, token);
    const profile = this.profile(profileCall);
    profile.catch(() => undefined); // settled below, or abandoned when tokeninfo says no
    let tokenInfo: TokenInfo;
    try {
      ({ info: tokenInfo } = await this.tokenInfo(tokenInfoCall));
    } catch (error) {
      profileCall.cancel();
      throw error;
    }
    const result: Validation = { tokenInfo, profile: await profile, askedAt };
    if (result.profile.id !== tokenInfo.user_id) {
      throw new LoginWithAmazonError('LWA_USER_MISMATCH', 'profile and tokeninfo name different users', { endpoint: 'profile' });
    }
    return result;
  }
}
