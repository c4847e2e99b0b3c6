/** The token request (client authentication in the body or HTTP Basic, nothing in the URL) and refresh(). */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { TokenEndpoint } from '../../lib/amazon/token-endpoint.js';
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
async function signIn(clientAuthentication: 'body' | 'basic', accessTokens: string[] = []): Promise<string> {
  const tokens: string[] = [];
  app = await startCodeGrantApp(amazon, {
    options: { clientAuthentication },
    verify: (accessToken, refreshToken, profile, done) => { accessTokens.push(accessToken); tokens.push(refreshToken ?? ''); done(null, { id: profile.id }); },
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
  test('one POST trace per token request (sign-in and refresh), without a code, verifier, token or secret in any message', async () => {
    // Recording starts before the sign-in: its exchange (code, verifier, client secret) is checked too.
    const exchange = jest.spyOn(TokenEndpoint.prototype, 'exchange');
    const upstream = recordUpstream<UpstreamContext>();
    const accessTokens: string[] = [];
    let refreshToken = '';
    let calls: string[][] = [];
    try {
      refreshToken = await signIn('body', accessTokens);
      await (app as CodeGrantApp).strategy.refresh(refreshToken);
      amazon.revoke(refreshToken);
      await (app as CodeGrantApp).strategy.refresh(refreshToken).catch(() => undefined);
    } finally {
      upstream.stop();
      calls = exchange.mock.calls;
      exchange.mockRestore();
    }
    const [[code = '', verifier = ''] = []] = calls;
    const secrets = [code, verifier, refreshToken, ...accessTokens, amazon.clientSecret];
    expect(secrets.map((s) => s.length >= 20)).toEqual(secrets.map(() => true)); // every secret was captured
    const ends = upstream.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);
    expect(ends.map(({ endpoint, method, status }) => ({ endpoint, method, status }))).toEqual([
      { endpoint: 'token', method: 'POST', status: 200 }, // the sign-in's code exchange
      { endpoint: 'profile', method: 'GET', status: 200 },
      { endpoint: 'token', method: 'POST', status: 200 }, // refresh
      { endpoint: 'token', method: 'POST', status: 400 }, // refresh of a revoked token
    ]);
    expect(ends[0]).toMatchObject({ url: amazon.codeGrant.tokenURL, attempt: 1 });
    expect(ends[3]).toMatchObject({ attempt: 1, error: { code: 'LWA_INVALID_GRANT' } });
    const views = upstream.events.flatMap((event) => [inspect(event, { depth: 6 }), JSON.stringify(event.snapshot)]);
    expect(views.filter((view) => secrets.some((secret) => view.includes(secret)))).toEqual([]);
  });
});
