/**
 * NestJS 12 with the website strategy on both legs of the code grant, on Express (express-session)
 * and on Fastify (`cookieStateStore`), against the fake Amazon, with a cookie jar: the checks of
 * NestJS 11's test/website/nestjs.test.ts (the app: ./website-app.ts).
 */
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import type { RunningApp } from '../helpers/code-grant-frameworks.js';
import type { Platform } from './example.js';
import { startNest12 } from './website-app.js';

const ADA = { user_id: 'amzn1.account.ANEST12CODEGRANT', name: 'Ada Lovelace', email: 'ada@example.com' };
const versionOf = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

/** The website strategy's checks under NestJS 12 on `platform`. */
export function websiteSuite(platform: Platform): void {
  describe(`NestJS ${versionOf('@nestjs/core')} + @nestjs/passport ${versionOf('@nestjs/passport')} on ${platform}: the website strategy`, () => {
    let amazon: FakeAmazon;
    let app: RunningApp;
    let url: string;

    beforeAll(async () => {
      amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.nest12', user: ADA });
      app = await startNest12(amazon, platform);
      url = app.url;
    });

    afterAll(async () => {
      await amazon.close();
      await app.close(); // undefined when the app could not start: that beforeAll failed already
    });

    afterEach(() => {
      amazon.reset();
      amazon.consent = 'approve';
    });

    test('the guard redirects to Amazon, then signs the user in on the callback', async () => {
      const { res, hops } = await new CookieBrowser(url).follow(`${url}/auth/amazon`);
      expect(hops.map((h) => [new URL(h.url).pathname, h.status])).toEqual([['/auth/amazon', 302], ['/ap/oa', 302], ['/auth/amazon/callback', 200]]);
      expect(await res.json()).toEqual({ user: { id: ADA.user_id, name: ADA.name } });
      expect(amazon.calls).toEqual({ authorization: 1, token: 1, profile: 1, tokeninfo: 0 });
    });

    test('the redirect leg sends the state and PKCE challenge to Amazon, and no secret', async () => {
      const res = await new CookieBrowser(url).request(`${url}/auth/amazon`);
      const location = new URL(res.headers.get('location') ?? '');
      expect(res.status).toBe(302);
      expect(location.pathname).toBe('/ap/oa');
      expect([...location.searchParams.keys()].sort()).toEqual(['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'scope', 'state']);
      expect(location.href).not.toContain(amazon.clientSecret);
    });

    test('Cancel at Amazon answers 401 without a call to Amazon\'s API', async () => {
      amazon.consent = 'deny';
      const { res } = await new CookieBrowser(url).follow(`${url}/auth/amazon`);
      expect(res.status).toBe(401);
      expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
    });

    test('a callback from another browser (no pending sign-in for it) answers the strategy\'s 403; a bare AuthGuard turns it into 401', async () => {
      const { stoppedAt } = await new CookieBrowser(url).follow(`${url}/auth/amazon`, { stopAt: (l) => l.includes('/callback') });
      const callback = new URL(stoppedAt ?? '');
      const res = await fetch(callback, { redirect: 'manual' });
      expect([res.status, await res.json()]).toEqual([403, { statusCode: 403, message: 'Forbidden' }]);
      callback.pathname = '/auth/amazon/plain';
      expect((await fetch(callback, { redirect: 'manual' })).status).toBe(401);
      expect(amazon.calls.token).toBe(0);
    });

    test('a bare AuthGuard(\'amazon\') redirects on Express; on Fastify Passport\'s redirect finds no setHeader on the reply: 500, nothing sent to Amazon', async () => {
      const res = await fetch(`${url}/auth/amazon/plain-start`, { redirect: 'manual' });
      expect(res.status).toBe(platform === 'express' ? 302 : 500);
      expect(res.headers.get('location')?.startsWith(amazon.codeGrant.authorizationURL) ?? false).toBe(platform === 'express');
      expect(amazon.calls.authorization).toBe(0);
    });
  });
}
