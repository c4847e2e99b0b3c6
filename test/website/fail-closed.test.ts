/**
 * The website sign-in off its default path, against hostile input: a store that answers garbage,
 * a browser that sends garbage cookies or an endless state, a framework that gives the strategy no
 * response. Nobody is signed in, nothing reaches the token endpoint, every request gets an answer,
 * and no secret (client secret, cookie secret, nonce, verifier, code) is in any error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { cookieStateStore, type StateStore, type StoredState } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startCodeGrantApp, verifierOf, type CodeGrantApp } from '../helpers/code-grant-app.js';
import { startFastify } from '../helpers/code-grant-frameworks.js';
import { expectNoSecret } from '../helpers/leak.js';
import { stateKeyedStore } from '../helpers/state-keyed-store.js';

const COOKIE_SECRET = 'fail-closed-cookie-secret-0123456789abcdef';
let amazon: FakeAmazon;
let app: CodeGrantApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.failclosed', user: { user_id: 'amzn1.account.AFAILCLOSED' } }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

const BAD_STATE = { err: null, user: false, info: { message: 'unable to verify authorization request state' }, status: 403 };

async function callbackOf(target: CodeGrantApp, browser: CookieBrowser): Promise<URL> {
  const { stoppedAt } = await browser.follow(`${target.url}/auth/amazon`, { stopAt: (l) => l.startsWith(target.callbackURL) });
  return new URL(stoppedAt ?? '');
}

async function land(target: CodeGrantApp, browser: CookieBrowser | undefined, callback: URL, cookie?: string): Promise<unknown> {
  const url = `${target.url}/auth/amazon/custom${callback.search}`;
  const res = browser ? await browser.request(url) : await fetch(url, { headers: cookie === undefined ? {} : { cookie } });
  expect(res.status).toBe(200);
  return target.seen[0];
}

describe('a store that answers garbage', () => {
  const old = { verifier: 'v'.repeat(64), redirectURI: 'x', expiresAt: Date.now() + 60_000 }; // a record of the previous version
  test.each<[string, unknown]>([
    ['null', null], ['a string', 'record'], ['an empty object', {}], ['a record of the previous version (the verifier itself)', old],
    ['a record with a number for the seed', { verifierSeed: 1, redirectURI: 'x', expiresAt: Date.now() + 60_000, requestedScope: [] }],
    ['a record without requestedScope', { verifierSeed: 's', redirectURI: 'x', expiresAt: Date.now() + 60_000 }],
  ])('%s is the bad-state 403, no call to the token endpoint', async (_name, answer) => {
    const store: StateStore = { save: () => Promise.resolve(), take: () => Promise.resolve(answer as StoredState) };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store } });
    expect(await land(app, new CookieBrowser(app.url), await callbackOf(app, new CookieBrowser(app.url)))).toEqual(BAD_STATE);
    expect(amazon.calls.token).toBe(0);
  });

  test('a state longer than 512 characters is refused without asking the store', async () => {
    let takes = 0;
    const store: StateStore = { save: () => Promise.resolve(), take: () => { takes += 1; return Promise.resolve(undefined); } };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store } });
    expect(await land(app, undefined, new URL(`${app.callbackURL}?code=ANx&state=${'s'.repeat(10_000)}`))).toEqual(BAD_STATE);
    expect(takes).toBe(0);
  });
});

describe('a store that never answers', () => {
  test.each(['save', 'take'] as const)('a %s() that stalls ends in error() within "timeout", nobody signed in, no code exchanged', async (stalls) => {
    const store: StateStore = {
      save: () => (stalls === 'save' ? new Promise<void>(() => undefined) : Promise.resolve()),
      take: () => new Promise<undefined>(() => undefined),
    };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store, timeout: 200 } });
    const res = await new CookieBrowser(app.url).follow(`${app.url}/auth/amazon`);
    expect(res.res.status).toBe(500);
    expect(app.errors).toEqual([new Error(`the state store's ${stalls}() did not answer within "timeout" (200 ms)`)]);
    expect(amazon.calls.token).toBe(0);
  });
});

describe('a hostile browser', () => {
  test.each([
    ['a hundred forged binding cookies', (name: string) => Array.from({ length: 100 }, (_, i) => `${name}=${'A'.repeat(43 - String(i).length)}${String(i)}`).join('; ')],
    ['a 6000-character binding cookie', (name: string) => `${name}=${'x'.repeat(6000)}`],
    ['malformed cookie pairs', (name: string) => `=;;==; ${name}; ${name}==; ;=${name}`],
  ])('%s with a state-keyed store: the bad-state 403', async (_name, cookies) => {
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store: stateKeyedStore() } });
    const attacker = new CookieBrowser(app.url);
    const callback = await callbackOf(app, attacker);
    const [bindingName = ''] = [...attacker.cookies.keys()];
    expect(bindingName).toMatch(/^lwa_bind_/);
    expect(await land(app, undefined, callback, cookies(bindingName))).toEqual(BAD_STATE);
    expect(amazon.calls.token).toBe(0);
  });

  test.each([
    ['not base64', 'v1.%%%%'], ['empty after the version', 'v1.'], ['8000 characters', `v1.${'A'.repeat(8000)}`], ['JSON', '{"s":"x"}'],
  ])('a sealed-state cookie that is %s: the bad-state 403', async (_name, value) => {
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store: cookieStateStore({ secret: COOKIE_SECRET }) } });
    const attacker = new CookieBrowser(app.url);
    const callback = await callbackOf(app, attacker);
    const [name = ''] = [...attacker.cookies.keys()];
    expect(await land(app, undefined, callback, `${name}=${value}`)).toEqual(BAD_STATE);
    expect(amazon.calls.token).toBe(0);
  });
});

describe('a framework that hands the strategy no response', () => {
  test('Fastify without fastifyReplyHook and a custom store: the redirect leg is an error naming the hook, nothing stored, no redirect', async () => {
    const store = stateKeyedStore();
    const fastify = await startFastify(amazon, { store, sessions: false, noReplyHook: true });
    try {
      const res = await fetch(`${fastify.url}/auth/amazon`, { redirect: 'manual' });
      expect(res.status).toBe(500);
      expect(res.headers.get('location')).toBeNull();
      expect(store.pending.size).toBe(0);
      expect(amazon.calls.authorization).toBe(0);
    } finally {
      await fastify.close();
    }
  });
});

describe('no secret in any error of these paths', () => {
  test.each([
    ['a state-keyed store', () => stateKeyedStore()],
    ['cookieStateStore', () => cookieStateStore({ secret: COOKIE_SECRET })],
  ])('with %s, an error at the token endpoint holds neither client secret, cookie secret, cookie value (nonce or seal), verifier nor code', async (_name, store) => {
    const s = store();
    let saved: StoredState | undefined;
    const spy: StateStore = { save: async (req, state, record, context) => { saved = record; await s.save(req, state, record, context); }, take: (req, state, context) => s.take(req, state, context) };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store: spy } });
    amazon.fault('token', { status: 503, body: { error: 'ServerError', error_description: 'down' } });
    const browser = new CookieBrowser(app.url);
    const callback = await callbackOf(app, browser);
    const cookieValues = [...browser.cookies.values()];
    const seen = await land(app, browser, callback) as { err: unknown };
    expect(seen.err).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', endpoint: 'token' });
    const secrets = [amazon.clientSecret, COOKIE_SECRET, ...cookieValues, verifierOf(amazon, saved), saved?.verifierSeed ?? '', callback.searchParams.get('code') ?? ''];
    expect(secrets.every((x) => x.length >= 20)).toBe(true);
    for (const secret of secrets) expectNoSecret(seen.err, secret);
  });

  test('the errors of cookieStateStore and of the missing response name no secret', async () => {
    const store = cookieStateStore({ secret: COOKIE_SECRET });
    const errors: unknown[] = [];
    const record: StoredState = { verifierSeed: 'seed-0123456789-0123456789-0123456789', redirectURI: 'https://a.example/cb', expiresAt: Date.now() + 1000, requestedScope: [], appState: 'x'.repeat(5000) };
    await store.save({ res: { append: () => undefined } }, 's', record, { strategy: 'amazon', callbackURL: 'https://a.example/cb' }).catch((err: unknown) => errors.push(err));
    await store.save({}, 's', { ...record, appState: undefined }, { strategy: 'amazon', callbackURL: 'https://a.example/cb' }).catch((err: unknown) => errors.push(err));
    expect(errors).toHaveLength(2);
    for (const err of errors) for (const secret of [COOKIE_SECRET, record.verifierSeed]) expectNoSecret(err, secret);
  });
});
