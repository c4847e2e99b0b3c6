/**
 * `profile: false`: tokeninfo alone. One upstream call per cold authentication, the same audience,
 * issuer and expiry checks, a profile with the user id and no name or email; a shared store never
 * serves a tokeninfo-only approval to a strategy that wants the profile.
 */
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type AmazonProfile, type CacheStore, type VerifyFunction } from '../../lib/index.js';
import type { FakeAmazon } from '../../lib/testing/index.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const CLIENT = 'amzn1.application-oa2-client.profile-off';
const SECRET = 'profile-off-secret-0123456789abcdef';
const suite = fakeAmazonSuite(CLIENT);
const { apps } = suite;

/** verify answers with the whole profile it was given. */
const echo: VerifyFunction = (_a, _r, profile, done) => { done(null, profile); };

async function start(options: { profile?: boolean; cache?: undefined | false | { store: CacheStore; secret: string } }): Promise<TestApp> {
  const app = await startApp(new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, ...options, cache: 'cache' in options ? options.cache : false }, echo));
  apps.push(app);
  return app;
}

async function me(app: TestApp, token: string): Promise<{ status: number; user?: AmazonProfile; challenge: string | null }> {
  const answer = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  const challenge = answer.headers.get('www-authenticate');
  if (answer.status !== 200) return { status: answer.status, challenge };
  return { status: 200, user: ((await answer.json()) as { user: AmazonProfile }).user, challenge };
}

function mapStore(): CacheStore & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    get: (key: string) => Promise.resolve(structuredClone(map.get(key))),
    set: (key: string, value: unknown) => { map.set(key, structuredClone(value)); return Promise.resolve(true); },
  };
}

describe('profile: false asks tokeninfo alone', () => {
  test('one tokeninfo call, no profile call; verify gets provider, id and tokeninfo\'s body, no name or email', async () => {
    const app = await start({ profile: false });
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.ONLYID', name: 'Not Asked', email: 'no@example.com' });
    const { status, user } = await me(app, token);
    expect(status).toBe(200);
    expect(suite.amazon.calls).toEqual({ tokeninfo: 1, profile: 0, token: 0, authorization: 0 });
    expect(user).toMatchObject({ provider: 'amazon', id: 'amzn1.account.ONLYID', displayName: '' });
    expect(user).not.toHaveProperty('emails');
    expect(user?._json).toMatchObject({ user_id: 'amzn1.account.ONLYID', aud: CLIENT, iss: 'https://www.amazon.com' });
    expect(user?._json).not.toHaveProperty('name');
    expect(JSON.parse(String(user?._raw))).toEqual(user?._json);
  });

  test('with the in-memory cache, a second request is served without Amazon, in the same shape', async () => {
    const app = await start({ profile: false, cache: undefined });
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.CACHED', name: 'Cached' });
    const first = await me(app, token);
    const second = await me(app, token);
    expect(second.status).toBe(200);
    expect(suite.amazon.calls).toEqual({ tokeninfo: 1, profile: 0, token: 0, authorization: 0 });
    expect(second.user).toEqual(first.user);
  });

  test('the default still asks both endpoints and gives the name', async () => {
    const { status, user } = await me(await start({}), suite.amazon.issueToken({ user_id: 'amzn1.account.BOTH', name: 'Both' }));
    expect(status).toBe(200);
    expect(user).toMatchObject({ id: 'amzn1.account.BOTH', displayName: 'Both' });
    expect(suite.amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
  });

  test.each<[string, (amazon: FakeAmazon) => string]>([
    ['issued to another client', (fake) => fake.issueToken({}, { aud: 'amzn1.application-oa2-client.someone-else' })],
    ['expired', (fake) => fake.issueToken({}, { expiresIn: -5 })],
    ['revoked', (fake) => { const token = fake.issueToken(); fake.revoke(token); return token; }],
    ['unknown to Amazon', () => `Atza|${'Q'.repeat(300)}`],
  ])('a token %s is still refused with 401 invalid_token', async (_name, issue) => {
    const { status, challenge } = await me(await start({ profile: false }), issue(suite.amazon));
    expect(status).toBe(401);
    expect(challenge).toMatch(/error="invalid_token"/);
    expect(suite.amazon.calls.profile).toBe(0);
  });
});

describe('a shared store between the two modes', () => {
  test('a tokeninfo-only approval is never served to a strategy that wants the profile', async () => {
    const store = mapStore();
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.MIXED', name: 'Mixed' });
    expect((await me(await start({ profile: false, cache: { store, secret: SECRET } }), token)).status).toBe(200);
    expect(store.map.size).toBe(1);
    const full = await me(await start({ cache: { store, secret: SECRET } }), token);
    expect(full.status).toBe(200);
    expect(full.user).toMatchObject({ id: 'amzn1.account.MIXED', displayName: 'Mixed' });
    expect(suite.amazon.calls).toEqual({ tokeninfo: 2, profile: 1, token: 0, authorization: 0 }); // a miss: Amazon asked for both
  });

  test('a full approval serves a tokeninfo-only strategy, trimmed to the tokeninfo-only profile', async () => {
    const store = mapStore();
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.TRIM', name: 'Trim', email: 'trim@example.com' });
    expect((await me(await start({ cache: { store, secret: SECRET } }), token)).status).toBe(200);
    const { status, user } = await me(await start({ profile: false, cache: { store, secret: SECRET } }), token);
    expect(status).toBe(200);
    expect(suite.amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 }); // served from the store
    expect(user).toMatchObject({ provider: 'amazon', id: 'amzn1.account.TRIM', displayName: '' });
    expect(user).not.toHaveProperty('emails');
    expect(user?._json).toMatchObject({ user_id: 'amzn1.account.TRIM', aud: CLIENT });
    expect(user?._json).not.toHaveProperty('name');
  });

  test('a tokeninfo-only entry re-labelled as a full one fails the MAC: a miss', async () => {
    const store = mapStore();
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.RELABEL' });
    expect((await me(await start({ profile: false, cache: { store, secret: SECRET } }), token)).status).toBe(200);
    const [[key, value]] = [...store.map] as [[string, { data: string }]];
    const data = JSON.parse(value.data) as { tokenInfoBody: string };
    store.map.set(key, { ...value, data: JSON.stringify({ ...data, profile: data.tokenInfoBody, tokenInfoBody: undefined }) });
    expect((await me(await start({ cache: { store, secret: SECRET } }), token)).status).toBe(200);
    expect(suite.amazon.calls).toEqual({ tokeninfo: 2, profile: 1, token: 0, authorization: 0 });
  });
});
