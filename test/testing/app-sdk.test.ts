/** The fake's app SDK helper, authorizeApp(), and its token endpoint for apps' codes: with a secret (refresh token) or without (public client, PKCE required). */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, FAKE_CLIENT_SECRET, type AppAuthorization, type FakeAmazon } from '../../lib/testing/index.js';

const APP = 'amzn://com.example.shop';
const IOS = 'amzn-com.example.shop://';
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ redirectURIs: [APP], user: { user_id: 'amzn1.account.AAPPSDK', name: 'Ada' } }); });
afterAll(async () => { await amazon.close(); });
afterEach(() => { amazon.reset(); });

async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(amazon.codeGrant.tokenURL, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

const exchange = (auth: AppAuthorization, patch: Record<string, string> = {}): ReturnType<typeof token> =>
  token({ grant_type: 'authorization_code', code: auth.code, redirect_uri: auth.redirectURI, code_verifier: auth.verifier, client_id: auth.clientID, ...patch });

describe('authorizeApp()', () => {
  test('returns a code, the verifier it made, the client id, the redirect URI and the scope; counts an authorization', () => {
    const auth = amazon.authorizeApp({ redirectURI: APP });
    expect(auth).toEqual({ code: expect.stringMatching(/^AN/), verifier: expect.stringMatching(/^[\w-]{64}$/), clientID: amazon.clientID, redirectURI: APP, scope: ['profile'] });
    expect(amazon.calls.authorization).toBe(1);
    expect(amazon.authorizeApp({ redirectURI: APP }).verifier).not.toBe(auth.verifier);
  });

  test('takes the app\'s own verifier and scopes', () => {
    const verifier = 'a'.repeat(43);
    expect(amazon.authorizeApp({ redirectURI: APP, verifier, scopes: ['profile:user_id', 'postal_code'] })).toMatchObject({ verifier, scope: ['profile:user_id', 'postal_code'] });
  });

  test('refuses an unregistered redirect URI, a malformed verifier and unknown scopes', () => {
    expect(() => amazon.authorizeApp({ redirectURI: 'amzn://com.other.app' })).toThrow('"redirectURI" is not registered with the fake');
    expect(() => amazon.authorizeApp({ redirectURI: APP, verifier: 'short' })).toThrow('"verifier" must be 43 to 128 characters');
    expect(() => amazon.authorizeApp({ redirectURI: APP, scopes: ['email'] })).toThrow('the fake refused the authorization request: invalid_scope');
  });

  test('an iOS redirect URI registered later with allowRedirectURI() works', async () => {
    amazon.allowRedirectURI(IOS);
    const auth = amazon.authorizeApp({ redirectURI: IOS });
    expect((await exchange(auth, { client_secret: FAKE_CLIENT_SECRET })).status).toBe(200);
  });
});

describe('/auth/o2/token for an app\'s code', () => {
  test('with the client secret: tokens and a refresh token', async () => {
    const { status, body } = await exchange(amazon.authorizeApp({ redirectURI: APP }), { client_secret: FAKE_CLIENT_SECRET });
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.stringMatching(/^Atza\|/), refresh_token: expect.stringMatching(/^Atzr\|/), token_type: 'bearer', expires_in: 3600 });
  });

  test('without a secret (public client): an access token that opens the profile, and no refresh token', async () => {
    const { status, body } = await exchange(amazon.authorizeApp({ redirectURI: APP }));
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.stringMatching(/^Atza\|/), token_type: 'bearer', expires_in: 3600 });
    const profile = await fetch(amazon.endpoints.profileURL, { headers: { 'x-amz-access-token': String(body.access_token) } });
    expect(await profile.json()).toMatchObject({ user_id: 'amzn1.account.AAPPSDK' });
  });

  test('without a secret, PKCE is required: no verifier, a wrong one, or another redirect URI is invalid_grant', async () => {
    const auth = (): AppAuthorization => amazon.authorizeApp({ redirectURI: APP });
    const noVerifier = auth();
    expect(await token({ grant_type: 'authorization_code', code: noVerifier.code, redirect_uri: APP, client_id: amazon.clientID })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await exchange(auth(), { code_verifier: 'b'.repeat(43) })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await exchange(auth(), { redirect_uri: 'amzn://com.example.shop/' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('without a secret, a code bound to no challenge is invalid_client (a public client must use PKCE)', async () => {
    const redirect = 'http://127.0.0.1:1/cb';
    amazon.allowRedirectURI(redirect);
    const page = await fetch(`${amazon.codeGrant.authorizationURL}?${new URLSearchParams({ client_id: amazon.clientID, redirect_uri: redirect, response_type: 'code', scope: 'profile' }).toString()}`, { redirect: 'manual' });
    const code = new URL(String(page.headers.get('location'))).searchParams.get('code') ?? '';
    expect(await token({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: amazon.clientID })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  test('without a secret, a refresh grant is invalid_client; a wrong client id is invalid_client', async () => {
    expect(await token({ grant_type: 'refresh_token', refresh_token: 'Atzr|x', client_id: amazon.clientID })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await exchange(amazon.authorizeApp({ redirectURI: APP }), { client_id: 'amzn1.application-oa2-client.other' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

});
