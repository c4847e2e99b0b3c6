/** The fake Amazon's code grant: `/ap/oa` (checks, consent page, deny) and `/auth/o2/token` (codes, refresh, client auth, faults). */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, afterEach, describe, expect, test } from '@jest/globals';
import { CODE_TTL_SECONDS, createFakeAmazon, FAKE_CLIENT_SECRET, type FakeAmazon } from '../../lib/testing/index.js';

const REDIRECT = 'https://app.example.com/auth/amazon/callback';
let clock = Date.now();
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ redirectURIs: [REDIRECT], now: () => clock, user: { user_id: 'amzn1.account.AFAKE', name: 'Ada' } }); });
afterAll(async () => { await amazon.close(); });
afterEach(() => {
  amazon.reset();
  amazon.consent = 'approve';
  clock = Date.now();
});

const verifier = randomBytes(48).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

function authorizeURL(patch: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    client_id: amazon.clientID, scope: 'profile', response_type: 'code', redirect_uri: REDIRECT, state: 'st4te',
    code_challenge: challenge, code_challenge_method: 'S256', ...patch,
  };
  const url = new URL(amazon.codeGrant.authorizationURL);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.href;
}

async function authorize(patch: Record<string, string | null> = {}): Promise<{ status: number; location: URL | null; text: string }> {
  const res = await fetch(authorizeURL(patch), { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location === null ? null : new URL(location), text: await res.text() };
}

async function codeFor(patch: Record<string, string | null> = {}): Promise<string> {
  const { location } = await authorize(patch);
  return location?.searchParams.get('code') ?? '';
}

async function token(form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(amazon.codeGrant.tokenURL, {
    method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  return { status: res.status, body: await res.json() as Record<string, unknown>, headers: res.headers };
}

function exchange(code: string, patch: Record<string, string> = {}): ReturnType<typeof token> {
  return token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: amazon.clientID, client_secret: FAKE_CLIENT_SECRET, ...patch });
}

describe('/ap/oa', () => {
  test('approves at once: redirects to the redirect URI with a code, the scope and the state', async () => {
    const { status, location } = await authorize();
    expect(status).toBe(302);
    expect(location?.href.startsWith(`${REDIRECT}?`)).toBe(true);
    expect(Object.fromEntries(location?.searchParams ?? [])).toEqual({ code: expect.stringMatching(/^AN/), scope: 'profile', state: 'st4te' });
    expect(amazon.calls.authorization).toBe(1);
  });

  test('an unknown client id or an unregistered redirect URI gets an error page, never a redirect', async () => {
    expect(await authorize({ client_id: 'amzn1.application-oa2-client.other' })).toMatchObject({ status: 400, location: null, text: expect.stringContaining('Unknown client') });
    expect(await authorize({ redirect_uri: `${REDIRECT}/x` })).toMatchObject({ status: 400, location: null });
    expect(await authorize({ redirect_uri: null })).toMatchObject({ status: 400, location: null });
  });

  test.each([
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ scope: 'email' }, 'invalid_scope'],
    [{ scope: null }, 'invalid_scope'],
    [{ code_challenge: 'short' }, 'invalid_request'],
    [{ code_challenge_method: 'S512' }, 'invalid_request'],
    [{ code_challenge: null }, 'invalid_request'],
  ])('%o redirects back with error=%s and the state', async (patch, error) => {
    const { location } = await authorize(patch);
    expect(location?.searchParams.get('error')).toBe(error);
    expect(location?.searchParams.get('state')).toBe('st4te');
  });

  test('denies: error=access_denied echoing the state', async () => {
    amazon.consent = 'deny';
    const { location } = await authorize();
    expect(Object.fromEntries(location?.searchParams ?? [])).toMatchObject({ error: 'access_denied', state: 'st4te' });
  });

  test('consent "page" shows Allow and Cancel, in a form that POSTs; decision in the query decides nothing (test/testing/consent.test.ts has the POST)', async () => {
    amazon.consent = 'page';
    const page = await authorize();
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post" action="/ap/oa">');
    expect(page.text).toContain('>Allow</button>');
    expect(page.text).toContain('>Cancel</button>');
    for (const decision of ['allow', 'deny']) expect(await authorize({ decision })).toMatchObject({ status: 200, location: null, text: expect.stringContaining('>Allow</button>') });
  });
});

