/**
 * cookieStateStore: pending sign-ins sealed (AES-256-GCM) in a cookie per sign-in, no session and
 * no server memory. Unit tests of the seal (tampered, expired, replayed, foreign, rotation, size,
 * the secret option), then whole sign-ins on every framework without any session middleware.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { cookieStateStore, MAX_STATE_COOKIE_LENGTH, type StoredState } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import type { RunningApp } from '../helpers/code-grant-frameworks.js';
import { SESSIONLESS_FRAMEWORKS } from '../helpers/sessionless-frameworks.js';

const SECRET = 'cookie-state-secret-0123456789abcdef';
const OLD_SECRET = 'cookie-state-secret-OLD-0123456789abcd';
const A = { strategy: 'amazon', callbackURL: 'https://app.example.com/auth/amazon/callback' };
const STATE = 'S'.repeat(43);
const record = (patch: Partial<StoredState> = {}): StoredState => ({
  verifierSeed: 'seed'.padEnd(43, 'x'), redirectURI: A.callbackURL, expiresAt: Date.now() + 60_000, requestedScope: ['profile'], ...patch,
});

/** A request whose response collects Set-Cookie lines (Express's res.append), carrying `cookie`. */
function exchange(cookie = ''): { req: unknown; set: string[] } {
  const set: string[] = [];
  return { req: { headers: { cookie }, res: { append: (_name: string, line: string) => { set.push(line); } } }, set };
}

const pairOf = (line = ''): string => line.split(';')[0] ?? '';

async function sealed(store = cookieStateStore({ secret: SECRET }), r = record(), context = A, state = STATE): Promise<string> {
  const { req, set } = exchange();
  await store.save(req, state, r, context);
  expect(set).toHaveLength(1);
  return set[0] ?? '';
}

