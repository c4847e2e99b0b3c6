// The "Testing your app" example of the README, verbatim: keep the two in step.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import express from 'express';
import passport from 'passport';
import { LoginWithAmazonStrategy } from 'passport-login-with-amazon';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';

const CLIENT_ID = 'amzn1.application-oa2-client.test';
let amazon: FakeAmazon;
let server: Server;
let baseURL: string;

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: CLIENT_ID });
  passport.use(new LoginWithAmazonStrategy({ clientID: CLIENT_ID, ...amazon.endpoints },
    (_accessToken, _refreshToken, profile, done) => {
      done(null, { id: profile.id, name: profile.displayName });
    }));
  const app = express();
  const authenticate = passport.authenticate('amazon-token', { session: false }) as express.RequestHandler;
  app.get('/api/me', authenticate, (req, res) => {
    res.json(req.user);
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterEach(() => {
  amazon.reset(); // forget faults and call counts between tests
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await amazon.close();
});

const me = (token: string): Promise<Response> =>
  fetch(`${baseURL}/api/me`, { headers: { authorization: `Bearer ${token}` } });

test('signs in with a token the fake issued', async () => {
  const token = amazon.issueToken({ user_id: 'amzn1.account.A1', name: 'Ada Lovelace', email: 'ada@example.com' },
    { scopes: ['profile'], expiresIn: 3600, aud: CLIENT_ID });
  const response = await me(token);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ id: 'amzn1.account.A1', name: 'Ada Lovelace' });
  expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1 });
});

test('answers 401 invalid_token once the token is revoked', async () => {
  const token = amazon.issueToken({ user_id: 'amzn1.account.A1' });
  amazon.revoke(token);
  const response = await me(token);
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="Users", error="invalid_token"/);
});

test('answers 401 for a token issued to another app', async () => {
  const token = amazon.issueToken({ user_id: 'amzn1.account.A1' }, { aud: 'amzn1.application-oa2-client.other' });
  expect((await me(token)).status).toBe(401);
});

test('answers 502 when Amazon fails', async () => {
  amazon.fault('tokeninfo', { status: 500 }); // every tokeninfo call, until reset()
  expect((await me(amazon.issueToken())).status).toBe(502);
});

test('answers 502 when Amazon drops the connection', async () => {
  amazon.fault('profile', { drop: true });
  expect((await me(amazon.issueToken())).status).toBe(502);
});

test('sends the token to Amazon in a header, never in a URL', async () => {
  await me(amazon.issueToken());
  expect(amazon.requests.map((r) => r.tokenIn)).toEqual([['amz-header'], ['amz-header']]);
});
