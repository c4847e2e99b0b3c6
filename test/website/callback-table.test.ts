/**
 * The callback leg, one test per row of the README's callback table, through a real Express 5 app
 * with express-session and the fake Amazon. Every error and failure is searched for the client
 * secret, the code, the verifier and the tokens.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { CALLBACK_MESSAGES, LoginWithAmazonError, SESSION_KEY, type LoginWithAmazonOAuth2Options, type StoredState } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startCodeGrantApp, verifierOf, type CodeGrantApp, type CodeGrantAppOptions } from '../helpers/code-grant-app.js';
import type { CallbackSeen } from '../helpers/express-app.js';
import { expectNoSecret } from '../helpers/leak.js';
import { between, doc } from '../helpers/readme-blocks.js';

const ADA = { user_id: 'amzn1.account.ACODEGRANT0ADA', name: 'Ada Lovelace', email: 'ada@example.com' };
let amazon: FakeAmazon;
let app: CodeGrantApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.table', user: ADA }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
  amazon.consent = 'approve';
});

/** One sign-in up to Amazon's redirect back: the callback URL (with code and state) and the verifier waiting in the session. */
interface Pending { browser: CookieBrowser; callback: URL; verifier: string }

async function serve(o: CodeGrantAppOptions = {}): Promise<CodeGrantApp> {
  app = await startCodeGrantApp(amazon, o);
  return app;
}

async function toCallback(target: CodeGrantApp, browser = new CookieBrowser(target.url)): Promise<Pending> {
  const { stoppedAt } = await browser.follow(`${target.url}/auth/amazon`, { stopAt: (l) => l.startsWith(target.callbackURL) });
  const callback = new URL(stoppedAt ?? '');
  const [session] = Object.values(await target.sessions());
  const pending = ((session?.[SESSION_KEY] ?? {}) as Record<string, Record<string, StoredState>>).amazon ?? {};
  const verifier = verifierOf(amazon, pending[callback.searchParams.get('state') ?? '']);
  expect(verifier).toMatch(/^[\w-]{43,128}$/);
  return { browser, callback, verifier };
}

/** Lands the callback on the custom-callback route; what Passport's callback saw. */
async function land(target: CodeGrantApp, browser: CookieBrowser, callback: URL): Promise<CallbackSeen> {
  const res = await browser.request(`${target.url}/auth/amazon/custom${callback.search}`);
  expect(res.status).toBe(200);
  const [seen] = target.seen;
  if (seen === undefined) throw new Error('the custom callback did not run');
  return seen;
}

function secretsOf(p: Pending, ...more: string[]): string[] {
  return [amazon.clientSecret, p.callback.searchParams.get('code') ?? '', p.verifier, ...more].filter((s) => s !== '');
}

function expectClean(value: unknown, secrets: string[]): void {
  for (const secret of secrets) expectNoSecret(value, secret);
}

describe('row: error=access_denied (the user pressed Cancel)', () => {
  test('fails with "access denied" (401), no call to Amazon\'s API', async () => {
    const target = await serve();
    amazon.consent = 'deny';
    const p = await toCallback(target);
    expect(p.callback.searchParams.get('error')).toBe('access_denied');
    expect(p.callback.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    const seen = await land(target, p.browser, p.callback);
    expect(seen).toEqual({ err: null, user: false, info: { message: CALLBACK_MESSAGES.accessDenied }, status: 401 });
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0, tokeninfo: 0 });
  });

  test('lands on failureRedirect with the standard route', async () => {
    const target = await serve();
    amazon.consent = 'deny';
    const { res, hops } = await new CookieBrowser(target.url).follow(`${target.url}/auth/amazon`);
    expect(hops.at(-2)?.location).toBe('/login');
    expect(res.status).toBe(401);
  });
});

