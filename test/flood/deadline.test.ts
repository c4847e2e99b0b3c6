/**
 * The time promise: the upstream part of an authentication answers within
 * `timeout × (retries + 1) + 50 ms × retries` even when the request never gets a socket. got's
 * `timeout` does not cover that case: a request destroyed while it waits in an agent's queue
 * emits nothing (no 'error', no 'close') until the agent hands it a socket, so got's own timeout
 * fires and nobody hears it. An agent that never hands out a socket (a proxy agent stuck
 * connecting) makes that wait endless; the deadline answers 504 anyway, and the request stays
 * counted until its work is really over.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { LoginWithAmazonCodeExchangeStrategy, LoginWithAmazonStrategy, type VerifyFunction } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { appCodeOptions, bodyOf, ANDROID_REDIRECT } from '../helpers/app-code.js';
import { admissionOf, startPlainApp, until } from './helpers.js';

let amazon: FakeAmazon;
beforeAll(async () => {
  // Real sockets and agents, not nock's interceptor (which replaces the agent). Every request here goes to 127.0.0.1.
  nock.restore();
  amazon = await createFakeAmazon({ redirectURIs: [ANDROID_REDIRECT] });
});
afterAll(async () => { await amazon.close(); });

const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };

/** An http.Agent whose queue never moves: every request it is handed waits for a socket forever. */
class StuckAgent extends http.Agent {
  readonly queued: http.ClientRequest[] = [];
  addRequest(req: http.ClientRequest): void {
    this.queued.push(req);
  }
}

describe('the upstream deadline', () => {
  test('token strategy: a request that never gets a socket is answered 504 LWA_TIMEOUT, and stays counted', async () => {
    const agent = new StuckAgent();
    const strategy = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, timeout: 200, retries: 0, cache: false, agent: { http: agent } }, toUser);
    const app = await startPlainApp(strategy);
    try {
      const res = await fetch(app.url, { headers: { authorization: `Bearer ${amazon.issueToken()}` }, signal: AbortSignal.timeout(4000) });
      expect(res.status).toBe(504);
      expect(agent.queued).toHaveLength(2);
      expect(amazon.calls.tokeninfo).toBe(0);
      // got destroyed both requests at its timeout, but they never settle: the work is not over.
      await until(() => agent.queued.every((req) => req.destroyed));
      expect(admissionOf(strategy).size).toBe(1);
    } finally {
      await app.close();
    }
  });

  test('app-code strategy: the code exchange that never gets a socket is answered 504 LWA_TIMEOUT', async () => {
    const agent = new StuckAgent();
    const strategy = new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon, { timeout: 200, retries: 0, agent: { http: agent } }), toUser);
    const app = await startPlainApp(strategy);
    try {
      const body = JSON.stringify(bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(4000) });
      expect(res.status).toBe(504);
      expect(agent.queued).toHaveLength(1);
      expect(amazon.calls.token).toBe(0);
    } finally {
      await app.close();
    }
  });
});
