import dc from 'node:diagnostics_channel';
import type { Endpoint, LoginWithAmazonError } from '../core/errors.js';

/** `TracingChannel`: one trace per `authenticate()` (see {@link AuthenticateContext}). */
export const AUTHENTICATE_CHANNEL = 'passport-login-with-amazon:authenticate';
/** `TracingChannel`: one trace per HTTP attempt to Amazon, retries included (see {@link UpstreamContext}). */
export const UPSTREAM_CHANNEL = 'passport-login-with-amazon:upstream';
/** Plain channel: events of the shared store (see {@link CacheEvent}). */
export const CACHE_CHANNEL = 'passport-login-with-amazon:cache';

/** How a validation was answered: the in-memory cache (`hit`, remembered rejections too), Amazon (`miss`), another request's lookup (`coalesced`), the shared store (`store`), or no cache (`off`). */
export type CacheAnswer = 'hit' | 'miss' | 'coalesced' | 'store' | 'off';

/** Where a validator notes how it answered, for the `authenticate` trace. */
export interface ValidationNote {
  cache?: CacheAnswer;
}

/**
 * The one Passport action an authentication ended in: `redirect` is the code grant's first leg
 * (the redirect to Amazon's sign-in page); the other outcomes can end either leg, or a token check.
 */
export type AuthenticateOutcome = 'success' | 'fail' | 'error' | 'redirect';

/**
 * The context object of an `authenticate` trace. Filled in as the authentication goes: `strategy`
 * at `start`; `outcome`, `status` and the rest before `asyncStart`. Never holds a token, a code, a
 * `state`, a PKCE verifier or a client secret.
 */
export interface AuthenticateContext {
  /** The strategy's name (`'amazon-token'`, `'amazon'` for the website sign-in, `'amazon-code'` for an app's code, unless configured otherwise). */
  strategy: string;
  outcome?: AuthenticateOutcome;
  /** The HTTP status the outcome implies: 200, 302 (redirect), 400, 401, 403, 502, 503, 504; 500 for `LWA_CLIENT_AUTH`, a configuration `LWA_AUTHORIZATION_ERROR` or an app error. */
  status?: number;
  /** The `LoginWithAmazonError` code, when the outcome came from one. */
  code?: string;
  /** How the validation was answered; absent when the request carried no usable token. */
  cache?: CacheAnswer;
  /** Amazon's `user_id` on success. Personal data: record it only where your policy allows. */
  userId?: string;
  /** The error passed to `error()` (published on the `error` channel too). */
  error?: Error;
}

/**
 * The context object of an `upstream` trace: one HTTP attempt. `status` and `requestId` are set
 * when an answer came, `error` when the attempt failed (a network error, a timeout, an answer
 * other than 200). Never a token, a header value or a query.
 */
export interface UpstreamContext {
  endpoint: Endpoint;
  method: string;
  /** The URL without query or fragment. */
  url: string;
  serverAddress: string;
  serverPort: number;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  status?: number;
  /** Amazon's `x-amzn-RequestId`. */
  requestId?: string;
  error?: LoginWithAmazonError;
  /** `true` when the client gave up the call (tokeninfo rejected the token while the profile was under way). */
  cancelled?: boolean;
}

/** A shared-store operation. */
export type StoreOperation = 'get' | 'set' | 'delete' | 'events';

/** Why a stored entry was not served. */
export type RefusalReason = 'mac' | 'audience' | 'age' | 'shape';

/** A message on the `cache` channel. */
export type CacheEvent =
  | { type: 'store-error'; operation: StoreOperation; reason: 'failed' | 'timeout' }
  | { type: 'circuit-open'; coolDownMs: number }
  | { type: 'circuit-close' }
  | { type: 'entry-refused'; reason: RefusalReason };

/** One of a trace's channels, as the traces use it. */
interface TraceChannel<C> {
  publish(message: C): void;
  runStores<R>(message: C, fn: () => R): R;
}

/**
 * What the traces use of a `TracingChannel`. Typed here rather than as `dc.TracingChannel<…>`:
 * @types/node swapped that type's parameters (store first up to 24, context first from 26), and
 * the published declarations must compile under both.
 */
export interface Tracing<C extends object> {
  readonly hasSubscribers: boolean;
  readonly start: TraceChannel<C>;
  readonly end: TraceChannel<C>;
  readonly asyncStart: TraceChannel<C>;
  readonly asyncEnd: TraceChannel<C>;
  readonly error: TraceChannel<C>;
}

/** `tracingChannel` is still experimental on Node 20: used only when present (as pg and mysql2 do). */
function tracing<C extends object>(name: string): Tracing<C> | undefined {
  /* istanbul ignore next -- every supported Node (>= 20.19) has it; the guard is for runtimes that do not */
  return typeof dc.tracingChannel === 'function' ? dc.tracingChannel(name) : undefined;
}

export const authenticateChannel = tracing<AuthenticateContext>(AUTHENTICATE_CHANNEL);
export const upstreamChannel = tracing<UpstreamContext>(UPSTREAM_CHANNEL);
const cacheChannel = dc.channel(CACHE_CHANNEL);

/** True when anyone listens on one of the trace's channels (or has bound a store to one). */
export function listening(channel: Tracing<object> | undefined): channel is Tracing<object> {
  /* istanbul ignore next -- undefined only where tracingChannel is missing (see tracing()) */
  return channel?.hasSubscribers === true;
}

/** Publishes a store event (Node does nothing with it when nobody listens). */
export function publishCacheEvent(event: CacheEvent): void {
  cacheChannel.publish(event);
}

/**
 * Ends a trace the way Node's `traceCallback` does: `error` (when the context has one), then
 * `asyncStart` around `deliver`, then `asyncEnd`.
 */
export function settleTrace<C extends { error?: unknown }>(channel: Tracing<C>, context: C, deliver: () => void): void {
  if (context.error !== undefined) channel.error.publish(context);
  channel.asyncStart.runStores(context, () => {
    try {
      deliver();
    } finally {
      channel.asyncEnd.publish(context);
    }
  });
}

/** Runs the synchronous part of a trace: `start` (with the bound stores) and `end`. */
export function runTrace<C extends object>(channel: Tracing<C>, context: C, run: () => void): void {
  channel.start.runStores(context, () => {
    try {
      run();
    } finally {
      channel.end.publish(context);
    }
  });
}
