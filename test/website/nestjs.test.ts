/**
 * NestJS 11 with express-session and `AuthGuard('amazon')` on both legs of the code grant,
 * against the fake Amazon, with a cookie jar (the app: test/helpers/code-grant-nest.ts).
 */
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import type { RunningApp } from '../helpers/code-grant-frameworks.js';
import { startNest } from '../helpers/code-grant-nest.js';

const ADA = { user_id: 'amzn1.account.ANESTCODEGRANT', name: 'Ada Lovelace', email: 'ada@example.com' };
const versionOf = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

describe(`NestJS ${versionOf('@nestjs/core')} + @nestjs/passport ${versionOf('@nestjs/passport')} + express-session ${versionOf('express-session')}`, () => {
  let amazon: FakeAmazon;
  let app: RunningApp;
  let url: string;

  beforeAll(async () => {
    amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.nest', user: ADA });
    app = await startNest(amazon);
    url = app.url;
  });

  afterAll(async () => {
    await app.close();
    await amazon.close();
  });

  afterEach(() => {
    amazon.reset();
    amazon.consent = 'approve';
  });

  test('AuthGuard("amazon") redirects to Amazon, then signs the user in on the callback', async () => {
    const { res, hops } = await new CookieBrowser(url).follow(`${url}/auth/amazon`);
    expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/auth/amazon', '/ap/oa', '/auth/amazon/callback']);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: ADA.user_id, name: ADA.name } });
    expect(amazon.calls).toEqual({ authorization: 1, token: 1, profile: 1, tokeninfo: 0 });
  });

  test('Cancel at Amazon answers 401 without a call to Amazon\'s API', async () => {
    amazon.consent = 'deny';
    const { res } = await new CookieBrowser(url).follow(`${url}/auth/amazon`);
    expect(res.status).toBe(401);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test('a callback without a matching session state answers 401 (Nest\'s guard turns the 403 into 401)', async () => {
    const { stoppedAt } = await new CookieBrowser(url).follow(`${url}/auth/amazon`, { stopAt: (l) => l.includes('/callback') });
    const res = await fetch(stoppedAt ?? '', { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(amazon.calls.token).toBe(0);
  });
});
