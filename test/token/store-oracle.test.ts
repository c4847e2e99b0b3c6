/**
 * The store oracle: an attacker who can write to and watch the shared store, and make a sign-out
 * route call `strategy.forget()` with strings of their choosing, sees which keys get deleted. With
 * one HMAC key for store keys and value MACs (entry version 2), `forget(key + '\n' + context + '\n'
 * + data)` deleted the key `prefix + MAC`: a MAC for data of the attacker's choosing, so a made-up
 * token signed in as anyone without a call to Amazon. The attack below is run as written against
 * the current code: it must get nowhere.
 */
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type CacheStore, type VerifyFunction } from '../../lib/index.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';
import { startApp } from '../helpers/express-app.js';

const CLIENT = 'amzn1.application-oa2-client.oracle';
const SECRET = 'oracle-test-secret-0123456789abcdef';
const PREFIX = 'passport-login-with-amazon:';
const VICTIM = 'amzn1.account.ORACLEVICTIM';
const suite = fakeAmazonSuite(CLIENT);

const passThrough: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };

/** A store the attacker can read, write and watch (every key deleted is seen). */
function watchedStore(): CacheStore & { map: Map<string, unknown>; deletes: string[] } {
  const map = new Map<string, unknown>();
  const deletes: string[] = [];
  return {
    map, deletes,
    get: (key) => structuredClone(map.get(key)),
    set: (key, value) => { map.set(key, structuredClone(value)); return true; },
    delete: (key) => { deletes.push(key); return map.delete(key); },
  };
}

describe('the store oracle: forget() with chosen strings, a store the attacker writes and watches', () => {
  test('cannot forge an entry\'s MAC: a made-up token is not signed in, and Amazon is asked', async () => {
    const store = watchedStore();
    const { tokenInfoURL, profileURL } = suite.amazon.endpoints;
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, tokenInfoURL, profileURL, cache: { store, secret: SECRET } }, passThrough);
    const app = await startApp(strategy);
    suite.apps.push(app);
    // What a sign-out route does with whatever the client sent it.
    const signOut = async (chosen: unknown): Promise<string | undefined> => {
      const before = store.deletes.length;
      await strategy.forget(chosen as string).catch(() => undefined);
      return store.deletes.slice(before).at(0);
    };
    const invented = `Atza|${'F'.repeat(400)}`;
    const key = (await signOut(invented)) ?? PREFIX;
    const context = JSON.stringify([[CLIENT], [], tokenInfoURL, profileURL]);
    const tokenInfo = { iss: 'https://www.amazon.com', user_id: VICTIM, aud: CLIENT, exp: 3600 };
    const data = JSON.stringify({ tokenInfo, profile: JSON.stringify({ user_id: VICTIM, name: 'Victim', email: 'v@example.com' }), askedAt: Date.now() });
    const oracle = await signOut(`${key}\n${context}\n${data}`);
    const mac = oracle?.slice(PREFIX.length) ?? 'A'.repeat(43);
    for (const v of [2, 3]) {
      store.map.set(key, { v, data, mac });
      const calls = suite.amazon.calls.tokeninfo;
      const answer = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${invented}` } });
      expect(answer.status).toBe(401);
      expect(await answer.text()).not.toContain(VICTIM);
      expect(suite.amazon.calls.tokeninfo).toBe(calls + 1);
    }
    strategy.close();
  });
});
