/**
 * The app-code strategy on the diagnostics channels: one `authenticate` trace per request with its
 * outcome (as the token strategy publishes it), the token endpoint and profile traced by the shared
 * client, and no secret in any context.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonCodeExchangeStrategy, type AuthenticateContext, type LoginWithAmazonStrategy, type UpstreamContext } from '../../lib/index.js';
import { createFakeAmazon, type AppAuthorization, type FakeAmazon } from '../../lib/testing/index.js';
import { accessTokenSent, ANDROID_REDIRECT, appCodeOptions, bodyOf, expectClean, toUser } from '../helpers/app-code.js';
import { authenticate, recordAuthenticate, recordUpstream, type Ended, type Recorded } from '../helpers/channels.js';

const ADA = { user_id: 'amzn1.account.AAPPTRACE', name: 'Ada' };
let amazon: FakeAmazon;
let strategy: LoginWithAmazonCodeExchangeStrategy;
let traces: Recorded<AuthenticateContext>;
let upstream: Recorded<UpstreamContext>;
beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.apptrace', user: ADA, redirectURIs: [ANDROID_REDIRECT] });
  strategy = new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), toUser);
});
afterAll(async () => { await amazon.close(); });
afterEach(() => {
  traces.stop();
  upstream.stop();
  amazon.reset();
});

async function signIn(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Ended> {
  traces = recordAuthenticate<AuthenticateContext>();
  upstream = recordUpstream<UpstreamContext>();
  return authenticate(strategy as unknown as LoginWithAmazonStrategy, { headers, query: {}, body });
}

const phases = (): string[] => traces.events.map((e) => e.phase);
const last = (): AuthenticateContext | undefined => traces.events.at(-1)?.snapshot;
const secretsOf = (auth: AppAuthorization): string[] => [amazon.clientSecret, auth.code, auth.verifier];

describe('the authenticate trace', () => {
  test('success: strategy "amazon-code", outcome success, 200, the user id; the token endpoint (POST) and profile (GET) traced upstream', async () => {
    const auth = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    expect((await signIn(bodyOf(auth))).kind).toBe('success');
    expect(phases()).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(last()).toEqual({ strategy: 'amazon-code', outcome: 'success', status: 200, userId: ADA.user_id });
    const started = upstream.events.filter((e) => e.phase === 'start').map((e) => [e.snapshot.endpoint, e.snapshot.method]);
    expect(started).toEqual([['token', 'POST'], ['profile', 'GET']]);
    expectClean(inspect(traces.events, { depth: 10 }) + inspect(upstream.events, { depth: 10 }), [...secretsOf(auth), accessTokenSent(amazon)]);
  });

  test('a bad field: fail 400, no upstream trace', async () => {
    const auth = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    expect(await signIn(bodyOf(auth, { code_verifier: 'short' }))).toEqual({ kind: 'fail', status: 400 });
    expect(last()).toEqual({ strategy: 'amazon-code', outcome: 'fail', status: 400 });
    expect(upstream.events).toEqual([]);
  });

  test('a browser\'s cross-site request: fail 403, no upstream trace, no secret', async () => {
    const auth = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    expect(await signIn(bodyOf(auth), { host: 'api.example', origin: 'https://attacker.example' })).toEqual({ kind: 'fail', status: 403 });
    expect(last()).toEqual({ strategy: 'amazon-code', outcome: 'fail', status: 403 });
    expect(upstream.events).toEqual([]);
    expectClean(inspect(traces.events, { depth: 10 }), secretsOf(auth));
  });

  test('invalid_grant: fail 401 with the code LWA_INVALID_GRANT', async () => {
    const auth = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    await signIn(bodyOf(auth, { code_verifier: 'V'.repeat(50) }));
    expect(last()).toEqual({ strategy: 'amazon-code', outcome: 'fail', status: 401, code: 'LWA_INVALID_GRANT' });
    expectClean(inspect(traces.events, { depth: 10 }), secretsOf(auth));
  });

  test('Amazon failing: error with its status and code, and the error on the error phase, without a secret', async () => {
    amazon.fault('token', { status: 500 });
    const auth = amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT });
    expect((await signIn(bodyOf(auth))).kind).toBe('error');
    expect(last()).toMatchObject({ strategy: 'amazon-code', outcome: 'error', status: 502, code: 'LWA_UPSTREAM_STATUS' });
    expect(phases()).toContain('error');
    expectClean(inspect(traces.events, { depth: 10 }), secretsOf(auth));
  });
});
