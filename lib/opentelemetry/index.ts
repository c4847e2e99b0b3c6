/**
 * `passport-login-with-amazon/opentelemetry`: turns the library's diagnostics channels into
 * OpenTelemetry spans and metrics. The only module that imports `@opentelemetry/api` (an optional
 * peer dependency); the main entry never loads it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import dc from 'node:diagnostics_channel';
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type MeterProvider,
  type Span,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  AUTHENTICATE_CHANNEL,
  CACHE_CHANNEL,
  UPSTREAM_CHANNEL,
  type AuthenticateContext,
  type CacheEvent,
  type UpstreamContext,
} from '../diagnostics/channels.js';
import { createInstruments, type Instruments } from './instruments.js';
import { packageVersion } from './version.js';

/** Options of {@link instrumentLoginWithAmazon}. */
export interface LoginWithAmazonInstrumentationOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Put Amazon's `user_id` (personal data) on authentication spans as `enduser.id`. Default `false`. */
  recordUserId?: boolean;
}

/** A running instrumentation. */
export interface LoginWithAmazonInstrumentation {
  /** Unsubscribes from every channel; spans under way are not ended. */
  disable(): void;
}

/** Instrumentation scope name of the tracer and the meter. */
export const INSTRUMENTATION_NAME = 'passport-login-with-amazon';

/** Instrumentation scope version: this package's version, read from its package.json (`undefined` if unreadable). */
export const INSTRUMENTATION_VERSION: string | undefined = packageVersion();

interface Open {
  span: Span;
  startedAt: number;
}

const seconds = (since: number): number => (performance.now() - since) / 1000;

function authenticateAttributes(message: AuthenticateContext): Attributes {
  const attributes: Attributes = { 'lwa.outcome': message.outcome };
  if (message.cache !== undefined) attributes['lwa.cache'] = message.cache;
  return attributes;
}

/** `error.type` of a `fail` or an `error`: the library's code, else the error's name (an app error), else the HTTP status. */
function errorType(message: AuthenticateContext): string {
  return message.code ?? message.error?.name ?? String(message.status);
}

function endAuthenticate(open: Open, message: AuthenticateContext, recordUserId: boolean, instruments: Instruments): void {
  const { span } = open;
  const attributes = authenticateAttributes(message);
  span.setAttributes(attributes);
  if (message.status !== undefined) span.setAttribute('http.response.status_code', message.status);
  if (message.outcome === 'fail' || message.outcome === 'error') span.setAttribute('error.type', errorType(message));
  if (recordUserId && message.userId !== undefined) span.setAttribute('enduser.id', message.userId);
  if (message.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(message) });
  span.end();
  instruments.authenticateDuration.record(seconds(open.startedAt), attributes);
  if (message.cache !== undefined) instruments.cacheLookups.add(1, { 'lwa.cache': message.cache });
  if (message.code === 'LWA_OVERLOADED') instruments.overloaded.add(1, { 'lwa.strategy': message.strategy });
}

function upstreamAttributes(message: UpstreamContext): Attributes {
  return {
    'http.request.method': message.method,
    'server.address': message.serverAddress,
    'server.port': message.serverPort,
    'url.full': message.url,
    'lwa.endpoint': message.endpoint,
    ...(message.attempt > 1 ? { 'http.request.resend_count': message.attempt - 1 } : {}),
  };
}

function endUpstream(open: Open, message: UpstreamContext, instruments: Instruments): void {
  const { span } = open;
  const metric: Attributes = { 'lwa.endpoint': message.endpoint };
  if (message.status !== undefined) {
    span.setAttribute('http.response.status_code', message.status);
    metric['http.response.status_code'] = message.status;
  }
  if (message.requestId !== undefined) span.setAttribute('lwa.request_id', message.requestId);
  if (message.error) {
    const type = message.cancelled === true ? 'cancelled' : message.status === undefined ? message.error.code : String(message.status);
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: message.error.code });
    metric['error.type'] = type;
  }
  span.end();
  instruments.upstreamDuration.record(seconds(open.startedAt), metric);
}

/**
 * Subscribes to the library's channels: an INTERNAL span per authentication (child of the active
 * span, such as the HTTP server span), a CLIENT span per HTTP attempt to Amazon under it, and the
 * metrics of the table in docs/observability.md.
 *
 * @example
 * import { instrumentLoginWithAmazon } from 'passport-login-with-amazon/opentelemetry';
 * const instrumentation = instrumentLoginWithAmazon(); // global providers; call before serving
 */
export function instrumentLoginWithAmazon(options: LoginWithAmazonInstrumentationOptions = {}): LoginWithAmazonInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  const instruments = createInstruments((options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION));
  const recordUserId = options.recordUserId === true;
  const authenticate = dc.tracingChannel<unknown, AuthenticateContext>(AUTHENTICATE_CHANNEL);
  const upstream = dc.tracingChannel<unknown, UpstreamContext>(UPSTREAM_CHANNEL);
  const authentications = new WeakMap<object, Open>();
  const attempts = new WeakMap<object, Open>();
  // The OpenTelemetry context of the authentication under way, carried into its upstream calls.
  const current = new AsyncLocalStorage<Context>();

  // Runs before the start message is published: opens the span and makes it the parent of what follows.
  const onAuthenticateStart = (message: AuthenticateContext): Context => {
    const parent = context.active();
    const span = tracer.startSpan('lwa.authenticate', { kind: SpanKind.INTERNAL, attributes: { 'lwa.strategy': message.strategy } }, parent);
    authentications.set(message, { span, startedAt: performance.now() });
    return trace.setSpan(parent, span);
  };
  const authenticateHandlers = {
    start: () => undefined,
    end: () => undefined,
    asyncStart: () => undefined,
    error: () => undefined,
    asyncEnd: (message: AuthenticateContext) => {
      const open = authentications.get(message);
      if (!open) return;
      authentications.delete(message);
      endAuthenticate(open, message, recordUserId, instruments);
    },
  };
  const upstreamHandlers = {
    start: (message: UpstreamContext) => {
      // Named by the method, as the HTTP semantic conventions name client spans: GET, or POST for the token endpoint.
      const span = tracer.startSpan(message.method, { kind: SpanKind.CLIENT, attributes: upstreamAttributes(message) }, current.getStore() ?? context.active());
      attempts.set(message, { span, startedAt: performance.now() });
    },
    end: () => undefined,
    asyncStart: () => undefined,
    error: () => undefined,
    asyncEnd: (message: UpstreamContext) => {
      const open = attempts.get(message);
      if (!open) return;
      attempts.delete(message);
      endUpstream(open, message, instruments);
    },
  };
  const onCache = (message: unknown): void => {
    const event = message as CacheEvent;
    if (event.type === 'store-error') instruments.storeErrors.add(1, { 'lwa.store.operation': event.operation, 'error.type': event.reason });
  };

  authenticate.start.bindStore(current, onAuthenticateStart);
  authenticate.subscribe(authenticateHandlers);
  upstream.subscribe(upstreamHandlers);
  dc.subscribe(CACHE_CHANNEL, onCache);
  return {
    // Unsubscribing or unbinding what is no longer there is a no-op: a second call does nothing.
    disable() {
      authenticate.start.unbindStore(current);
      authenticate.unsubscribe(authenticateHandlers);
      upstream.unsubscribe(upstreamHandlers);
      dc.unsubscribe(CACHE_CHANNEL, onCache);
    },
  };
}
