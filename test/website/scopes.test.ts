/**
 * Scopes in req.authInfo come from Amazon's token response, or else are the scopes asked for on
 * the redirect leg under a name that says so; nothing but code and state is read from the callback URL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startCodeGrantApp, type CodeGrantApp } from '../helpers/code-grant-app.js';

const ADA = { user_id: 'amzn1.account.ASCOPES0ADA', name: 'Ada Lovelace' };
let amazon: FakeAmazon;
let app: CodeGrantApp | undefined;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.scopes', user: ADA }); });
afterAll(async () => { await amazon.close(); });
afterEach(async () => {
  await app?.close();
  app = undefined;
  amazon.reset();
});

/** Signs in, editing the callback URL on the way as the user could. */
async function signInWithEditedCallback(target: CodeGrantApp, edit: (callback: URL) => void, start = '/auth/amazon'): Promise<{ authInfo: Record<string, unknown> }> {
  const browser = new CookieBrowser(target.url);
  const { stoppedAt } = await browser.follow(`${target.url}${start}`, { stopAt: (l) => l.startsWith(target.callbackURL) });
  const callback = new URL(stoppedAt ?? '');
  edit(callback);
  const res = await browser.request(callback.href);
  expect(res.status).toBe(200);
  return await res.json() as { authInfo: Record<string, unknown> };
}

describe('scopes in req.authInfo.token', () => {
  test('?scope=admin:everything on the callback URL is ignored: the requested scopes are reported as requestedScope, never as scope', async () => {
    app = await startCodeGrantApp(amazon);
    const { authInfo } = await signInWithEditedCallback(app, (callback) => { callback.searchParams.set('scope', 'admin:everything profile'); });
    expect(authInfo.token).toEqual({ tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number), requestedScope: ['profile'] });
    expect(JSON.stringify(authInfo)).not.toContain('admin:everything');
  });

  test('the per-call scopes of the redirect leg are the ones reported as requested', async () => {
    app = await startCodeGrantApp(amazon);
    const { authInfo } = await signInWithEditedCallback(app, (callback) => { callback.searchParams.delete('scope'); }, `/auth/amazon?scope=${encodeURIComponent('profile:user_id postal_code')}`);
    expect(authInfo.token).toMatchObject({ requestedScope: ['profile:user_id', 'postal_code'] });
    expect(authInfo.token).not.toHaveProperty('scope');
  });

  test('scopes named by Amazon\'s token response are the granted scope, whatever the URL says', async () => {
    app = await startCodeGrantApp(amazon);
    const token = amazon.issueToken(ADA, { aud: amazon.clientID, scopes: ['profile:user_id'] });
    amazon.fault('token', { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: 3600, scope: 'profile:user_id' }, times: 1 });
    const { authInfo } = await signInWithEditedCallback(app, (callback) => { callback.searchParams.set('scope', 'admin:everything'); });
    expect(authInfo.token).toEqual({ tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number), scope: ['profile:user_id'] });
  });

  test('nothing else of the callback URL reaches req.authInfo', async () => {
    app = await startCodeGrantApp(amazon);
    const { authInfo } = await signInWithEditedCallback(app, (callback) => {
      for (const [name, value] of [['token_type', 'mac'], ['expires_in', '999999'], ['returnTo', 'https://evil.example'], ['state_data', 'x']]) callback.searchParams.set(name ?? '', value ?? '');
    });
    expect(authInfo).toEqual({ token: { tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number), requestedScope: ['profile'] } });
  });
});