describe('row: another error= from Amazon', () => {
  test.each([
    ['temporarily_unavailable', 503],
    ['server_error', 502],
    ['invalid_scope', 500],
    ['unauthorized_client', 500],
  ])('%s is an error() LWA_AUTHORIZATION_ERROR with status %d, no call to Amazon\'s API', async (code, status) => {
    const target = await serve();
    const p = await toCallback(target);
    const callback = new URL(`${target.callbackURL}?error=${code}&error_description=secret+details&state=${p.callback.searchParams.get('state') ?? ''}`);
    const seen = await land(target, p.browser, callback);
    expect(seen.err).toBeInstanceOf(LoginWithAmazonError);
    expect(seen.err).toMatchObject({ code: 'LWA_AUTHORIZATION_ERROR', status, upstreamError: code });
    expectClean(seen.err, [...secretsOf(p), 'secret details']);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test('an error value that is not an error code is not copied into the error', async () => {
    const target = await serve();
    const p = await toCallback(target);
    const seen = await land(target, p.browser, new URL(`${target.callbackURL}?error=%3Cscript%3E&state=${p.callback.searchParams.get('state') ?? ''}`));
    expect(seen.err).toMatchObject({ code: 'LWA_AUTHORIZATION_ERROR', status: 500 });
    expect((seen.err as LoginWithAmazonError).upstreamError).toBeUndefined();
  });

  test('an error= uses the pending sign-in up: its state then answers 403, even with a good code', async () => {
    const target = await serve();
    const p = await toCallback(target);
    const state = p.callback.searchParams.get('state') ?? '';
    expect((await land(target, p.browser, new URL(`${target.callbackURL}?error=server_error&state=${state}`))).err).toMatchObject({ code: 'LWA_AUTHORIZATION_ERROR' });
    expect(await land(target, p.browser, p.callback)).toEqual({ err: null, user: false, info: { message: CALLBACK_MESSAGES.badState }, status: 403 });
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });
});

describe('row: any callback without a valid pending sign-in of this browser (error= included) -> 403, never error()', () => {
  const badState = { err: null, user: false, info: { message: CALLBACK_MESSAGES.badState }, status: 403 };

  test.each(['server_error', 'invalid_client', 'temporarily_unavailable', 'access_denied', 'invalid_scope'])(
    'error=%s with no state and no cookie is the 403, not a 5xx blamed on Amazon',
    async (code) => {
      const target = await serve();
      const res = await fetch(`${target.callbackURL}?error=${code}&error_description=x`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/login'); // failureRedirect: a fail(), not an error()
      expect(await land(target, new CookieBrowser(target.url), new URL(`${target.callbackURL}?error=${code}`))).toEqual(badState);
      expect(target.errors).toEqual([]);
    },
  );

  test('error=server_error with an unknown state, or with another browser\'s state, is the 403', async () => {
    const target = await serve();
    const attacker = await toCallback(target);
    const state = attacker.callback.searchParams.get('state') ?? '';
    expect(await land(target, new CookieBrowser(target.url), new URL(`${target.callbackURL}?error=server_error&state=${'A'.repeat(43)}`))).toEqual(badState);
    expect(await land(target, new CookieBrowser(target.url), new URL(`${target.callbackURL}?error=server_error&state=${state}`))).toEqual(badState);
    expect(target.errors).toEqual([]);
  });
});

describe('row: no state, unknown, expired, already used, or from another session -> 403', () => {
  const badState = { err: null, user: false, info: { message: CALLBACK_MESSAGES.badState }, status: 403 };

  test('no state', async () => {
    const target = await serve();
    const p = await toCallback(target);
    p.callback.searchParams.delete('state');
    expect(await land(target, p.browser, p.callback)).toEqual(badState);
    expect(amazon.calls.token).toBe(0);
  });

  test('an unknown state', async () => {
    const target = await serve();
    const p = await toCallback(target);
    p.callback.searchParams.set('state', 'A'.repeat(43));
    expect(await land(target, p.browser, p.callback)).toEqual(badState);
    expect(amazon.calls.token).toBe(0);
  });

  test('an expired state (stateTTL)', async () => {
    const target = await serve({ options: { stateTTL: 1000 } });
    const p = await toCallback(target);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await land(target, p.browser, p.callback)).toEqual(badState);
    expect(amazon.calls.token).toBe(0);
  });

  test('a state already used (the callback replayed)', async () => {
    const target = await serve();
    const p = await toCallback(target);
    expect((await land(target, p.browser, p.callback)).user).toMatchObject({ id: ADA.user_id });
    expect(await land(target, p.browser, p.callback)).toEqual(badState);
    expect(amazon.calls.token).toBe(1);
  });

  test('a state from another session (a login CSRF attempt)', async () => {
    const target = await serve();
    const attacker = await toCallback(target);
    const victim = new CookieBrowser(target.url);
    await victim.request(`${target.url}/auth/amazon`); // the victim has a session of her own
    expect(await land(target, victim, attacker.callback)).toEqual(badState);
    expect(amazon.calls.token).toBe(0);
  });
});

describe('row: no code -> 400', () => {
  test('a callback with a good state but no code fails 400 and uses the state up', async () => {
    const target = await serve();
    const p = await toCallback(target);
    const code = p.callback.searchParams.get('code') ?? '';
    p.callback.searchParams.delete('code');
    expect(await land(target, p.browser, p.callback)).toEqual({ err: null, user: false, info: { message: CALLBACK_MESSAGES.noCode }, status: 400 });
    p.callback.searchParams.set('code', code);
    expect((await land(target, p.browser, p.callback)).status).toBe(403);
    expect(amazon.calls.token).toBe(0);
  });
});

describe('row: token endpoint 400 invalid_grant -> 401', () => {
  test('a code Amazon does not know fails 401 after one token call', async () => {
    const target = await serve();
    const p = await toCallback(target);
    p.callback.searchParams.set('code', 'ANbogus');
    const seen = await land(target, p.browser, p.callback);
    expect(seen).toEqual({ err: null, user: false, info: { message: CALLBACK_MESSAGES.invalidGrant }, status: 401 });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0, tokeninfo: 0 });
  });

  test('a code already exchanged, replayed with a fresh state, fails 401', async () => {
    const target = await serve();
    const first = await toCallback(target);
    await land(target, first.browser, first.callback);
    const second = await toCallback(target, first.browser);
    second.callback.searchParams.set('code', first.callback.searchParams.get('code') ?? '');
    const seen = await land(target, second.browser, second.callback);
    expect(seen.status).toBe(401);
    expectClean(seen.info, [...secretsOf(first), ...secretsOf(second)]);
  });

  test('a code issued for another sign-in (its challenge does not match this verifier) fails 401', async () => {
    const target = await serve();
    const browser = new CookieBrowser(target.url);
    const a = await toCallback(target, browser);
    const b = await toCallback(target, browser);
    b.callback.searchParams.set('code', a.callback.searchParams.get('code') ?? '');
    expect((await land(target, browser, b.callback)).status).toBe(401);
  });
});

