import http from 'node:http';
import https from 'node:https';
import got, { HTTPError, type CancelableRequest, type Got, type Response } from 'got';
import type { AgentOptions } from '../core/agent-option.js';
import { LoginWithAmazonError, toLwaError, type Endpoint } from '../core/errors.js';
import { requestIdOf, traceUpstream, type UpstreamTrace } from '../diagnostics/upstream-trace.js';
import { cancelledWhileWaiting, gateOf, socketWaitTimedOut, type PendingCall as GatedCall, type StartCall } from './gate.js';

/** Largest response body read from Amazon; a larger one is cut off while streaming. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Pause before a retry. */
export const RETRY_DELAY_MS = 50;

/** 5xx answers worth another try; 408, 413 and 429 are not retried. */
const RETRY_STATUS_CODES = [500, 502, 503, 504, 521, 522, 524];

/**
 * Most sockets the default agents open to one host (Amazon's host of a region) at once; further
 * calls wait for one (their wait counts against `timeout`) as a function to call, not as a started
 * request (see {@link CallGate}). A flood of distinct tokens therefore never opens more than this
 * many connections.
 */
export const MAX_SOCKETS = 50;

/** Most idle keep-alive sockets the default agents keep per host; the rest are closed. */
export const MAX_FREE_SOCKETS = 10;

/** Keep-alive agents shared by every strategy in the process. Idle sockets are unref'd by Node. */
const defaultAgents = {
  http: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_FREE_SOCKETS }),
  https: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_FREE_SOCKETS }),
};

/** What the HTTP layer needs from the resolved options. */
export interface HttpOptions {
  timeout: number;
  retries: number;
  /** Agents replacing the bounded keep-alive defaults, each on its own. Default: none. */
  agent?: AgentOptions;
}

/** An answer of Amazon's, whatever its status, read within the size cap. */
export interface UpstreamAnswer {
  status: number;
  raw: string;
  requestId: string | undefined;
}

export type PendingCall = GatedCall<UpstreamAnswer>;

function answer(response: Response<string>): UpstreamAnswer {
  return { status: response.statusCode, raw: response.body, requestId: requestIdOf(response) };
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
    // Not JSON: no code.
  }
  const code = (body as { error?: unknown } | null | undefined)?.error;
  return typeof code === 'string' && /^[A-Za-z][\w.:-]{0,63}$/.test(code) ? code : undefined;
}

/**
 * Maps a non-200 answer. Only Amazon's `invalid_token` (400/401) says the token is bad, and only
 * `insufficient_scope` from the profile endpoint says a scope is missing. Any other 4xx
 * (`invalid_request`, …) is Amazon refusing *our* request, and 3xx, 429 and 5xx are Amazon
 * failing: both are upstream errors, so that an incompatibility shows as an outage in monitoring
 * instead of as every user's token being rejected.
 */
export function statusError(endpoint: Endpoint, answer: UpstreamAnswer): LoginWithAmazonError {
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
 * One got instance for every call to Amazon: keep-alive, a timeout per request, retries on network
 * errors and 5xx only (GET), no redirects, no decompression, a 1 MiB cap while streaming.
 */
export class UpstreamHttp {
  private readonly got: Got;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly timeout: number;

  constructor(options: HttpOptions) {
    this.agents = { http: options.agent?.http ?? defaultAgents.http, https: options.agent?.https ?? defaultAgents.https };
    this.timeout = options.timeout;
    this.got = got.extend({
      agent: this.agents,
      timeout: { request: options.timeout },
      retry: {
        limit: options.retries,
        methods: ['GET'],
        statusCodes: RETRY_STATUS_CODES,
        calculateDelay: ({ computedValue }) => (computedValue > 0 ? RETRY_DELAY_MS : 0),
      },
      followRedirect: false,
      decompress: false,
      // Stryker disable next-line BooleanLiteral: equivalent; with false, got still retries by status and resolves the last answer, which answer() maps as it maps an HTTPError's.
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

  /** A GET with the token in the `x-amz-access-token` header, never in the URL. */
  get(endpoint: Endpoint, url: string, token: string): PendingCall {
    return this.gated(endpoint, url, (remainingMs) => {
      const trace = traceUpstream(endpoint, url, (response) => (response.statusCode === 200 ? undefined : statusError(endpoint, answer(response))));
      const request = this.got.get(url, { headers: { 'x-amz-access-token': token }, ...this.timeoutLeft(remainingMs), ...(trace ? { hooks: trace.hooks } : {}) });
      return this.read(endpoint, request, trace);
    });
  }

  /** `start`, once the agent of `url` has a socket free for it (see {@link CallGate}). */
  private gated(endpoint: Endpoint, url: string, start: StartCall<UpstreamAnswer>): PendingCall {
    const gate = gateOf(url.startsWith('https:') ? this.agents.https : this.agents.http, url);
    if (gate === undefined) return start(this.timeout);
    return gate.run(start, this.timeout, () => toLwaError(socketWaitTimedOut(), endpoint), () => toLwaError(cancelledWhileWaiting(), endpoint));
  }

  /** got's `timeout` for a call that waited for a socket: what is left of it. */
  private timeoutLeft = (remainingMs: number): { timeout?: { request: number } } => (remainingMs < this.timeout ? { timeout: { request: remainingMs } } : {});

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
    return this.gated('token', url, (remainingMs) => {
      const trace = traceUpstream('token', url, (response) => answerError(answer(response)), 'POST');
      const request = this.got.post(url, {
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', ...headers },
        // Stryker disable next-line ObjectLiteral: equivalent while retry.methods is ['GET']; kept so that a POST stays unretried if methods ever grows.
        retry: { limit: 0 },
        ...this.timeoutLeft(remainingMs),
        ...(trace ? { hooks: trace.hooks } : {}),
      });
      return this.read('token', request, trace);
    }).promise;
  }
}
