/**
 * Session fixation with the oldest passport `peerDependencies.passport` admits (installed as the
 * devDependency alias `passport-oldest`): passport regenerates the session at sign-in only from
 * 0.6.0 on, so the range must not admit anything older.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Passport } from 'passport';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { startCodeGrantApp } from '../helpers/code-grant-app.js';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
const oldest = require('passport-oldest') as { Passport: typeof Passport };
const oldestVersion = (require('passport-oldest/package.json') as { version: string }).version;

let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.oldest', user: { user_id: 'amzn1.account.AOLDEST' } }); });
afterAll(async () => { await amazon.close(); });

describe(`session fixation with the oldest admitted passport (${oldestVersion}) and express-session`, () => {
  test('the devDependency passport-oldest is the oldest version peerDependencies.passport admits', () => {
    // A plain lower bound: its floor is the oldest version admitted.
    expect(pkg.peerDependencies.passport).toBe(`>=${oldestVersion}`);
  });

  test('a session id planted before sign-in is not signed in afterwards', async () => {
    const app = await startCodeGrantApp(amazon, { express: 5, successRedirect: true, Passport: oldest.Passport });
    try {
      const browser = new CookieBrowser(app.url);
      // The attacker's session: started by the redirect leg, then planted in the victim's browser.
      const { stoppedAt } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
      const planted = browser.cookies.get('connect.sid');
      expect(planted).toBeDefined();
      const { res } = await browser.follow(stoppedAt ?? '');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ user: { id: 'amzn1.account.AOLDEST' } });
      expect(browser.cookies.get('connect.sid')).not.toBe(planted);
      const attacker = await fetch(`${app.url}/me`, { headers: { cookie: `connect.sid=${planted ?? ''}` } });
      expect(attacker.status).toBe(401);
    } finally {
      await app.close();
    }
  });
});
