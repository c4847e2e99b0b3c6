/**
 * The code grant on the `authenticate` tracing channel, as the token strategy is traced: one trace
 * per leg (the redirect leg ends in `redirect`, 302), with the outcome, status, error code, Amazon's
 * user id on success and the strategy's name, following the TracingChannel contract, and no code,
 * state, PKCE verifier or challenge, token or client secret anywhere in any context.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { AuthenticateContext, VerifyFunction } from '../../lib/index.js';
import { TokenEndpoint } from '../../lib/amazon/token-endpoint.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { recordAuthenticate, type Recorded } from '../helpers/channels.js';
import { startCodeGrantApp, type CodeGrantApp, type CodeGrantAppOptions } from '../helpers/code-grant-app.js';

const ADA = { user_id: 'amzn1.account.ATRACEDWEBSITE', name: 'Ada Lovelace', email: 'ada@example.com' };
let amazon: FakeAmazon;
let app: CodeGrantApp | undefined;
let auth: Recorded<AuthenticateContext>;
/** Every secret the flow handled: the code, state, challenge, verifier, tokens, and the client secret. */
let secrets: string[];
let exchanges: { mock: { calls: unknown[][] } };

beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.traced', user: ADA }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  auth.stop();
  jest.restoreAllMocks();
  await app?.close();
  app = undefined;
  amazon.reset();
  amazon.consent = 'approve';
});

const remember: VerifyFunction = (accessToken, refreshToken, profile, done) => {
  secrets.push(accessToken, refreshToken ?? '');
  done(null, { id: profile.id });
};

async function serve(o: CodeGrantAppOptions = {}): Promise<CodeGrantApp> {
  secrets = [amazon.clientSecret];
  exchanges = jest.spyOn(TokenEndpoint.prototype, 'exchange'); // records the verifier each exchange sends
  app = await startCodeGrantApp(amazon, { verify: remember, ...o });
  auth = recordAuthenticate<AuthenticateContext>();
  return app;
}

/** Runs the redirect leg and Amazon's page; the callback URL, with its code and state noted as secrets. */
async function toCallback(target: CodeGrantApp, browser = new CookieBrowser(target.url)): Promise<{ browser: CookieBrowser; callback: URL }> {
  const { hops, stoppedAt } = await browser.follow(`${target.url}/auth/amazon`, { stopAt: (l) => l.startsWith(target.callbackURL) });
  const callback = new URL(stoppedAt ?? '');
  const authorize = new URL(hops[0]?.location ?? '');
  for (const [params, names] of [[authorize.searchParams, ['state', 'code_challenge']], [callback.searchParams, ['code', 'state']]] as const) {
    for (const name of names) secrets.push(params.get(name) ?? '');
  }
  return { browser, callback };
}

/** The final context of each trace, in order. */
const outcomes = (): AuthenticateContext[] => auth.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);

/** Searches every context of every phase (and the error in it) for every secret. */
function expectNoSecretInTraces(): void {
  const verifiers = exchanges.mock.calls.map((call) => String(call[1]));
  const known = [...secrets, ...verifiers].filter((s) => s !== '');
  expect(known.length).toBeGreaterThanOrEqual(4);
  for (const { context } of auth.events) {
    const views = [inspect(context, { depth: 10, showHidden: true }), JSON.stringify(context)];
    if (context.error) views.push(context.error.message, context.error.stack ?? '', inspect(context.error.cause, { depth: 10 }));
    for (const view of views) for (const secret of known) expect(view).not.toContain(secret);
  }
}