describe('/auth/o2/token', () => {
  test('exchanges a code for tokens that work on tokeninfo and profile, with no-store', async () => {
    const { status, body, headers } = await exchange(await codeFor());
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ access_token: expect.stringMatching(/^Atza\|/), refresh_token: expect.stringMatching(/^Atzr\|/), token_type: 'bearer', expires_in: 3600 });
    const info = await fetch(`${amazon.endpoints.tokenInfoURL}?access_token=${encodeURIComponent(String(body.access_token))}`);
    expect(await info.json()).toMatchObject({ aud: amazon.clientID, user_id: 'amzn1.account.AFAKE' });
    const profile = await fetch(amazon.endpoints.profileURL, { headers: { authorization: `Bearer ${String(body.access_token)}` } });
    expect(await profile.json()).toMatchObject({ user_id: 'amzn1.account.AFAKE', name: 'Ada' });
    expect(amazon.calls.token).toBe(1);
  });

  test('accepts client authentication by HTTP Basic; both Basic and a body secret is invalid_request', async () => {
    const basic = `Basic ${Buffer.from(`${amazon.clientID}:${FAKE_CLIENT_SECRET}`).toString('base64')}`;
    const code = await codeFor();
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
    expect((await token(form, { authorization: basic })).status).toBe(200);
    expect(await token({ ...form, code: await codeFor(), client_secret: FAKE_CLIENT_SECRET }, { authorization: basic })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  test('a wrong secret is 401 invalid_client', async () => {
    expect(await exchange(await codeFor(), { client_secret: 'nope' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  test('a code is single-use', async () => {
    const code = await codeFor();
    expect((await exchange(code)).status).toBe(200);
    expect(await exchange(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test(`a code expires after ${String(CODE_TTL_SECONDS)} seconds`, async () => {
    const code = await codeFor();
    clock += CODE_TTL_SECONDS * 1000;
    expect(await exchange(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test.each([
    ['another redirect URI', { redirect_uri: `${REDIRECT}2` }],
    ['a wrong verifier', { code_verifier: randomBytes(48).toString('base64url') }],
  ])('a code is bound to its redirect URI and challenge: %s is invalid_grant', async (_name, patch) => {
    expect(await exchange(await codeFor(), patch)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('refresh_token grant issues a new access token; a revoked refresh token is invalid_grant', async () => {
    const { body } = await exchange(await codeFor());
    const refresh = String(body.refresh_token);
    const again = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: amazon.clientID, client_secret: FAKE_CLIENT_SECRET });
    expect(again).toMatchObject({ status: 200, body: { access_token: expect.stringMatching(/^Atza\|/), refresh_token: refresh } });
    expect(again.body.access_token).not.toBe(body.access_token);
    expect(amazon.revoke(refresh)).toBe(true);
    expect(await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: amazon.clientID, client_secret: FAKE_CLIENT_SECRET }))
      .toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('an unknown grant type is unsupported_grant_type; GET is 405', async () => {
    expect(await token({ grant_type: 'password', client_id: amazon.clientID, client_secret: FAKE_CLIENT_SECRET })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect((await fetch(amazon.codeGrant.tokenURL)).status).toBe(405);
  });

  test('faults cover the token endpoint: a status without a body gets an RFC 6749 error body', async () => {
    amazon.fault('token', { status: 400, times: 1 });
    expect(await exchange(await codeFor())).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    amazon.fault('token', { status: 503, times: 1 });
    expect((await exchange(await codeFor())).status).toBe(503);
    expect(amazon.calls.token).toBe(2);
    expect(amazon.requests.map((r) => r.endpoint)).toEqual(['token', 'token']);
  });

  test('a body that is not a form, or larger than 16 KiB, is invalid_request', async () => {
    const json = await fetch(amazon.codeGrant.tokenURL, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect([json.status, await json.json()]).toEqual([400, expect.objectContaining({ error: 'invalid_request' })]);
    const big = await token({ grant_type: 'authorization_code', code: 'x'.repeat(17 * 1024), client_id: amazon.clientID, client_secret: FAKE_CLIENT_SECRET });
    expect(big).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  test.each([
    ['no code', { grant_type: 'authorization_code' }],
    ['no refresh_token', { grant_type: 'refresh_token' }],
    ['no grant_type', {}],
  ])('%s is invalid_request', async (_name, form) => {
    expect(await token({ ...form, client_id: amazon.clientID, client_secret: FAKE_CLIENT_SECRET })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  test('HTTP Basic without a secret is invalid_client', async () => {
    const basic = `Basic ${Buffer.from(amazon.clientID).toString('base64')}`;
    expect(await token({ grant_type: 'refresh_token', refresh_token: 'Atzr|x' }, { authorization: basic })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  test('the plain method and a request without PKCE are bound too', async () => {
    const plain = await codeFor({ code_challenge: verifier, code_challenge_method: 'plain' });
    expect((await exchange(plain)).status).toBe(200);
    const none = await codeFor({ code_challenge: null, code_challenge_method: null });
    expect(await exchange(none)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } }); // a verifier for a code without challenge
    const again = await codeFor({ code_challenge: null, code_challenge_method: null });
    expect((await token({ grant_type: 'authorization_code', code: again, redirect_uri: REDIRECT, client_id: amazon.clientID, client_secret: FAKE_CLIENT_SECRET })).status).toBe(200);
  });

  test('a refresh token is bound to its client', async () => {
    const other = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.other', redirectURIs: [REDIRECT] });
    try {
      const { body } = await exchange(await codeFor());
      const res = await fetch(other.codeGrant.tokenURL, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token), client_id: other.clientID, client_secret: other.clientSecret }),
      });
      expect(res.status).toBe(400);
    } finally {
      await other.close();
    }
  });
});

describe('the fake\'s code grant options', () => {
  test.each([
    [{ clientSecret: '' }, '"clientSecret" must be a non-empty string'],
    [{ redirectURIs: 'https://a' }, '"redirectURIs" must be an array of strings'],
    [{ consent: 'maybe' }, '"consent" must be \'approve\', \'deny\' or \'page\''],
  ])('%o throws a TypeError', async (options, message) => {
    await expect(createFakeAmazon(options as never)).rejects.toThrow(message);
  });

  test('allowRedirectURI takes absolute URLs only; signInAs changes who signs in', async () => {
    expect(() => { amazon.allowRedirectURI('/relative'); }).toThrow('"uri" must be an absolute URL');
    amazon.signInAs({ user_id: 'amzn1.account.ASOMEONEELSE' });
    try {
      const { body } = await exchange(await codeFor());
      const profile = await fetch(amazon.endpoints.profileURL, { headers: { authorization: `Bearer ${String(body.access_token)}` } });
      expect(await profile.json()).toMatchObject({ user_id: 'amzn1.account.ASOMEONEELSE' });
    } finally {
      amazon.signInAs({ user_id: 'amzn1.account.AFAKE', name: 'Ada' });
    }
  });
});

