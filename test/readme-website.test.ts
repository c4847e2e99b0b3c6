/**
 * The website blocks (`<!-- runnable: website*.mjs -->`: the README's Quick start and the sessionless one of docs/website.md) run as written,
 * each in its own process against dist/, as test/readme-runnable.test.ts runs the Quick start:
 * a whole sign-in through the fake Login with Amazon with a cookie jar on `http://localhost:PORT`
 * (the host the block's callbackURL names), Cancel, and the attacker's callback in another browser.
 * The browser is sent to https://www.amazon.com/ap/oa as written; the test takes it to the fake's
 * authorization page with the same query (the app's own calls to api.amazon.com go through the preload).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AUTHORIZATION_HOSTS } from '../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../lib/testing/index.js';
import { CookieBrowser } from './helpers/browser-jar.js';
import { doc, markedBlocks } from './helpers/readme-blocks.js';
import { root, startBlock, stopBlock, type RunningBlock } from './helpers/readme-run.js';

const ADA = { user_id: 'amzn1.account.README0WEBSITE', name: 'Ada Lovelace', email: 'ada@example.com' };
const SIGN_IN_LINK = '<a href="/auth/amazon">Sign in with Amazon</a>';
const signedIn = (name: string): string => `Hello, ${name}. <form method="post" action="/logout"><button>Sign out</button></form>`;
/** The README's Quick start with a session, then the guide's sessionless variant (docs/website.md). */
const blocks = [...markedBlocks('runnable'), ...markedBlocks('runnable', doc('website'))].filter((b) => b.name.startsWith('website'));

it('finds both website blocks, written as a user writes them (no fake; Amazon\'s endpoints unless the environment names the fake\'s)', () => {
  expect(blocks.map((b) => b.name)).toEqual(['website.mjs', 'website-sessionless.mjs']);
  for (const { code } of blocks) {
    expect(code).toContain("from 'passport-login-with-amazon'");
    expect(code).toMatch(/process\.env\.LWA_CLIENT_ID[\s\S]*process\.env\.LWA_CLIENT_SECRET/);
    expect(code.match(/(authorizationURL|tokenURL|profileURL): [^,\n]+/g)).toEqual([
      'authorizationURL: process.env.LWA_AUTHORIZATION_URL', 'tokenURL: process.env.LWA_TOKEN_URL', 'profileURL: process.env.LWA_PROFILE_URL']);
    expect(code).not.toMatch(/testing/);
    expect(code).toMatch(/^app\.get\('\/', /m);
  }
  expect(blocks[0]?.code).toMatch(/app\.post\('\/logout', [\s\S]*req\.logout\(/);
  expect(blocks[0]?.code).toMatch(/passport\.serializeUser[\s\S]*passport\.deserializeUser/);
  expect(blocks[1]?.code).toContain('cookieStateStore({ secret: process.env.STATE_COOKIE_SECRET })');
  expect(blocks[1]?.code).not.toMatch(/session\(/);
});

describe.each(blocks)('README block $name', (block) => {
  let dir: string;
  let amazon: FakeAmazon;
  let app: RunningBlock | undefined;
  let origin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(root, '.readme-run-'));
    writeFileSync(join(dir, block.name), block.code);
    amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.readmeweb', user: ADA });
    app = await startBlock(dir, block, amazon, {
      LWA_CLIENT_SECRET: amazon.clientSecret, SESSION_SECRET: 'readme-session-secret-0123456789abcdef', STATE_COOKIE_SECRET: 'readme-state-cookie-secret-0123456789ab',
    });
    origin = `http://localhost:${String(app.port)}`;
    amazon.allowRedirectURI(`${origin}/auth/amazon/callback`);
  }, 30_000);

  afterAll(async () => {
    await stopBlock(app);
    await amazon.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => { amazon.reset(); amazon.consent = 'approve'; });

  /** From the app's sign-in route to Amazon's redirect back: the callback URL, not yet opened. */
  async function toCallback(browser: CookieBrowser): Promise<string> {
    const res = await browser.request(`${origin}/auth/amazon`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${AUTHORIZATION_HOSTS.NA}/ap/oa`); // the real Amazon, as written
    const { stoppedAt, res: last } = await browser.follow(`${amazon.codeGrant.authorizationURL}${location.search}`, { stopAt: (l) => l.startsWith(origin) });
    expect(stoppedAt ?? `no redirect back: ${String(last.status)}`).toContain('/auth/amazon/callback');
    return stoppedAt ?? '';
  }

  it('signs Ada in through Amazon (the fake): one token call, one profile call', async () => {
    const browser = new CookieBrowser(origin);
    const { res } = await browser.follow(await toCallback(browser));
    expect(res.status).toBe(200);
    const withSession = block.name === 'website.mjs';
    expect(await res.text()).toBe(withSession ? signedIn(ADA.name) : JSON.stringify({ user: { id: ADA.user_id, name: ADA.name } }));
    // With a session, serializeUser/deserializeUser remember Ada on the next page; the sessionless app keeps nobody.
    const next = await browser.request(`${origin}/`);
    expect({ status: next.status, body: await next.text() }).toEqual({ status: 200, body: withSession ? signedIn(ADA.name) : SIGN_IN_LINK });
    expect(amazon.calls).toEqual({ authorization: 1, token: 1, profile: 1, tokeninfo: 0 });
  });

  if (block.name === 'website.mjs') {
    it('Sign out (POST /logout) ends the sign-in: / shows the sign-in link again, and the old session cookie signs nobody in', async () => {
      const browser = new CookieBrowser(origin);
      await browser.follow(await toCallback(browser));
      const before = browser.cookieHeader();
      expect(await (await browser.request(`${origin}/`)).text()).toBe(signedIn(ADA.name));
      const { res, hops } = await browser.follow(`${origin}/logout`, { method: 'POST' });
      expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/logout', '/']);
      expect(await res.text()).toBe(SIGN_IN_LINK);
      expect(browser.cookieHeader()).not.toBe(before); // a new session id (passport ≥ 0.6 regenerates it)
      // The session that was signed in is gone: its cookie, replayed, is nobody.
      const replayed = await fetch(`${origin}/`, { headers: { cookie: before } });
      expect(await replayed.text()).toBe(SIGN_IN_LINK);
    });

    it('a user name from Amazon is escaped on the page', async () => {
      amazon.signInAs({ ...ADA, name: '<img src=x onerror=alert(1)>' });
      try {
        const browser = new CookieBrowser(origin);
        const { res } = await browser.follow(await toCallback(browser));
        expect(await res.text()).toBe(signedIn('&#60;img src=x onerror=alert(1)&#62;'));
      } finally {
        amazon.signInAs(ADA);
      }
    });
  }

  it('Cancel at Amazon lands on /login (401), without a call to Amazon\'s API', async () => {
    amazon.consent = 'deny';
    const browser = new CookieBrowser(origin);
    const { res, hops } = await browser.follow(await toCallback(browser));
    expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/auth/amazon/callback', '/login']);
    expect(res.status).toBe(401);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  it('the callback opened in another browser (or on another host) lands on /login, never a 500', async () => {
    const callback = await toCallback(new CookieBrowser(origin));
    const { res, hops } = await new CookieBrowser(origin).follow(callback);
    expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/auth/amazon/callback', '/login']);
    expect(res.status).toBe(401);
    expect(amazon.calls.token).toBe(0);
  });
});
