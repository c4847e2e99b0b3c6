import type { Hooks, RequestError, Response } from 'got';
import { listening, settleTrace, runTrace, upstreamChannel, type UpstreamContext } from './channels.js';
import { toLwaError, type Endpoint, type LoginWithAmazonError } from '../core/errors.js';

/** What the client hands the tracer: how an answer other than 200 maps to an error. */
export type AnswerError = (response: Response<string>) => LoginWithAmazonError | undefined;

/** The trace of one upstream call: got hooks for each attempt, and the end of the call. */
export interface UpstreamTrace {
  hooks: Partial<Hooks>;
  /** Ends an attempt still open when the call settles (a final network error, a cancel, a cut-off body). */
  settle(call: Promise<unknown>): void;
}

/**
 * Amazon's `x-amzn-RequestId`, or `undefined` when the answer has none. Node joins a repeated
 * header of this name into one string (only `set-cookie` comes as an array), hence the cast.
 */
export function requestIdOf(response: Response<string>): string | undefined {
  return response.headers['x-amzn-requestid'] as string | undefined;
}

/**
 * One `upstream` trace per HTTP attempt of a got request: `start`/`end` when got is about to send
 * it (`beforeRequest`), `asyncStart`/`asyncEnd` when its answer arrives (`afterResponse`), when it
 * fails before a retry (`beforeRetry`) or when the whole call settles. `undefined` when nobody
 * listens, so that an unobserved call adds no hook at all. `method`: the request's (`POST` for a
 * token endpoint); default `GET`.
 */
export function traceUpstream(endpoint: Endpoint, url: string, answerError: AnswerError, method = 'GET'): UpstreamTrace | undefined {
  const channel = upstreamChannel;
  if (!listening(channel)) return undefined;
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
  // An IPv6 literal without its brackets, as OpenTelemetry's server.address wants it.
  const serverAddress = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  let open: UpstreamContext | undefined;
  const close = (fill: (context: UpstreamContext) => void): void => {
    const context = open;
    if (!context) return;
    open = undefined;
    fill(context);
    settleTrace(channel, context, () => undefined);
  };
  return {
    hooks: {
      beforeRequest: [(_options, { retryCount }) => {
        open = {
          endpoint, method, url: `${parsed.origin}${parsed.pathname}`,
          serverAddress, serverPort: Number(parsed.port || defaultPort),
          attempt: retryCount + 1,
        };
        runTrace(channel, open, () => undefined);
      }],
      afterResponse: [(response: Response) => {
        const answer = response as Response<string>;
        close((context) => {
          context.status = answer.statusCode;
          const requestId = requestIdOf(answer);
          if (requestId !== undefined) context.requestId = requestId;
          const error = answerError(answer);
          if (error) context.error = error;
        });
        return response;
      }],
      beforeRetry: [(error: RequestError) => {
        close((context) => { context.error = toLwaError(error, endpoint); });
      }],
    },
    settle(call) {
      // An answer closed its attempt in afterResponse; a failure may leave one open.
      call.catch((error: unknown) => {
        close((context) => {
          context.error = error as LoginWithAmazonError;
          // Abandoned by the client (tokeninfo said no first): not Amazon failing.
          if ((context.error.cause as Error | undefined)?.name === 'CancelError') context.cancelled = true;
        });
      });
    },
  };
}
