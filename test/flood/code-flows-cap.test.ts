/**
 * The two code-exchanging strategies under a flood: at most `maxWaitingForAmazon` exchanges wait
 * for Amazon; the next request is answered 503 with `Retry-After` at once, without a call to the
 * token endpoint, and the count goes back to zero on every path.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonCodeExchangeStrategy, type VerifyFunction } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ANDROID_REDIRECT, appCodeOptions, bodyOf } from '../helpers/app-code.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startCodeGrantApp } from '../helpers/code-grant-app.js';
import { admissionOf, startPlainApp, until, type PlainApp } from './helpers.js';

let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ redirectURIs: [ANDROID_REDIRECT] }); });
afterAll(async () => { await amazon.close(); });
afterEach(() => { amazon.reset(); });

const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };

describe('maxWaitingForAmazon, app-code strategy', () => {
  async function withApp(verify: VerifyFunction, run: (app: PlainApp, strategy: LoginWithAmazonCodeExchangeStrategy) => Promise<void>): Promise<void> {
    const strategy = new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon, { timeout: 5000, retries: 0, maxWaitingForAmazon: 1 }), verify);
    const app = await startPlainApp(strategy);
    try { await run(app, strategy); } finally { await app.close(); }
  }
  const code = (): Record<string, unknown> => bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
  const post = (url: string, body: unknown): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('the request past the cap is a 503 with Retry-After from Express\'s default handler, with no call to Amazon', async () => {
    await withApp(toUser, async (app, strategy) => {
      amazon.fault('token', { delayMs: 1500, times: 1 });
      const waiting = post(app.url, code());
      await until(() => amazon.calls.token === 1);
      const refusedBody = code();
      const refused = await post(app.url, refusedBody);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      const text = await refused.text();
      for (const secret of [refusedBody.code, refusedBody.code_verifier, amazon.clientSecret]) expect(text).not.toContain(secret);
      expect(amazon.calls.token).toBe(1);
      expect((await waiting).status).toBe(200);
      expect(admissionOf(strategy).size).toBe(0);
      expect((await post(app.url, code())).status).toBe(200);
      expect(app.reached).toBe(2);
    });
  });

  test('the slot is given back after a fail (a used code), an error (Amazon answers 500) and a verify that throws', async () => {
    await withApp(toUser, async (app, strategy) => {
      const body = code();
      expect((await post(app.url, body)).status).toBe(200);
      expect((await post(app.url, body)).status).toBe(401);
      expect(admissionOf(strategy).size).toBe(0);
      amazon.fault('token', { status: 500, times: 1 });
      expect((await post(app.url, code())).status).toBe(502);
      expect(admissionOf(strategy).size).toBe(0);
    });
    await withApp(() => { throw new Error('verify broke'); }, async (app, strategy) => {
      expect((await post(app.url, code())).status).toBe(500);
      expect(admissionOf(strategy).size).toBe(0);
      expect((await post(app.url, code())).status).toBe(500);
      expect(amazon.calls.token).toBe(5);
    });
  });
});

describe('maxWaitingForAmazon, website strategy', () => {
  test('the callback past the cap is a 503 with Retry-After, with no call to the token endpoint; the count goes back to zero', async () => {
    const app = await startCodeGrantApp(amazon, { options: { maxWaitingForAmazon: 1, timeout: 5000, retries: 0 } });
    try {
      const browsers = [new CookieBrowser(app.url), new CookieBrowser(app.url), new CookieBrowser(app.url)];
      const callbacks = await Promise.all(browsers.map(async (browser) => {
        const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (location) => location.startsWith(app.callbackURL) });
        return stoppedAt ?? '';
      }));
      const [first, second, third] = browsers as [CookieBrowser, CookieBrowser, CookieBrowser];
      amazon.fault('token', { delayMs: 1500, times: 1 });
      const waiting = first.request(callbacks[0] ?? '');
      await until(() => amazon.calls.token === 1);
      const refused = await second.request(callbacks[1] ?? '');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(app.errors).toEqual([expect.objectContaining({ code: 'LWA_OVERLOADED', status: 503, retryAfter: 5 })]);
      expect(amazon.calls.token).toBe(1);
      expect((await waiting).status).toBe(200);
      expect(admissionOf(app.strategy).size).toBe(0);
      expect((await third.request(callbacks[2] ?? '')).status).toBe(200);
      expect(amazon.calls.token).toBe(2);
    } finally {
      await app.close();
    }
  });
});