describe('row: token endpoint invalid_client / unauthorized_client / 401 -> error LWA_CLIENT_AUTH 500', () => {
  test('a wrong client secret', async () => {
    const wrong = 'wrong-secret-0123456789abcdef0123456789';
    const target = await serve({ options: { clientSecret: wrong } });
    const p = await toCallback(target);
    const seen = await land(target, p.browser, p.callback);
    expect(seen.err).toMatchObject({ code: 'LWA_CLIENT_AUTH', status: 500, endpoint: 'token', upstreamStatus: 401, upstreamError: 'invalid_client' });
    expect((seen.err as Error).message).toMatch(/"clientID" and "clientSecret"/);
    expectClean(seen.err, [...secretsOf(p), wrong, amazon.clientID]);
    expect(amazon.calls.token).toBe(1);
  });

  test('unauthorized_client (400)', async () => {
    const target = await serve();
    amazon.fault('token', { status: 400, body: { error: 'unauthorized_client' } });
    const p = await toCallback(target);
    const seen = await land(target, p.browser, p.callback);
    expect(seen.err).toMatchObject({ code: 'LWA_CLIENT_AUTH', status: 500, upstreamError: 'unauthorized_client' });
    expectClean(seen.err, secretsOf(p));
  });
});

describe('row: token endpoint 5xx, timeout, network, non-JSON, no access_token -> error 502/504, endpoint token, never retried', () => {
  test.each([
    ['5xx', { status: 500 }, 'LWA_UPSTREAM_STATUS', 502],
    ['a timeout', { delayMs: 1500 }, 'LWA_TIMEOUT', 504],
    ['a dropped connection', { drop: true }, 'LWA_NETWORK', 502],
    ['a body that is not JSON', { status: 200, body: '<html>busy</html>' }, 'LWA_BAD_RESPONSE', 502],
    ['no access_token', { status: 200, body: { token_type: 'bearer', expires_in: 3600 } }, 'LWA_BAD_RESPONSE', 502],
  ] as const)('%s', async (_name, fault, code, status) => {
    const target = await serve({ options: { retries: 3 } });
    amazon.fault('token', fault);
    const p = await toCallback(target);
    const seen = await land(target, p.browser, p.callback);
    expect(seen.err).toMatchObject({ code, status, endpoint: 'token' });
    expectClean(seen.err, secretsOf(p));
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
  });
});

