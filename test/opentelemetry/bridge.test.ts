/** The OpenTelemetry bridge, on the SDK with in-memory exporters and the async-hooks context manager. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import dc from 'node:diagnostics_channel';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import {
  AUTHENTICATE_CHANNEL,
  CACHE_CHANNEL,
  LoginWithAmazonStrategy,
  UPSTREAM_CHANNEL,
  type CacheStore,
  type LoginWithAmazonBaseOptions,
} from 'passport-login-with-amazon';
import { instrumentLoginWithAmazon, type LoginWithAmazonInstrumentation } from 'passport-login-with-amazon/opentelemetry';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { authenticate, bearer } from '../helpers/channels.js';
import { countOf, createTestSdk, type TestSdk } from '../helpers/otel.js';

let amazon: FakeAmazon;
let sdk: TestSdk;
let instrumentation: LoginWithAmazonInstrumentation;

beforeAll(async () => { amazon = await createFakeAmazon(); });
afterAll(async () => { await amazon.close(); });
beforeEach(() => {
  sdk = createTestSdk();
  instrumentation = instrumentLoginWithAmazon({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
});
afterEach(async () => {
  instrumentation.disable();
  await sdk.shutdown();
  amazon.reset();
});

function strategy(options: Partial<LoginWithAmazonBaseOptions> = {}): LoginWithAmazonStrategy {
  return new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, timeout: 1000, ...options }, (_a, _r, profile, done) => {
    done(null, { id: profile.id });
  });
}

const named = (name: string): ReturnType<TestSdk['spans']> => sdk.spans().filter((s) => s.name === name);

describe('spans', () => {
  test('introspect() is an lwa.authenticate span too, child of the active span, with its upstream CLIENT spans under it (and no token)', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.OTELINTRO' });
    const parent = sdk.tracerProvider.getTracer('app').startSpan('ws upgrade');
    await context.with(trace.setSpan(context.active(), parent), () => strategy({ name: 'ws-check' }).introspect(token));
    parent.end();
    const [auth] = named('lwa.authenticate');
    expect(auth?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(auth?.attributes).toEqual({ 'lwa.strategy': 'ws-check', 'lwa.outcome': 'success', 'lwa.cache': 'miss', 'http.response.status_code': 200 });
    expect(named('GET').map((s) => s.parentSpanContext?.spanId)).toEqual([auth?.spanContext().spanId, auth?.spanContext().spanId]);
    expect(JSON.stringify(sdk.spans().map((s) => s.attributes))).not.toContain(token.slice(5, 30));
  });

  test('an INTERNAL span per authentication, child of the active span, with a CLIENT span per upstream call under it', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.OTEL' });
    const parent = sdk.tracerProvider.getTracer('app').startSpan('GET /api/me');
    await context.with(trace.setSpan(context.active(), parent), () => authenticate(strategy(), bearer(token)));
    parent.end();
    const [auth] = named('lwa.authenticate');
    expect(auth?.kind).toBe(SpanKind.INTERNAL);
    expect(auth?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(auth?.attributes).toEqual({ 'lwa.strategy': 'amazon-token', 'lwa.outcome': 'success', 'lwa.cache': 'miss', 'http.response.status_code': 200 });
    const clients = named('GET');
    expect(clients.map((s) => s.attributes['lwa.endpoint']).sort()).toEqual(['profile', 'tokeninfo']);
    const url = new URL(amazon.endpoints.tokenInfoURL);
    for (const client of clients) {
      expect(client.kind).toBe(SpanKind.CLIENT);
      expect(client.parentSpanContext?.spanId).toBe(auth?.spanContext().spanId);
      expect(client.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(client.attributes).toMatchObject({
        'http.request.method': 'GET', 'server.address': url.hostname, 'server.port': Number(url.port), 'http.response.status_code': 200,
      });
    }
    expect(clients.find((s) => s.attributes['lwa.endpoint'] === 'tokeninfo')?.attributes['url.full']).toBe(amazon.endpoints.tokenInfoURL);
    expect(JSON.stringify(sdk.spans().map((s) => s.attributes))).not.toContain(token.slice(5, 30));
  });

  test('enduser.id only with recordUserId: true', async () => {
    instrumentation.disable();
    instrumentation = instrumentLoginWithAmazon({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, recordUserId: true });
    await authenticate(strategy(), bearer(amazon.issueToken({ user_id: 'amzn1.account.ME' })));
    await authenticate(strategy(), { headers: {}, query: {}, body: {} });
    expect(named('lwa.authenticate').map((s) => s.attributes['enduser.id'])).toEqual(['amzn1.account.ME', undefined]);
  });

  test('a retried 500: two CLIENT spans, the first with error.type 500 and an error status, the second with http.request.resend_count 1', async () => {
    amazon.fault('tokeninfo', { status: 500, times: 1 });
    await authenticate(strategy({ profile: false }), bearer(amazon.issueToken()));
    const [first, second] = named('GET');
    expect(first?.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
    expect(first?.status.code).toBe(SpanStatusCode.ERROR);
    expect(second?.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
    expect(second?.attributes['error.type']).toBeUndefined();
  });

  test('Amazon down: the authentication span has status ERROR, 502 and error.type LWA_UPSTREAM_STATUS', async () => {
    amazon.fault('tokeninfo', { status: 503 });
    await authenticate(strategy({ retries: 0, profile: false }), bearer(amazon.issueToken()));
    const [auth] = named('lwa.authenticate');
    expect(auth?.status.code).toBe(SpanStatusCode.ERROR);
    expect(auth?.attributes).toMatchObject({ 'lwa.outcome': 'error', 'http.response.status_code': 502, 'error.type': 'LWA_UPSTREAM_STATUS' });
  });

  test('a timeout: the CLIENT span has error.type LWA_TIMEOUT and no status code or request id; its metric no status key', async () => {
    amazon.fault('tokeninfo', { delayMs: 500 });
    await authenticate(strategy({ retries: 0, profile: false, timeout: 50 }), bearer(amazon.issueToken()));
    const clients = named('GET');
    expect(clients).toHaveLength(1);
    expect(clients[0]?.attributes).toMatchObject({ 'error.type': 'LWA_TIMEOUT' });
    expect(Object.keys(clients[0]?.attributes ?? {}).filter((k) => k === 'http.response.status_code' || k === 'lwa.request_id')).toEqual([]);
    const upstream = await sdk.points<Histogram>('lwa.upstream.duration');
    expect(upstream.map((p) => p.attributes)).toStrictEqual([{ 'lwa.endpoint': 'tokeninfo', 'error.type': 'LWA_TIMEOUT' }]);
  });

  test('a profile call abandoned when tokeninfo says no: error.type cancelled', async () => {
    const token = amazon.issueToken();
    amazon.revoke(token);
    amazon.fault('profile', { delayMs: 300 });
    await authenticate(strategy({ retries: 0 }), bearer(token));
    const profile = named('GET').find((s) => s.attributes['lwa.endpoint'] === 'profile');
    expect(profile?.attributes['error.type']).toBe('cancelled');
    expect(named('lwa.authenticate')[0]?.attributes).toMatchObject({ 'lwa.outcome': 'fail', 'error.type': 'LWA_INVALID_TOKEN', 'http.response.status_code': 401 });
  });

  test('error.type of a fail without a code is its status; of an app error, the error\'s name', async () => {
    await authenticate(strategy(), { headers: {}, query: {}, body: {} });
    const s = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints }, () => { throw new RangeError('app bug'); });
    await authenticate(s, bearer(amazon.issueToken()));
    const [noToken, appError] = named('lwa.authenticate');
    expect(noToken?.attributes).toMatchObject({ 'lwa.outcome': 'fail', 'error.type': '401', 'http.response.status_code': 401 });
    expect(noToken?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(appError?.attributes).toMatchObject({ 'lwa.outcome': 'error', 'error.type': 'RangeError', 'http.response.status_code': 500 });
    expect(appError?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RangeError' });
  });

  test('a trace that began before the bridge was enabled is ignored; an upstream call outside any authentication has no parent', () => {
    dc.tracingChannel(AUTHENTICATE_CHANNEL).asyncEnd.publish({ strategy: 'earlier', outcome: 'success' });
    dc.tracingChannel(UPSTREAM_CHANNEL).asyncEnd.publish({ endpoint: 'tokeninfo', attempt: 1 });
    const attempt = { endpoint: 'tokeninfo', method: 'GET', url: 'https://api.amazon.com/auth/o2/tokeninfo', serverAddress: 'api.amazon.com', serverPort: 443, attempt: 1, status: 200 };
    dc.tracingChannel(UPSTREAM_CHANNEL).traceSync(() => undefined, attempt);
    dc.tracingChannel(UPSTREAM_CHANNEL).asyncEnd.publish(attempt);
    expect(sdk.spans().map((s) => [s.name, s.parentSpanContext])).toEqual([['GET', undefined]]);
  });

  test('with no options it uses the global providers (no-op until an SDK registers them)', async () => {
    const global = instrumentLoginWithAmazon();
    try {
      expect(await authenticate(strategy(), { headers: {}, query: {}, body: {} })).toEqual({ kind: 'fail', status: undefined });
    } finally {
      global.disable();
    }
  });

  test('after disable() nothing is recorded', async () => {
    instrumentation.disable();
    instrumentation.disable();
    await authenticate(strategy(), bearer(amazon.issueToken()));
    expect(sdk.spans()).toEqual([]);
  });
});

describe('metrics', () => {
  test('durations by outcome and cache answer, lookups by answer, upstream durations by endpoint and status, in seconds', async () => {
    const s = strategy();
    const token = amazon.issueToken();
    await authenticate(s, bearer(token)); // miss
    await authenticate(s, bearer(token)); // hit
    await authenticate(s, { headers: {} }); // fail, no lookup
    const durations = await sdk.points<Histogram>('lwa.authenticate.duration');
    const byLabels = Object.fromEntries(durations.map((p) => [`${String(p.attributes['lwa.outcome'])}/${String(p.attributes['lwa.cache'])}`, countOf(p)]));
    expect(byLabels).toEqual({ 'success/miss': 1, 'success/hit': 1, 'fail/undefined': 1 });
    for (const point of durations) expect(point.value.sum).toBeLessThan(5); // seconds, not milliseconds
    const lookups = await sdk.points('lwa.cache.lookups');
    expect(Object.fromEntries(lookups.map((p) => [p.attributes['lwa.cache'], p.value]))).toEqual({ miss: 1, hit: 1 });
    const upstream = await sdk.points<Histogram>('lwa.upstream.duration');
    expect(upstream.map((p) => [p.attributes['lwa.endpoint'], p.attributes['http.response.status_code'], countOf(p)]).sort())
      .toEqual([['profile', 200, 1], ['tokeninfo', 200, 1]]);
  });

  test('lwa.store.errors counts failed store operations by operation and reason', async () => {
    const store: CacheStore = { get: () => Promise.reject(new Error('down')), set: () => Promise.resolve(true) };
    await authenticate(strategy({ cache: { store, secret: 'x'.repeat(32) } }), bearer(amazon.issueToken()));
    dc.channel(CACHE_CHANNEL).publish({ type: 'circuit-close' }); // other cache events are not errors
    const errors = await sdk.points('lwa.store.errors');
    expect(errors.map((p) => [p.attributes, p.value])).toEqual([[{ 'lwa.store.operation': 'get', 'error.type': 'failed' }, 1]]);
  });
});

describe('attributes set only when known, durations from the start of what they time', () => {
  test('a first attempt has no resend count, and its span carries Amazon\'s request id', async () => {
    await authenticate(strategy(), bearer(amazon.issueToken()));
    const clients = named('GET');
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect('http.request.resend_count' in client.attributes).toBe(false);
      expect(client.attributes['lwa.request_id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test('each duration is at most the time the test took', async () => {
    const before = performance.now();
    await authenticate(strategy(), bearer(amazon.issueToken()));
    const elapsed = (performance.now() - before) / 1000;
    const points = [...await sdk.points<Histogram>('lwa.authenticate.duration'), ...await sdk.points<Histogram>('lwa.upstream.duration')];
    expect(points).toHaveLength(3);
    for (const point of points) {
      expect(point.value.sum).toBeGreaterThanOrEqual(0);
      expect(point.value.sum).toBeLessThanOrEqual(elapsed);
    }
  });

  test('metric attributes: error.type on a failed attempt, no status where there was no answer, no cache where there was no lookup', async () => {
    amazon.fault('tokeninfo', { status: 500, times: 1 });
    await authenticate(strategy({ profile: false }), bearer(amazon.issueToken()));
    await authenticate(strategy(), { headers: {}, query: {}, body: {} });
    const upstream = await sdk.points<Histogram>('lwa.upstream.duration');
    expect(upstream.map((p) => p.attributes).sort((a, b) => String(a['error.type']).localeCompare(String(b['error.type'])))).toStrictEqual([
      { 'lwa.endpoint': 'tokeninfo', 'http.response.status_code': 500, 'error.type': '500' },
      { 'lwa.endpoint': 'tokeninfo', 'http.response.status_code': 200 },
    ]);
    const auth = await sdk.points<Histogram>('lwa.authenticate.duration');
    expect(auth.map((p) => p.attributes).find((a) => a['lwa.outcome'] === 'fail')).toStrictEqual({ 'lwa.outcome': 'fail' });
  });
});

describe('a tracer other than the SDK, which keeps whatever it is handed', () => {
  // The SDK drops an attribute whose value is undefined; the API's AttributeValue does not admit one,
  // so the bridge must not hand one to a tracer that stores it as given.
  test('no attribute is ever set to undefined: not the status or request id of an attempt without an answer, not enduser.id of a fail', async () => {
    const set: [string, unknown][] = [];
    const span = {
      setAttribute(key: string, value: unknown) { set.push([key, value]); return span; },
      setAttributes(attributes: Record<string, unknown>) { set.push(...Object.entries(attributes)); return span; },
      setStatus: () => span,
      end: () => undefined,
      spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
      isRecording: () => true,
    };
    const tracerProvider = { getTracer: () => ({
      startSpan: (_name: string, options: { attributes?: Record<string, unknown> }) => { set.push(...Object.entries(options.attributes ?? {})); return span; },
    }) } as unknown as NonNullable<Parameters<typeof instrumentLoginWithAmazon>[0]>['tracerProvider'];
    instrumentation.disable();
    instrumentation = instrumentLoginWithAmazon({ tracerProvider, meterProvider: sdk.meterProvider, recordUserId: true });
    amazon.fault('tokeninfo', { delayMs: 500, times: 1 });
    expect(await authenticate(strategy({ retries: 0, profile: false, timeout: 50 }), bearer(amazon.issueToken()))).toMatchObject({ kind: 'error' });
    const timedOut = set.splice(0);
    expect(await authenticate(strategy(), { headers: {}, query: {}, body: {} })).toMatchObject({ kind: 'fail' });
    const failed = set.splice(0);
    expect(await authenticate(strategy({ profile: false }), bearer(amazon.issueToken()))).toMatchObject({ kind: 'success' });
    const succeeded = set.splice(0);
    const known = (recorded: [string, unknown][]): [string, unknown][] => recorded
      .filter(([key]) => ['http.response.status_code', 'lwa.request_id', 'enduser.id', 'error.type'].includes(key))
      .map(([key, value]): [string, unknown] => [key, key === 'lwa.request_id' ? typeof value : value]);
    // The attempt (no answer: no status, no request id), then the authentication (an error, 504, no user).
    expect(known(timedOut)).toEqual([['error.type', 'LWA_TIMEOUT'], ['http.response.status_code', 504], ['error.type', 'LWA_TIMEOUT']]);
    // No upstream call; a fail has a status but no user.
    expect(known(failed)).toEqual([['http.response.status_code', 401], ['error.type', '401']]);
    // The attempt answered (status, request id); the success has a status and a user.
    expect(known(succeeded)).toEqual([['http.response.status_code', 200], ['lwa.request_id', 'string'], ['http.response.status_code', 200], ['enduser.id', expect.any(String)]]);
    // The channel's type leaves an outcome's status and user optional: one published by hand without them.
    const channel = dc.tracingChannel<unknown, object>(AUTHENTICATE_CHANNEL);
    const bare = { strategy: 'by-hand', outcome: 'success' };
    channel.start.runStores(bare, () => undefined);
    channel.asyncEnd.publish(bare);
    const byHand = set.splice(0);
    expect(byHand).toEqual([['lwa.strategy', 'by-hand'], ['lwa.outcome', 'success']]);
    expect([...timedOut, ...failed, ...succeeded].filter(([, value]) => value === undefined)).toEqual([]);
  });
});
