/**
 * The OpenTelemetry bridge on the code grant (in-memory exporters, async-hooks context manager):
 * each leg is an `lwa.authenticate` span like the token strategy's, the redirect leg with outcome
 * `redirect` and no error; the callback's calls to Amazon (a POST to the token endpoint, a GET of
 * the profile) are CLIENT spans under it; no span holds a code, state, verifier, token or secret.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import type { VerifyFunction } from '../../lib/index.js';
import { instrumentLoginWithAmazon, type LoginWithAmazonInstrumentation } from '../../lib/opentelemetry/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startCodeGrantApp, type CodeGrantApp } from '../helpers/code-grant-app.js';
import { createTestSdk, type TestSdk } from '../helpers/otel.js';

const ADA = { user_id: 'amzn1.account.AOTELWEBSITE', name: 'Ada Lovelace', email: 'ada@example.com' };
let amazon: FakeAmazon;
let sdk: TestSdk;
let instrumentation: LoginWithAmazonInstrumentation;
let app: CodeGrantApp;
let tokens: string[];

const remember: VerifyFunction = (accessToken, refreshToken, profile, done) => {
  tokens.push(accessToken, refreshToken ?? '');
  done(null, { id: profile.id });
};

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.otelweb', user: ADA });
  app = await startCodeGrantApp(amazon, { verify: remember });
});
afterAll(async () => {
  await app.close();
  await amazon.close();
});
beforeEach(() => {
  tokens = [];
  sdk = createTestSdk();
  instrumentation = instrumentLoginWithAmazon({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, recordUserId: true });
});
afterEach(async () => {
  instrumentation.disable();
  await sdk.shutdown();
  amazon.reset();
});

/** A whole sign-in; the secrets it handled (client secret, state, challenge, code, tokens). */
async function signIn(): Promise<{ status: number; secrets: string[] }> {
  const browser = new CookieBrowser(app.url);
  const { hops, stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.startsWith(app.callbackURL) });
  const authorize = new URL(hops[0]?.location ?? '');
  const callback = new URL(stoppedAt ?? '');
  const res = await browser.request(callback.href);
  const secrets = [amazon.clientSecret, authorize.searchParams.get('state'), authorize.searchParams.get('code_challenge'), callback.searchParams.get('code'), ...tokens];
  return { status: res.status, secrets: secrets.filter((s): s is string => typeof s === 'string' && s !== '') };
}

const named = (name: string): ReturnType<TestSdk['spans']> => sdk.spans().filter((s) => s.name === name);

describe('the bridge on the code grant', () => {
  test('a sign-in: a redirect span (302, no error), then a success span with the token POST and the profile GET under it', async () => {
    const { status, secrets } = await signIn();
    expect(status).toBe(200);
    const [redirect, callback] = named('lwa.authenticate');
    expect(redirect?.kind).toBe(SpanKind.INTERNAL);
    expect(redirect?.attributes).toEqual({ 'lwa.strategy': 'amazon', 'lwa.outcome': 'redirect', 'http.response.status_code': 302 });
    expect(redirect?.status.code).toBe(SpanStatusCode.UNSET);
    expect(callback?.attributes).toEqual({ 'lwa.strategy': 'amazon', 'lwa.outcome': 'success', 'http.response.status_code': 200, 'enduser.id': ADA.user_id });
    const clients = sdk.spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients.map((s) => [s.name, s.attributes['lwa.endpoint'], s.attributes['http.request.method']])).toEqual([['POST', 'token', 'POST'], ['GET', 'profile', 'GET']]);
    for (const client of clients) expect(client.parentSpanContext?.spanId).toBe(callback?.spanContext().spanId);
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const recorded = JSON.stringify(sdk.spans().map((s) => [s.name, s.attributes, s.status, s.events]));
    for (const secret of secrets) expect(recorded).not.toContain(secret);
  });

  test('the token endpoint down: the callback span has status ERROR, 502 and error.type LWA_UPSTREAM_STATUS', async () => {
    amazon.fault('token', { status: 503 });
    const { status } = await signIn();
    expect(status).toBe(502);
    const callback = named('lwa.authenticate').at(-1);
    expect(callback?.attributes).toMatchObject({ 'lwa.outcome': 'error', 'http.response.status_code': 502, 'error.type': 'LWA_UPSTREAM_STATUS' });
    expect(callback?.status.code).toBe(SpanStatusCode.ERROR);
  });

  test('lwa.authenticate.duration counts each leg by its outcome', async () => {
    await signIn();
    const points = await sdk.points<Histogram>('lwa.authenticate.duration');
    expect(points.map((p) => [p.attributes['lwa.outcome'], p.value.count]).sort()).toEqual([['redirect', 1], ['success', 1]]);
  });
});
