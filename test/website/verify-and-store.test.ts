/** The code grant's verify (passReqToCallback, info, errors), per-call scope, and a custom store that fails. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { StateStore, StoredState, VerifyFunctionWithRequest } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startCodeGrantApp, type CodeGrantApp } from '../helpers/code-grant-app.js';

let amazon: FakeAmazon;
let app: CodeGrantApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.verify', user: { user_id: 'amzn1.account.AVERIFY' } }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

async function signIn(target: CodeGrantApp, path = '/auth/amazon'): Promise<Response> {
  return (await new CookieBrowser(target.url).follow(`${target.url}${path}`)).res;
}

describe('verify', () => {
  test('with passReqToCallback, verify gets the request first', async () => {
    const seen: unknown[] = [];
    const verify: VerifyFunctionWithRequest = (req: { path?: string }, accessToken, _r, profile, done) => {
      seen.push(req.path, typeof accessToken);
      done(null, { id: profile.id });
    };
    app = await startCodeGrantApp(amazon, { options: { passReqToCallback: true } as never, verify: verify as never });
    expect((await signIn(app)).status).toBe(200);
    expect(seen).toEqual(['/auth/amazon/callback', 'string']);
  });

  test('an info object from verify is merged with the grant in req.authInfo', async () => {
    app = await startCodeGrantApp(amazon, { verify: async (_a, _r, profile) => { await Promise.resolve(); return { id: profile.id }; } });
    expect(await (await signIn(app)).json()).toMatchObject({ authInfo: { token: { expiresIn: 3600 } } });
    await app.close();
    app = await startCodeGrantApp(amazon, { verify: (_a, _r, profile, done) => { done(null, { id: profile.id }, { firstVisit: true }); } });
    expect(await (await signIn(app)).json()).toMatchObject({ authInfo: { firstVisit: true, token: { tokenType: 'bearer' } } });
    await app.close();
    // null (from JavaScript: the types do not admit it) is no info: the grant alone, not Passport's {}.
    app = await startCodeGrantApp(amazon, { verify: (_a, _r, profile, done) => { done(null, { id: profile.id }, null as never); } });
    const { authInfo } = await (await signIn(app)).json() as { authInfo: Record<string, unknown> };
    expect(Object.keys(authInfo)).toEqual(['token']);
    expect(authInfo.token).toMatchObject({ tokenType: 'bearer', expiresIn: 3600 });
  });

  test.each([
    ['a string info', 'only for staff', 'only for staff'],
    ['an info object with a message', { message: 'not invited' }, 'not invited'],
    ['no info', undefined, 'sign-in refused'],
    ['an info object without a message', { reason: 1 }, 'sign-in refused'],
  ])('a verify that rejects with %s fails 401 with that message', async (_name, info, message) => {
    app = await startCodeGrantApp(amazon, { verify: (_a, _r, _p, done) => { done(null, false, info); } });
    const browser = new CookieBrowser(app.url);
    const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/callback') });
    await browser.request(`${app.url}/auth/amazon/custom${new URL(stoppedAt ?? '').search}`);
    expect(app.seen[0]).toEqual({ err: null, user: false, info: { message }, status: 401 });
  });

  test('a verify that throws ends in error(), once', async () => {
    app = await startCodeGrantApp(amazon, { verify: () => { throw new Error('database down'); } });
    expect((await signIn(app)).status).toBe(500);
    expect(app.errors).toEqual([new Error('database down')]);
  });
});

describe('per-call scope', () => {
  test('a space-separated scope replaces the default for this sign-in', async () => {
    app = await startCodeGrantApp(amazon);
    const res = await new CookieBrowser(app.url).request(`${app.url}/auth/amazon?scope=${encodeURIComponent('profile:user_id postal_code')}`);
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('scope')).toBe('profile:user_id postal_code');
  });

  test('an unknown scope is an error(), nothing is redirected or stored', async () => {
    app = await startCodeGrantApp(amazon);
    const res = await new CookieBrowser(app.url).request(`${app.url}/auth/amazon?scope=email`);
    expect(res.status).toBe(500);
    expect((app.errors[0] as Error).message).toMatch(/^"scope" must be a non-empty array/);
    expect(await app.sessions()).toEqual({});
  });
});

describe('a custom store', () => {
  test('a save that rejects ends the redirect leg in error(), no redirect', async () => {
    const store: StateStore = { save: () => Promise.reject(new Error('store down')), take: () => Promise.resolve(undefined) };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store } });
    const res = await new CookieBrowser(app.url).request(`${app.url}/auth/amazon`);
    expect(res.status).toBe(500);
    expect(app.errors).toEqual([new Error('store down')]);
  });

  test('a take that rejects ends the callback in error(), no call to the token endpoint', async () => {
    const store: StateStore = { save: () => Promise.resolve(), take: () => Promise.reject(new Error('store down')) };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store } });
    expect((await signIn(app)).status).toBe(500);
    expect(app.errors).toEqual([new Error('store down')]);
    expect(amazon.calls.token).toBe(0);
  });

  test('a record past its expiresAt is refused even if the store returns it', async () => {
    let saved: StoredState | undefined;
    const store: StateStore = {
      save: (_req, _state, record) => { saved = record; return Promise.resolve(); },
      take: () => Promise.resolve(saved && { ...saved, expiresAt: Date.now() - 1 }), // the browser binding is intact
    };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store } });
    expect((await signIn(app)).status).toBe(401); // failureRedirect /login
    expect(amazon.calls.token).toBe(0);
  });
});