describe('row: token endpoint answers more than 1 MiB', () => {
  test('the body is cut off at the size cap: LWA_BAD_RESPONSE "token response is larger than 1 MiB"', async () => {
    const target = await serve();
    amazon.fault('token', { status: 200, body: `{"access_token":"${'x'.repeat(1024 * 1024)}"}` });
    const p = await toCallback(target);
    const seen = await land(target, p.browser, p.callback);
    expect(seen.err).toMatchObject({ code: 'LWA_BAD_RESPONSE', status: 502, endpoint: 'token', message: 'token response is larger than 1 MiB' });
    expectClean(seen.err, secretsOf(p));
  });
});

describe('row: tokens, then profile 200 -> verify -> success()', () => {
  test('signs the user in with two calls (token, profile) and no tokeninfo call', async () => {
    const target = await serve();
    const { res } = await new CookieBrowser(target.url).follow(`${target.url}/auth/amazon?returnTo=%2Fcart`);
    expect(res.status).toBe(200);
    const body = await res.json() as { user: unknown; authInfo: Record<string, unknown> };
    expect(body.user).toEqual({ id: ADA.user_id, name: ADA.name });
    expect(body.authInfo).toEqual({ // Amazon's token response names no scope: the scopes asked for, under a name that says so
      token: { tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number), requestedScope: ['profile'] },
      state: { returnTo: '/cart' },
    });
    expect(amazon.calls).toEqual({ authorization: 1, token: 1, profile: 1, tokeninfo: 0 });
  });

  test('verify gets the access token, Amazon\'s refresh token and the normalized profile', async () => {
    const got: unknown[] = [];
    const target = await serve({ verify: (accessToken, refreshToken, profile, done) => { got.push(accessToken, refreshToken, profile); done(null, { id: profile.id }); } });
    const p = await toCallback(target);
    expect((await land(target, p.browser, p.callback)).user).toEqual({ id: ADA.user_id });
    expect(got[0]).toMatch(/^Atza\|/);
    expect(got[1]).toMatch(/^Atzr\|/);
    expect(got[2]).toMatchObject({ provider: 'amazon', id: ADA.user_id, displayName: ADA.name, emails: [{ value: ADA.email }] });
  });

  test('accepts expires_in as a numeric string', async () => {
    const target = await serve();
    const token = amazon.issueToken(ADA, { aud: amazon.clientID });
    amazon.fault('token', { status: 200, body: { access_token: token, refresh_token: 'Atzr|IwEBIrefresh', token_type: 'bearer', expires_in: '3600' }, times: 1 });
    const p = await toCallback(target);
    const seen = await land(target, p.browser, p.callback);
    expect(seen.info).toMatchObject({ token: { expiresIn: 3600 } });
  });

  test('a verify that rejects the user fails 401 with its message', async () => {
    const target = await serve({ verify: (_a, _r, _p, done) => { done(null, false, { message: 'not invited' }); } });
    const p = await toCallback(target);
    expect(await land(target, p.browser, p.callback)).toMatchObject({ user: false, info: { message: 'not invited' }, status: 401 });
  });
});

