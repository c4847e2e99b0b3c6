/** The token request (client authentication in the body or HTTP Basic, nothing in the URL) and refresh(). */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError, LoginWithAmazonOAuth2Strategy, type LoginWithAmazonTokenSet, type UpstreamContext } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { recordUpstream } from '../helpers/channels.js';
import { codeGrantOptions, startCodeGrantApp, type CodeGrantApp } from '../helpers/code-grant-app.js';
import { expectNoSecret } from '../helpers/leak.js';

let amazon: FakeAmazon;
let app: CodeGrantApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.tokenreq' }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

/** Signs in once; returns the refresh token verify received. */
async function signIn(clientAuthentication: 'body' | 'basic'): Promise<string> {
  const tokens: string[] = [];
  app = await startCodeGrantApp(amazon, {
    options: { clientAuthentication },
    verify: (_a, refreshToken, profile, done) => { tokens.push(refreshToken ?? ''); done(null, { id: profile.id }); },
  });
  const { res } = await new CookieBrowser(app.url).follow(`${app.url}/auth/amazon`);
  expect(res.status).toBe(200);
  return tokens[0] ?? '';
}

describe('the token request', () => {
  test('is a form POST with the client secret in the body by default, nothing in the URL', async () => {
    await signIn('body');
    const [request] = amazon.requests.filter((r) => r.endpoint === 'token');
    expect(request).toMatchObject({ method: 'POST', search: '' });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.formFields?.sort()).toEqual(['client_id', 'client_secret', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
  });

  test('with clientAuthentication "basic", the secret is in the Authorization header and not in the body', async () => {
    await signIn('basic');
    const [request] = amazon.requests.filter((r) => r.endpoint === 'token');
    expect(request?.headers.authorization).toMatch(/^Basic [A-Za-z0-9+/=]+$/);
    expect(request?.formFields?.sort()).toEqual(['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    expect(request?.search).toBe('');
  });
});

describe('refresh(refreshToken)', () => {
  test('resolves to a fresh token set whose access token works on the profile endpoint', async () => {
    const refreshToken = await signIn('body');
    expect(refreshToken).toMatch(/^Atzr\|/);
    const set: LoginWithAmazonTokenSet = await (app as CodeGrantApp).strategy.refresh(refreshToken);
    expect(set).toEqual({ accessToken: expect.stringMatching(/^Atza\|/), refreshToken, tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number) });
    const profile = await fetch(amazon.endpoints.profileURL, { headers: { authorization: `Bearer ${set.accessToken}` } });
    expect(profile.status).toBe(200);
    const [request] = amazon.requests.filter((r) => r.endpoint === 'token').slice(-1);
    expect(request?.formFields?.sort()).toEqual(['client_id', 'client_secret', 'grant_type', 'refresh_token']);
  });

  test('works with HTTP Basic too', async () => {
    const refreshToken = await signIn('basic');
    await expect((app as CodeGrantApp).strategy.refresh(refreshToken)).resolves.toMatchObject({ tokenType: 'bearer' });
  });

  test('a revoked refresh token rejects with LWA_INVALID_GRANT, which names neither token nor secret', async () => {
    const refreshToken = await signIn('body');
    expect(amazon.revoke(refreshToken)).toBe(true);
    const err = await (app as CodeGrantApp).strategy.refresh(refreshToken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    expect(err).toMatchObject({ code: 'LWA_INVALID_GRANT', status: 401, endpoint: 'token', upstreamStatus: 400, upstreamError: 'invalid_grant' });
    expectNoSecret(err, refreshToken);
    expectNoSecret(err, amazon.clientSecret);
  });

  test('a wrong client secret rejects with LWA_CLIENT_AUTH', async () => {
    const wrong = 'wrong-secret-for-refresh-0123456789abcdef';
    const strategy = new LoginWithAmazonOAuth2Strategy({ ...codeGrantOptions(amazon, 'http://127.0.0.1:1/cb'), clientSecret: wrong }, () => false);
    const token = 'Atzr|IwEBIsomerefreshtoken';
    const err = await strategy.refresh(token).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LWA_CLIENT_AUTH', status: 500 });
    for (const secret of [wrong, token]) expectNoSecret(err, secret);
  });

  test('a token endpoint outage is LWA_UPSTREAM_STATUS with endpoint "token", not retried', async () => {
    const strategy = new LoginWithAmazonOAuth2Strategy({ ...codeGrantOptions(amazon, 'http://127.0.0.1:1/cb'), retries: 2 }, () => false);
    amazon.fault('token', { status: 503 });
    await expect(strategy.refresh('Atzr|IwEBIx')).rejects.toMatchObject({ code: 'LWA_UPSTREAM_STATUS', endpoint: 'token', upstreamStatus: 503 });
    expect(amazon.calls.token).toBe(1);
  });

  test('an empty refresh token is a TypeError, no call', async () => {
    const strategy = new LoginWithAmazonOAuth2Strategy(codeGrantOptions(amazon, 'http://127.0.0.1:1/cb'), () => false);
    await expect(strategy.refresh('')).rejects.toThrow('"refreshToken" must be a non-empty string');
    expect(amazon.calls.token).toBe(0);
  });
});

describe('the upstream channel sees the token endpoint', () => {
  test('one POST trace per token request (sign-in and refresh), without a code, token or secret in any message', async () => {
    const refreshToken = await signIn('body');
    const upstream = recordUpstream<UpstreamContext>();
    try {
      await (app as CodeGrantApp).strategy.refresh(refreshToken);
      amazon.revoke(refreshToken);
      await (app as CodeGrantApp).strategy.refresh(refreshToken).catch(() => undefined);
    } finally {
      upstream.stop();
    }
    const ends = upstream.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);
    expect(ends).toEqual([
      expect.objectContaining({ endpoint: 'token', method: 'POST', url: amazon.codeGrant.tokenURL, attempt: 1, status: 200 }),
      expect.objectContaining({ endpoint: 'token', method: 'POST', attempt: 1, status: 400, error: expect.objectContaining({ code: 'LWA_INVALID_GRANT' }) }),
    ]);
    for (const event of upstream.events) {
      for (const view of [inspect(event, { depth: 6 }), JSON.stringify(event.snapshot)]) {
        for (const secret of [refreshToken, amazon.clientSecret]) expect(view).not.toContain(secret);
      }
    }
  });
});