describe('the code grant on the authenticate channel', () => {
  test('a sign-in is two traces: the redirect leg (redirect, 302), then the callback (success, 200, Amazon\'s user id)', async () => {
    const target = await serve();
    const { browser, callback } = await toCallback(target);
    expect((await browser.request(callback.href)).status).toBe(200);
    expect(outcomes()).toEqual([
      { strategy: 'amazon', outcome: 'redirect', status: 302 },
      { strategy: 'amazon', outcome: 'success', status: 200, userId: ADA.user_id },
    ]);
    // Each trace: start and end around the synchronous part, then asyncStart and asyncEnd around the action.
    expect(auth.events.map((e) => e.phase)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd', 'start', 'end', 'asyncStart', 'asyncEnd']);
    expect(auth.events.slice(0, 2).map((e) => e.snapshot)).toEqual([{ strategy: 'amazon' }, { strategy: 'amazon' }]);
    expect(secrets.filter((s) => s !== '')).toHaveLength(7); // client secret, redirect state and challenge, code and state, both tokens
    expect(exchanges.mock.calls).toHaveLength(1); // and the verifier
    expectNoSecretInTraces();
  });

  test('the strategy\'s own name, and no trace at all while nobody listens', async () => {
    const target = await serve({ options: { name: 'lwa-web' } });
    auth.stop();
    await toCallback(target);
    expect(auth.events).toEqual([]);
    auth = recordAuthenticate<AuthenticateContext>();
    await toCallback(target);
    expect(outcomes()).toEqual([{ strategy: 'lwa-web', outcome: 'redirect', status: 302 }]);
  });

  test.each<[string, (target: CodeGrantApp) => Promise<void>, Partial<AuthenticateContext>]>([
    ['Cancel at Amazon: fail 401, no code', async (target) => {
      amazon.consent = 'deny';
      const { browser, callback } = await toCallback(target);
      await browser.request(callback.href);
    }, { outcome: 'fail', status: 401 }],
    ['a replayed callback: fail 403 (bad state)', async (target) => {
      const { browser, callback } = await toCallback(target);
      await browser.request(callback.href);
      auth.events.length = 0;
      await browser.request(callback.href);
    }, { outcome: 'fail', status: 403 }],
    ['a code Amazon does not know: fail 401 LWA_INVALID_GRANT', async (target) => {
      const { browser, callback } = await toCallback(target);
      callback.searchParams.set('code', 'ANbogus');
      await browser.request(callback.href);
    }, { outcome: 'fail', status: 401, code: 'LWA_INVALID_GRANT' }],
    ['the profile lacking a scope: fail 403 LWA_INSUFFICIENT_SCOPE', async (target) => {
      amazon.fault('profile', { status: 403, body: { error: 'insufficient_scope' } });
      const { browser, callback } = await toCallback(target);
      await browser.request(callback.href);
    }, { outcome: 'fail', status: 403, code: 'LWA_INSUFFICIENT_SCOPE' }],
    ['the token endpoint down: error 502 LWA_UPSTREAM_STATUS', async (target) => {
      amazon.fault('token', { status: 503 });
      const { browser, callback } = await toCallback(target);
      await browser.request(callback.href);
    }, { outcome: 'error', status: 502, code: 'LWA_UPSTREAM_STATUS' }],
  ])('%s', async (_name, run, expected) => {
    const target = await serve();
    await run(target);
    const last = outcomes().at(-1);
    expect(last).toMatchObject({ strategy: 'amazon', ...expected });
    expect(last?.code).toBe(expected.code); // and no code where the row names none
    expect(last?.userId).toBeUndefined();
    expect(outcomes().filter((o) => o.outcome === 'redirect')).toHaveLength(outcomes().length - 1);
    expectNoSecretInTraces();
  });

  test('a verify that throws: error 500 with the app\'s error, published on the error channel too', async () => {
    const target = await serve({ verify: (accessToken, refreshToken) => { secrets.push(accessToken, refreshToken ?? ''); throw new RangeError('app bug'); } });
    const { browser, callback } = await toCallback(target);
    await browser.request(callback.href);
    const last = outcomes().at(-1);
    expect(last).toMatchObject({ strategy: 'amazon', outcome: 'error', status: 500 });
    expect(last?.error).toBeInstanceOf(Error);
    expect(auth.events.filter((e) => e.phase === 'error')).toHaveLength(1);
    expectNoSecretInTraces();
  });

  test('the redirect leg without a session: error 500', async () => {
    const target = await serve({ noSession: true, options: {} });
    await new CookieBrowser(target.url).request(`${target.url}/auth/amazon`);
    expect(outcomes()).toMatchObject([{ strategy: 'amazon', outcome: 'error', status: 500 }]);
  });
});
