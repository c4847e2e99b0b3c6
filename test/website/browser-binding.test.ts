/**
 * Login CSRF with an app's own store: a store that keeps records by `state` alone binds nothing to
 * the browser, so the strategy does (a nonce cookie per sign-in, its hash in the record). The
 * attack of issue 14: the attacker starts a sign-in, stops at Amazon's redirect back, and has the
 * victim's browser open that callback URL. On every framework, without any session middleware.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import type { RunningApp } from '../helpers/code-grant-frameworks.js';
import { SESSIONLESS_FRAMEWORKS } from '../helpers/sessionless-frameworks.js';
import { stateKeyedStore } from '../helpers/state-keyed-store.js';

const ADA = { user_id: 'amzn1.account.ABINDING0ADA', name: 'Ada Lovelace' };
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.binding', user: ADA }); });
afterAll(async () => { await amazon.close(); });

const frameworks = SESSIONLESS_FRAMEWORKS;

describe.each(frameworks)('%s with a state-keyed store and no session', (_name, start, refused) => {
  let app: RunningApp;
  let store: ReturnType<typeof stateKeyedStore>;
  beforeAll(async () => {
    store = stateKeyedStore();
    app = await start(amazon, { store, sessions: false });
  });
  afterAll(async () => { await app.close(); });
  afterEach(() => { amazon.reset(); });

  test('signs in through Amazon in the browser that started', async () => {
    const { res, hops } = await new CookieBrowser(app.url).follow(`${app.url}/auth/amazon`);
    expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/auth/amazon', '/ap/oa', '/auth/amazon/callback']);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: ADA.user_id } });
    expect(store.pending.size).toBe(0);
  });

  test('the login CSRF: the attacker\'s callback URL opened in the victim\'s browser signs nobody in, and no code is exchanged', async () => {
    const attacker = new CookieBrowser(app.url);
    const { stoppedAt } = await attacker.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
    const victim = new CookieBrowser(app.url);
    const res = await victim.request(stoppedAt ?? '');
    expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status: refused, location: refused === 302 ? '/login' : null });
    expect(amazon.calls.token).toBe(0);
    expect(store.pending.size).toBe(0); // the attacker's record is used up too
  });

  test('the binding cookie is HttpOnly, SameSite=Lax, Path=/ (plain name on an http callback), short-lived, and cleared at the callback', async () => {
    const browser = new CookieBrowser(app.url);
    const res = await browser.request(`${app.url}/auth/amazon`);
    const [line, ...others] = res.headers.getSetCookie().filter((l) => l.startsWith('lwa_bind_'));
    expect(others).toEqual([]);
    expect(line).toMatch(/^lwa_bind_[\w-]{16}=[\w-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const location = res.headers.get('location') ?? '';
    const { res: done, hops } = await browser.follow(location);
    expect(done.status).toBe(200);
    const callback = await fetch(hops[1]?.url ?? '', { redirect: 'manual' }); // replayed without cookies: refused
    expect(callback.status).toBe(refused);
    expect([...browser.cookies.keys()].filter((name) => name.startsWith('lwa_bind_'))).toEqual([]);
  });

  test('several tabs sign in at once, finished in any order', async () => {
    const browser = new CookieBrowser(app.url);
    const stops: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
      stops.push(stoppedAt ?? '');
    }
    for (const stop of stops.reverse()) expect((await browser.request(stop)).status).toBe(200);
    expect(amazon.calls.token).toBe(3);
  });
});
