/** Both upstream calls are in flight at once: the fake sees the second before answering the first. */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy } from '../../lib/index.js';
import { APP_ID, CLIENT_ID, TOKEN, profileBody, tokenInfoBody } from '../helpers/amazon-nock.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const events: string[] = [];
let held: { path: string; res: http.ServerResponse }[] = [];
let server: http.Server;
let base: string;
let app: TestApp;

beforeAll(async () => {
  // Holds every request until both endpoints have been asked, then answers them all.
  // A client that waited for tokeninfo before asking for the profile would never get an answer.
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    events.push(`received ${path}`);
    held.push({ path, res });
    if (!held.some((h) => h.path === '/auth/o2/tokeninfo') || !held.some((h) => h.path === '/user/profile')) return;
    for (const h of held) {
      events.push(`answered ${h.path}`);
      const body = h.path === '/user/profile' ? profileBody() : tokenInfoBody();
      h.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    held = [];
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  app = await startApp(new LoginWithAmazonStrategy({
    clientID: CLIENT_ID,
    appID: APP_ID,
    tokenInfoURL: `${base}/auth/o2/tokeninfo`,
    profileURL: `${base}/user/profile`,
    timeout: 2000,
    retries: 0,
    cache: false,
  }, (_a, _r, profile, done) => done(null, { id: profile.id })));
});

afterAll(async () => {
  await app.close();
  server.closeAllConnections();
  server.close();
});

test('tokeninfo and profile are both received before either is answered', async () => {
  const response = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(events.slice(0, 2).sort()).toEqual(['received /auth/o2/tokeninfo', 'received /user/profile']);
  expect(events.slice(2).sort()).toEqual(['answered /auth/o2/tokeninfo', 'answered /user/profile']);
});