describe('row: profile invalid_token, insufficient_scope, 4xx, 5xx -> as in the token strategy', () => {
  async function withProfileFault(options: Partial<LoginWithAmazonOAuth2Options>, fault: Parameters<FakeAmazon['fault']>[1] | undefined): Promise<{ seen: CallbackSeen; secrets: string[] }> {
    const target = await serve({ options: { retries: 0, ...options } });
    const token = amazon.issueToken(ADA, { aud: amazon.clientID, scopes: options.scope ?? ['profile'] });
    const refresh = 'Atzr|IwEBIrefreshtokenfortheprofiletests';
    amazon.fault('token', { status: 200, body: { access_token: token, refresh_token: refresh, token_type: 'bearer', expires_in: 3600 }, times: 1 });
    if (fault) amazon.fault('profile', fault);
    const p = await toCallback(target);
    const seen = await land(target, p.browser, p.callback);
    return { seen, secrets: secretsOf(p, token, refresh) };
  }

  test('insufficient_scope fails 403', async () => {
    const { seen, secrets } = await withProfileFault({ scope: ['postal_code'] }, undefined);
    expect(seen).toMatchObject({ err: null, user: false, status: 403, info: { message: 'profile requires a scope the token lacks' } });
    expectClean(seen.info, secrets);
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });

  test('invalid_token (the fresh token refused by the profile endpoint) fails 401, with one profile call', async () => {
    const { seen, secrets } = await withProfileFault({}, { status: 400 });
    expect(seen).toMatchObject({ err: null, user: false, status: 401 });
    expectClean(seen.info, secrets);
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });

  test('another 4xx is an error() LWA_UPSTREAM_STATUS 502', async () => {
    const { seen, secrets } = await withProfileFault({}, { status: 403, body: { error: 'invalid_request' } });
    expect(seen.err).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', status: 502, endpoint: 'profile' });
    expectClean(seen.err, secrets);
  });

  test('a 5xx is an error() LWA_UPSTREAM_STATUS 502', async () => {
    const { seen, secrets } = await withProfileFault({}, { status: 503 });
    expect(seen.err).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', status: 502, endpoint: 'profile' });
    expectClean(seen.err, secrets);
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });
});

describe('the website guide\'s callback table', () => {
  const guide = doc('website');

  test('quotes every fail() message the strategy sends, in the table\'s order', () => {
    const table = between(guide, '## The callback, outcome by outcome', '### No pending sign-in');
    const positions = Object.values(CALLBACK_MESSAGES).map((message) => table.indexOf(`"${message}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('says that a host mismatch (localhost vs 127.0.0.1) is the common cause of the bad-state 403, and how to fix it', () => {
    const text = between(guide, '### No pending sign-in for this browser', '\n\nThe client secret');
    expect(guide.indexOf(text)).toBeGreaterThan(guide.indexOf('## The callback, outcome by outcome'));
    expect(text).toMatch(/host mismatch/);
    expect(text).toMatch(/127\.0\.0\.1/);
    expect(text).toMatch(/`localhost`/);
    expect(text).toMatch(/Browse the host `callbackURL` names, or make `callbackURL` name the host you browse/);
  });
});
