/** The redirect leg: a 302 to Amazon's authorization page with PKCE and a state kept server-side. */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { SESSION_KEY, type StateStore, type StoredState } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { startCodeGrantApp, verifierOf, type CodeGrantApp } from '../helpers/code-grant-app.js';
import { CookieBrowser } from '../helpers/browser-jar.js';

let amazon: FakeAmazon;
let app: CodeGrantApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.redirect' }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

async function redirectOf(path = '/auth/amazon'): Promise<{ location: URL; browser: CookieBrowser }> {
  app ??= await startCodeGrantApp(amazon);
  const browser = new CookieBrowser(app.url);
  const res = await browser.request(`${app.url}${path}`);
  expect(res.status).toBe(302);
  return { location: new URL(res.headers.get('location') ?? ''), browser };
}

function pendingOf(sessions: Record<string, Record<string, unknown>>): Record<string, StoredState> {
  const [only] = Object.values(sessions);
  return ((only?.[SESSION_KEY] ?? {}) as Record<string, Record<string, StoredState>>).amazon ?? {};
}

describe('the redirect to Amazon', () => {
  test('is a 302 to the authorization URL with client_id, scope, response_type=code, redirect_uri, state and an S256 challenge', async () => {
    const { location } = await redirectOf();
    expect(`${location.origin}${location.pathname}`).toBe(amazon.codeGrant.authorizationURL);
    const q = Object.fromEntries(location.searchParams);
    expect(Object.keys(q).sort()).toEqual(['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(q).toMatchObject({ client_id: amazon.clientID, scope: 'profile', response_type: 'code', redirect_uri: app?.callbackURL, code_challenge_method: 'S256' });
    expect(q.state).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(q.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('keeps a verifier seed (not the verifier) in the session under SESSION_KEY, keyed by state; the challenge is the SHA-256 of the derived verifier', async () => {
    const { location } = await redirectOf();
    const pending = pendingOf(await (app as CodeGrantApp).sessions());
    const state = location.searchParams.get('state') ?? '';
    const record = pending[state];
    expect(record?.verifierSeed).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(record ?? {}).sort()).toEqual(['expiresAt', 'redirectURI', 'requestedScope', 'verifierSeed']);
    const verifier = verifierOf(amazon, record);
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(location.searchParams.get('code_challenge'));
    expect(JSON.stringify(record)).not.toContain(verifier);
    expect(record?.redirectURI).toBe(app?.callbackURL);
    expect(location.href).not.toContain(verifier);
    expect(location.href).not.toContain(amazon.clientSecret);
  });

  test('draws a fresh state and verifier each time', async () => {
    const first = await redirectOf();
    const second = await redirectOf();
    expect(first.location.searchParams.get('state')).not.toBe(second.location.searchParams.get('state'));
    expect(first.location.searchParams.get('code_challenge')).not.toBe(second.location.searchParams.get('code_challenge'));
  });

  test('expires a pending request after stateTTL (default 10 minutes)', async () => {
    const before = Date.now();
    const { location } = await redirectOf();
    const record = pendingOf(await (app as CodeGrantApp).sessions())[location.searchParams.get('state') ?? ''];
    expect(record?.expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(record?.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  test('keeps the app state server-side: it is in the session, not in the URL', async () => {
    const { location } = await redirectOf('/auth/amazon?returnTo=%2Fcart%2Fsecret-path');
    expect(location.href).not.toContain('secret-path');
    const record = pendingOf(await (app as CodeGrantApp).sessions())[location.searchParams.get('state') ?? ''];
    expect(record?.appState).toEqual({ returnTo: '/cart/secret-path' });
  });

  test('asks for the strategy\'s scopes, space-separated', async () => {
    app = await startCodeGrantApp(amazon, { options: { scope: ['profile', 'postal_code'] } });
    const { location } = await redirectOf();
    expect(location.searchParams.get('scope')).toBe('profile postal_code');
  });

  test('without a session and without a store, answers with an error naming both ways out', async () => {
    app = await startCodeGrantApp(amazon, { noSession: true });
    const res = await fetch(`${app.url}/auth/amazon`, { redirect: 'manual' });
    expect(res.status).toBe(500);
    const [err] = app.errors as Error[];
    expect(err?.message).toContain('session');
    expect(err?.message).toContain('"store"');
  });

  test('uses a pluggable store instead of the session', async () => {
    const saved = new Map<string, StoredState>();
    const store: StateStore = {
      save: async (_req, state, record) => { saved.set(state, record); },
      take: async (_req, state) => { const r = saved.get(state); saved.delete(state); return r; },
    };
    app = await startCodeGrantApp(amazon, { noSession: true, options: { store } });
    const browser = new CookieBrowser(app.url);
    const { res } = await browser.follow(`${app.url}/auth/amazon`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: expect.stringMatching(/^amzn1\.account\./) } });
    expect(saved.size).toBe(0); // taken on the callback
    expect(app.errors).toEqual([]);
  });
});
