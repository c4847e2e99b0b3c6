/**
 * A refused request is traced on the `authenticate` channel (outcome `error`, status 503, code
 * `LWA_OVERLOADED`, no upstream trace) and counted by the OpenTelemetry bridge in
 * `lwa.authenticate.overloaded`, by strategy.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type AuthenticateContext, type UpstreamContext, type VerifyFunction } from '../../lib/index.js';
import { instrumentLoginWithAmazon } from '../../lib/opentelemetry/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { authenticate, bearer, recordAuthenticate, recordUpstream } from '../helpers/channels.js';
import { createTestSdk } from '../helpers/otel.js';

let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon(); });
afterAll(async () => { await amazon.close(); });

const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };

test('the refusal is traced as an error 503 LWA_OVERLOADED with no upstream call, and counted by strategy', async () => {
  const sdk = createTestSdk();
  const instrumentation = instrumentLoginWithAmazon({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  const traced = recordAuthenticate<AuthenticateContext>();
  const upstream = recordUpstream<UpstreamContext>();
  try {
    const strategy = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, maxWaitingForAmazon: 1, cache: false, name: 'flooded' }, toUser);
    amazon.fault('tokeninfo', { delayMs: 200, times: 1 });
    const waiting = authenticate(strategy, bearer(amazon.issueToken()));
    const refusedToken = amazon.issueToken();
    const refused = await authenticate(strategy, bearer(refusedToken));
    expect(refused).toMatchObject({ kind: 'error', error: { code: 'LWA_OVERLOADED' } });
    expect((await waiting).kind).toBe('success');
    const settled = traced.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);
    expect(settled).toHaveLength(2);
    expect(settled[0]).toMatchObject({ strategy: 'flooded', outcome: 'error', status: 503, code: 'LWA_OVERLOADED' });
    expect(settled[1]).toMatchObject({ strategy: 'flooded', outcome: 'success', status: 200 });
    expect(JSON.stringify(settled[0])).not.toContain(refusedToken);
    // Only the admitted request called Amazon: tokeninfo and profile, once each.
    expect(upstream.events.filter((e) => e.phase === 'start')).toHaveLength(2);
    const points = await sdk.points('lwa.authenticate.overloaded');
    expect(points.map((p) => [p.attributes, p.value])).toEqual([[{ 'lwa.strategy': 'flooded' }, 1]]);
  } finally {
    traced.stop();
    upstream.stop();
    instrumentation.disable();
    await sdk.shutdown();
  }
});

test('only a refusal is counted: a success, a fail (expired token) and a 504 leave lwa.authenticate.overloaded empty', async () => {
  const sdk = createTestSdk();
  const instrumentation = instrumentLoginWithAmazon({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  try {
    const strategy = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, maxWaitingForAmazon: 1, cache: false, retries: 0, timeout: 100, name: 'calm' }, toUser);
    expect((await authenticate(strategy, bearer(amazon.issueToken()))).kind).toBe('success');
    expect(await authenticate(strategy, bearer(amazon.issueToken({}, { expiresIn: 0 })))).toMatchObject({ kind: 'fail' });
    amazon.fault('tokeninfo', { delayMs: 500, times: 1 });
    expect(await authenticate(strategy, bearer(amazon.issueToken()))).toMatchObject({ kind: 'error', error: { code: 'LWA_TIMEOUT' } });
    expect(await sdk.points('lwa.authenticate.overloaded')).toEqual([]);
    expect((await sdk.points('lwa.authenticate.duration')).length).toBeGreaterThan(0);
  } finally {
    instrumentation.disable();
    await sdk.shutdown();
  }
});