describe('cookieStateStore: the seal', () => {
  test('a cookie per sign-in: a __Host- name, HttpOnly, SameSite=Lax, Secure and Path=/ with an https callback, Max-Age to the record\'s expiry', async () => {
    const line = await sealed();
    expect(line).toMatch(/^__Host-lwa_state_[\w-]{16}=v1\.[\w-]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax; Secure$/);
    expect(pairOf(line).length).toBeLessThan(MAX_STATE_COOKIE_LENGTH);
  });

  test('opens in the request that carries it, once; the cookie is cleared as it is taken', async () => {
    const store = cookieStateStore({ secret: SECRET });
    const cookie = pairOf(await sealed(store));
    const { req, set } = exchange(cookie);
    await expect(store.take(req, STATE, A)).resolves.toEqual(record({ expiresAt: expect.any(Number) as unknown as number }));
    expect(set).toEqual([expect.stringMatching(/^__Host-lwa_state_[\w-]{16}=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970/)]);
    await expect(store.take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined(); // replayed: refused in this process
  });

  test('nothing in the cookie is readable: no seed, no redirect URI, no app state', async () => {
    const line = await sealed(undefined, record({ appState: { returnTo: '/secret-cart' } }));
    const value = decodeURIComponent(pairOf(line).split('=')[1] ?? '');
    const bytes = Buffer.from(value.slice(3), 'base64url').toString('latin1');
    for (const plain of ['seed', 'app.example.com', 'secret-cart', 'profile']) expect(bytes).not.toContain(plain);
  });

  test.each([
    ['tampered (one character of the sealed value changed)', (c: string) => c.slice(0, -5) + (c.at(-5) === 'A' ? 'B' : 'A') + c.slice(-4)],
    ['truncated', (c: string) => c.slice(0, 40)],
    ['not sealed at all', (c: string) => `${c.split('=')[0] ?? ''}=${Buffer.from(JSON.stringify({ s: STATE, r: record() })).toString('base64url')}`],
    ['another version', (c: string) => c.replace('=v1.', '=v2.')],
  ])('a %s cookie is refused', async (_name, edit) => {
    const store = cookieStateStore({ secret: SECRET });
    const cookie = edit(pairOf(await sealed(store)));
    await expect(store.take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined();
  });

  test('an expired record is refused even with a good seal', async () => {
    const store = cookieStateStore({ secret: SECRET });
    const cookie = pairOf(await sealed(store, record({ expiresAt: Date.now() + 10 })));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await expect(store.take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined();
  });

  test.each([
    ['another strategy name', { ...A, strategy: 'amazon-eu' }, STATE],
    ['another callback URL', { ...A, callbackURL: 'https://other.example.com/auth/amazon/callback' }, STATE],
    ['another state (the cookie of another sign-in)', A, 'T'.repeat(43)],
  ])('a foreign cookie is refused: %s', async (_name, context, state) => {
    const store = cookieStateStore({ secret: SECRET });
    const [name = '', value = ''] = pairOf(await sealed(store)).split('=');
    // Presented under the name the other strategy / state looks for, as an attacker would.
    const other = exchange();
    await store.save(other.req, state, record(), context);
    const otherName = pairOf(other.set[0]).split('=')[0] ?? '';
    // The name depends on the strategy and the state only: for another callback URL the value is presented under its own name.
    expect(otherName === name).toBe(context.strategy === A.strategy && state === STATE);
    await expect(store.take(exchange(`${name}=${value}`).req, STATE, A)).resolves.toBeDefined(); // the value itself is good
    await expect(store.take(exchange(`${otherName}=${value}`).req, state, context)).resolves.toBeUndefined();
  });

  test('on https, a good seal under the plain (pre-__Host-) name is never read', async () => {
    const store = cookieStateStore({ secret: SECRET });
    const [name = '', value = ''] = pairOf(await sealed(store)).split('=');
    expect(name.startsWith('__Host-lwa_state_')).toBe(true);
    const { req, set } = exchange(`${name.slice('__Host-'.length)}=${value}`);
    await expect(store.take(req, STATE, A)).resolves.toBeUndefined();
    expect(set).toEqual([]);
    await expect(store.take(exchange(`${name}=${value}`).req, STATE, A)).resolves.toBeDefined(); // not used up by the ignored one
  });

  test('on an http (loopback) callback the name stays plain, without Secure', async () => {
    const line = await sealed(undefined, record(), { strategy: 'amazon', callbackURL: 'http://127.0.0.1:3000/cb' });
    expect(line).toMatch(/^lwa_state_[\w-]{16}=v1\.[\w-]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/);
  });

  test.each<[string, Record<string, unknown>, number]>([
    ['no maxPendingPerBrowser in the context (a store called by hand): the default 5', {}, 2],
    ['maxPendingPerBrowser: 2', { maxPendingPerBrowser: 2 }, 5],
    ['maxPendingPerBrowser: 1', { maxPendingPerBrowser: 1 }, 6],
    ['maxPendingPerBrowser 0: the default 5', { maxPendingPerBrowser: 0 }, 2],
    ['maxPendingPerBrowser 2.5: the default 5', { maxPendingPerBrowser: 2.5 }, 2],
    ['maxPendingPerBrowser "3": the default 5', { maxPendingPerBrowser: '3' }, 2],
  ])('save with 6 pending cookies sent, %s: the oldest are cleared before the new one is set', async (_name, patch, clears) => {
    const sent = Array.from({ length: 6 }, (_, i) => `__Host-lwa_state_${String(i).padStart(16, 'x')}`);
    const { req, set } = exchange(sent.map((n) => `${n}=v1.x`).join('; '));
    await cookieStateStore({ secret: SECRET }).save(req, STATE, record(), { ...A, ...patch });
    expect(set.map((line) => line.split(';')[0])).toEqual([...sent.slice(0, clears).map((n) => `${n}=`), expect.stringMatching(/^__Host-lwa_state_[\w-]{16}=v1\./)]);
  });

  test('a cookie sealed under another secret is refused', async () => {
    const cookie = pairOf(await sealed(cookieStateStore({ secret: OLD_SECRET })));
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(cookie).req, STATE, A)).resolves.toBeUndefined();
  });

  test('rotation: [new, old] opens cookies of both, and seals with the new one', async () => {
    const old = pairOf(await sealed(cookieStateStore({ secret: OLD_SECRET })));
    const rotated = cookieStateStore({ secret: [SECRET, OLD_SECRET] });
    await expect(rotated.take(exchange(old).req, STATE, A)).resolves.toMatchObject({ verifierSeed: record().verifierSeed });
    const fresh = pairOf(await sealed(rotated, record(), A, 'U'.repeat(43)));
    await expect(cookieStateStore({ secret: SECRET }).take(exchange(fresh).req, 'U'.repeat(43), A)).resolves.toBeDefined();
    await expect(cookieStateStore({ secret: OLD_SECRET }).take(exchange(fresh).req, 'U'.repeat(43), A)).resolves.toBeUndefined();
  });

  test('an app state too large for a cookie is refused at save, before any cookie is set', async () => {
    const { req, set } = exchange();
    await expect(cookieStateStore({ secret: SECRET }).save(req, STATE, record({ appState: 'x'.repeat(4000) }), A)).rejects.toThrow(/longer than 3800 characters/);
    expect(set).toEqual([]);
  });

  test('without a response to set the cookie on, save rejects with the way out', async () => {
    await expect(cookieStateStore({ secret: SECRET }).save({ headers: {} }, STATE, record(), A)).rejects.toThrow(/fastifyReplyHook/);
  });

  test.each([
    ['no secret', {}],
    ['a short secret', { secret: 'short' }],
    ['an empty array', { secret: [] }],
    ['a short secret among good ones', { secret: [SECRET, 'short'] }],
    ['a number', { secret: 42 }],
  ])('%s is a TypeError naming "secret", quoting no value', (_name, options) => {
    expect(() => cookieStateStore(options as never)).toThrow(new TypeError('"secret" must be a string of at least 32 characters, or a non-empty array of such strings (newest first)'));
  });

  test('an unknown option is a TypeError; the secret is not in util.inspect of the store', () => {
    expect(() => cookieStateStore({ secret: SECRET, secrets: [] } as never)).toThrow(/unknown option "secrets"/);
    expect(inspect(cookieStateStore({ secret: SECRET }), { depth: 5, showHidden: true })).not.toContain(SECRET);
  });
});

const ADA = { user_id: 'amzn1.account.ACOOKIESTORE', name: 'Ada Lovelace' };
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.cookiestore', user: ADA }); });
afterAll(async () => { await amazon.close(); });

const frameworks = SESSIONLESS_FRAMEWORKS;

describe.each(frameworks)('%s with cookieStateStore and no session middleware', (_name, start, refused) => {
  let app: RunningApp;
  beforeAll(async () => { app = await start(amazon, { store: cookieStateStore({ secret: SECRET }), sessions: false }); });
  afterAll(async () => { await app.close(); });
  afterEach(() => { amazon.reset(); });

  test('signs in through Amazon; the cookie is cleared at the callback', async () => {
    const browser = new CookieBrowser(app.url);
    const { res } = await browser.follow(`${app.url}/auth/amazon`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: ADA.user_id } });
    expect([...browser.cookies.keys()]).toEqual([]);
  });

  test('several tabs at once, finished in any order', async () => {
    const browser = new CookieBrowser(app.url);
    const stops: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
      stops.push(stoppedAt ?? '');
    }
    expect([...browser.cookies.keys()].filter((n) => n.startsWith('lwa_state_'))).toHaveLength(3);
    for (const stop of [stops[1], stops[2], stops[0]]) expect((await browser.request(stop ?? '')).status).toBe(200);
    expect(amazon.calls.token).toBe(3);
  });

  test('the login CSRF: the attacker\'s callback URL in the victim\'s browser is refused, no code exchanged', async () => {
    const { stoppedAt } = await new CookieBrowser(app.url).follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
    expect((await new CookieBrowser(app.url).request(stoppedAt ?? '')).status).toBe(refused);
    expect(amazon.calls.token).toBe(0);
  });

  test('a replayed cookie (sent again with the same callback after sign-in) is refused', async () => {
    const browser = new CookieBrowser(app.url);
    const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
    const cookie = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    expect((await browser.request(stoppedAt ?? '')).status).toBe(200);
    const replay = await fetch(stoppedAt ?? '', { redirect: 'manual', headers: { cookie } });
    expect(replay.status).toBe(refused);
    expect(amazon.calls.token).toBe(1);
  });

  test('a tampered cookie is refused', async () => {
    const browser = new CookieBrowser(app.url);
    const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
    for (const [name, value] of browser.cookies) browser.cookies.set(name, `${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`);
    expect((await browser.request(stoppedAt ?? '')).status).toBe(refused);
    expect(amazon.calls.token).toBe(0);
  });
});
