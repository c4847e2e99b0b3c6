/**
 * The whole code grant flow with a cookie jar in Express 4 and 5 (express-session), Koa 3
 * (koa-session + koa-passport) and Fastify 5 (@fastify/passport + @fastify/secure-session),
 * against the fake Amazon; NestJS is in nestjs.test.ts.
 */
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startExpress, startFastify, startKoa, type RunningApp } from '../helpers/code-grant-frameworks.js';

const ADA = { user_id: 'amzn1.account.AFRAMEWORKFLOW', name: 'Ada Lovelace', email: 'ada@example.com' };
const versionOf = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.flows', user: ADA }); });
afterAll(async () => { await amazon.close(); });

const frameworks: [string, (a: FakeAmazon) => Promise<RunningApp>][] = [
  [`Express ${versionOf('express4')} + express-session ${versionOf('express-session')}`, (a) => startExpress(a, 4)],
  [`Express ${versionOf('express')} + express-session ${versionOf('express-session')}`, (a) => startExpress(a, 5)],
  [`Koa ${versionOf('koa')} + koa-session ${versionOf('koa-session')} + koa-passport ${versionOf('koa-passport')}`, startKoa],
  [`Fastify ${versionOf('fastify')} + @fastify/passport ${versionOf('@fastify/passport')} + @fastify/secure-session ${versionOf('@fastify/secure-session')}`, startFastify],
];

describe.each(frameworks)('%s', (_name, start) => {
  let app: RunningApp;
  beforeAll(async () => { app = await start(amazon); });
  afterAll(async () => { await app.close(); });
  afterEach(() => {
    amazon.reset();
    amazon.consent = 'approve';
  });

  test('signs in through Amazon and keeps the user in the session', async () => {
    const browser = new CookieBrowser(app.url);
    const { res, hops } = await browser.follow(`${app.url}/auth/amazon`);
    expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/auth/amazon', '/ap/oa', '/auth/amazon/callback', '/me']);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: ADA.user_id, name: ADA.name } });
    const again = await browser.request(`${app.url}/me`);
    expect(again.status).toBe(200);
    expect(amazon.calls).toEqual({ authorization: 1, token: 1, profile: 1, tokeninfo: 0 });
  });

  test('Cancel at Amazon lands on the failure redirect, signed out, without a call to Amazon\'s API', async () => {
    amazon.consent = 'deny';
    const browser = new CookieBrowser(app.url);
    const { res, hops } = await browser.follow(`${app.url}/auth/amazon`);
    expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/auth/amazon', '/ap/oa', '/auth/amazon/callback', '/login']);
    expect(res.status).toBe(401);
    expect((await browser.request(`${app.url}/me`)).status).toBe(401);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test('a replayed callback (state already used) does not sign anyone in', async () => {
    const browser = new CookieBrowser(app.url);
    const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
    await browser.follow(stoppedAt ?? '');
    const stranger = new CookieBrowser(app.url);
    const { res } = await stranger.follow(stoppedAt ?? '');
    expect(res.status).toBe(401);
    expect(amazon.calls.token).toBe(1);
  });
});

describe('session fixation (passport >= 0.6 with express-session)', () => {
  test('the session id changes at sign-in and the old one is not signed in', async () => {
    const app = await startExpress(amazon, 5);
    try {
      const browser = new CookieBrowser(app.url);
      const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
      const before = browser.cookies.get('connect.sid');
      expect(before).toBeDefined();
      const { res } = await browser.follow(stoppedAt ?? '');
      expect(res.status).toBe(200);
      const after = browser.cookies.get('connect.sid');
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      const old = await fetch(`${app.url}/me`, { headers: { cookie: `connect.sid=${before ?? ''}` } });
      expect(old.status).toBe(401);
    } finally {
      await app.close();
    }
  });
});
