/** The fake's control routes (`tokenRoute: true`), in process: POST /tokens and POST /app-codes, and none without the option. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { APP_CODE_ROUTE, createFakeAmazon, OTHER_AUDIENCE, TOKEN_ROUTE, type FakeAmazon } from '../../lib/testing/index.js';

let amazon: FakeAmazon;
let plain: FakeAmazon;
beforeAll(async () => {
  amazon = await createFakeAmazon({ tokenRoute: true, redirectURIs: ['amzn://com.example.shop'] });
  plain = await createFakeAmazon();
});
afterAll(async () => { await Promise.all([amazon.close(), plain.close()]); });

const post = (fake: FakeAmazon, path: string): Promise<Response> => fetch(`${fake.url}${path}`, { method: 'POST' });
const info = async (token: string): Promise<{ status: number; aud: unknown }> => {
  const res = await fetch(amazon.endpoints.tokenInfoURL, { headers: { 'x-amz-access-token': token } });
  return { status: res.status, aud: ((await res.json()) as { aud?: unknown }).aud };
};

describe('POST /tokens', () => {
  test.each([
    ['valid', 200, undefined],
    ['expired', 400, undefined],
    ['revoked', 400, undefined],
    ['other-audience', 200, OTHER_AUDIENCE],
  ])('kind=%s issues a token tokeninfo answers %d', async (kind, status, aud) => {
    const res = await post(amazon, `${TOKEN_ROUTE}?kind=${kind}&user_id=amzn1.account.ROUTE&name=Route&email=r%40example.com&postal_code=98101`);
    const body = (await res.json()) as { token: string; kind: string };
    expect({ status: res.status, kind: body.kind }).toEqual({ status: 200, kind });
    expect(await info(body.token)).toEqual({ status, aud: aud ?? (status === 200 ? amazon.clientID : undefined) });
  });

  test('no kind is a valid token for the fake\'s client id, with the profile asked for', async () => {
    const { token } = (await (await post(amazon, `${TOKEN_ROUTE}?name=Grace&email=`)).json()) as { token: string };
    expect(await info(token)).toEqual({ status: 200, aud: amazon.clientID });
    const profile = await fetch(amazon.endpoints.profileURL, { headers: { authorization: `Bearer ${token}` } });
    expect(await profile.json()).toMatchObject({ name: 'Grace' });
  });

  test.each([
    ['an unknown kind', 'POST', `${TOKEN_ROUTE}?kind=admin`, 400],
    ['GET /tokens', 'GET', TOKEN_ROUTE, 405],
    ['GET /app-codes', 'GET', APP_CODE_ROUTE, 405],
    ['an unregistered redirect URI', 'POST', `${APP_CODE_ROUTE}?redirect_uri=${encodeURIComponent('amzn://com.example.other')}`, 400],
    ['no redirect URI', 'POST', APP_CODE_ROUTE, 400],
  ])('%s is refused', async (_name, method, path, status) => {
    const res = await fetch(`${amazon.url}${path}`, { method });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  test('POST /app-codes answers { code, code_verifier, redirect_uri } (the app-code route\'s field names), which the token endpoint exchanges', async () => {
    const app = (await (await post(amazon, `${APP_CODE_ROUTE}?redirect_uri=${encodeURIComponent('amzn://com.example.shop')}`)).json()) as Record<string, string>;
    expect(Object.keys(app)).toEqual(['code', 'code_verifier', 'redirect_uri']);
    expect(app).toEqual({ code: expect.stringMatching(/^AN/), code_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43,128}$/), redirect_uri: 'amzn://com.example.shop' });
    const res = await fetch(amazon.codeGrant.tokenURL, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', ...app, client_id: amazon.clientID }),
    });
    expect(res.status).toBe(200);
  });

  test('without tokenRoute there are no such routes (404)', async () => {
    expect((await post(plain, `${TOKEN_ROUTE}?kind=valid`)).status).toBe(404);
    expect((await post(plain, APP_CODE_ROUTE)).status).toBe(404);
  });

  test.each([[-1], [65536], [1.5]])('port %d is a TypeError', async (port) => {
    await expect(createFakeAmazon({ port })).rejects.toThrow('"port" must be an integer from 0 to 65535');
  });

  test('tokenRoute must be a boolean', async () => {
    await expect(createFakeAmazon({ tokenRoute: 'yes' as unknown as boolean })).rejects.toThrow('"tokenRoute" must be a boolean');
  });
});
