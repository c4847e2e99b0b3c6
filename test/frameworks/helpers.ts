/**
 * What every framework test checks, against a real app of that framework and the fake Login with
 * Amazon (`passport-login-with-amazon/testing`, a real server on 127.0.0.1).
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError, type LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { expectNoSecret } from '../helpers/leak.js';

export const CLIENT_ID = 'amzn1.application-oa2-client.frameworks';

/** The customer the tests sign in. */
export const ADA = { user_id: 'amzn1.account.AFRAMEWORKS0ADA', name: 'Ada Lovelace', email: 'ada@example.com' };

/** What the apps answer for ADA: the strategy's normalized profile (without `_raw`/`_json`). */
export const ADA_USER = {
  provider: 'amazon',
  id: ADA.user_id,
  displayName: 'Ada Lovelace',
  emails: [{ value: 'ada@example.com' }],
};

/** Milliseconds the strategy waits for Amazon; the timeout test delays the fake far longer. */
export const UPSTREAM_TIMEOUT = 1000;

/** Strategy options on the fake: no cache and no retry, so each test sees exactly its own calls. */
export function strategyOptions(amazon: FakeAmazon): LoginWithAmazonStrategyOptions {
  return { clientID: amazon.clientID, ...amazon.endpoints, cache: false, retries: 0, timeout: UPSTREAM_TIMEOUT };
}

/** One answer of the app under test, whatever the framework's client. */
export interface Reply {
  status: number;
  header(name: string): string | null;
  text: string;
  json: unknown;
}

/** Options of one request to the app under test. */
export interface Call {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A running app of one framework. */
export interface Harness {
  /** Sends a request (default `GET /api/me`). */
  call(call?: Call): Promise<Reply>;
  /** Errors that reached the framework's error handling, oldest first. */
  readonly errors: unknown[];
  /** Everything the app logged, as text. */
  logged(): string;
  close(): Promise<void>;
}

/** Signs Ada in with a token in a JSON body and a form body; a token in the query is ignored (off by default): 401, no call to Amazon. */
export async function expectBodyAndQueryTokens(app: Harness, amazon: FakeAmazon): Promise<void> {
  const json = await app.call({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ access_token: amazon.issueToken(ADA) }),
  });
  expect([json.status, json.json]).toEqual([200, ADA_USER]);
  const form = await app.call({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: amazon.issueToken(ADA) }).toString(),
  });
  expect([form.status, form.json]).toEqual([200, ADA_USER]);
  const calls = amazon.calls.tokeninfo;
  const query = await app.call({ path: `/api/me?access_token=${encodeURIComponent(amazon.issueToken(ADA))}` });
  expect(query.status).toBe(401);
  expect(query.header('www-authenticate')).toBe('Bearer realm="Users"');
  expect(amazon.calls.tokeninfo).toBe(calls);
}

/** `GET /api/me` with `Authorization: Bearer <token>`. */
export function bearer(token: string): Call {
  return { headers: { authorization: `Bearer ${token}` } };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends a call over HTTP to `baseURL` (a listening app on 127.0.0.1). */
export async function fetchReply(baseURL: string, call: Call = {}): Promise<Reply> {
  const init: RequestInit = { method: call.method ?? 'GET', headers: call.headers ?? {} };
  if (call.body !== undefined) init.body = call.body;
  const response = await fetch(`${baseURL}${call.path ?? '/api/me'}`, init);
  const text = await response.text();
  return { status: response.status, header: (name) => response.headers.get(name), text, json: parse(text) };
}

/** Builds a Reply from a status, a header lookup and a body text (for in-process clients such as inject). */
export function toReply(status: number, header: (name: string) => string | null, text: string): Reply {
  return { status, header, text, json: parse(text) };
}

/** Asserts that the token appears nowhere in the answer, the errors or the log. */
export function expectTokenNowhere(app: Harness, reply: Reply, token: string): void {
  for (const err of app.errors) expectNoSecret(err, token);
  const seen = [reply.text, app.logged(), inspect(app.errors, { depth: 10 })];
  for (const text of seen) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(5, 40));
    expect(text).not.toContain(encodeURIComponent(token));
  }
}

/** The challenge of a rejected token, as the strategy sends it. */
export const INVALID_TOKEN_CHALLENGE = /^Bearer realm="Users", error="invalid_token", error_description="[^"]+"$/;

/**
 * The checks every framework passes: sign-in with the normalized profile, 401 with the
 * strategy's challenge, and Amazon's failures reaching the framework's error handling with
 * `status` 502/504, without the token in the answer, the error or the log.
 */
export function describeDropIn(start: (options: LoginWithAmazonStrategyOptions) => Promise<Harness>): void {
  let amazon: FakeAmazon;
  let app: Harness;

  beforeAll(async () => {
    amazon = await createFakeAmazon({ clientID: CLIENT_ID });
    app = await start(strategyOptions(amazon));
  });

  afterEach(() => {
    amazon.reset();
    app.errors.length = 0;
  });

  afterAll(async () => {
    await app.close();
    await amazon.close();
  });

  describe('drop-in', () => {
    test('signs in: 200 with the normalized profile', async () => {
      const reply = await app.call(bearer(amazon.issueToken(ADA)));
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual(ADA_USER);
      expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
      expect(app.errors).toEqual([]);
    });

    test('a request without a token: 401 with a bare Bearer challenge, no call to Amazon', async () => {
      const reply = await app.call();
      expect(reply.status).toBe(401);
      expect(reply.header('www-authenticate')).toBe('Bearer realm="Users"');
      expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
    });

    test('a revoked token: 401 with the invalid_token challenge intact, nothing reaches error handling', async () => {
      const token = amazon.issueToken(ADA);
      amazon.revoke(token);
      const reply = await app.call(bearer(token));
      expect(reply.status).toBe(401);
      expect(reply.header('www-authenticate')).toMatch(INVALID_TOKEN_CHALLENGE);
      expect(app.errors).toEqual([]);
      expectTokenNowhere(app, reply, token);
    });

    test('a token issued to another app: 401 invalid_token', async () => {
      const token = amazon.issueToken(ADA, { aud: 'amzn1.application-oa2-client.other' });
      const reply = await app.call(bearer(token));
      expect(reply.status).toBe(401);
      expect(reply.header('www-authenticate')).toMatch(INVALID_TOKEN_CHALLENGE);
    });

    test('Amazon answers 500: 502 through error handling, status kept, token nowhere', async () => {
      amazon.fault('tokeninfo', { status: 500 });
      const token = amazon.issueToken(ADA);
      const reply = await app.call(bearer(token));
      expect(reply.status).toBe(502);
      expect(reply.header('www-authenticate')).toBeNull();
      expect(app.errors).toHaveLength(1);
      expect(app.errors[0]).toBeInstanceOf(LoginWithAmazonError);
      expect(app.errors[0]).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', status: 502, upstreamStatus: 500 });
      expectTokenNowhere(app, reply, token);
    });

    test('Amazon does not answer in time: 504 through error handling, token nowhere', async () => {
      amazon.fault('profile', { delayMs: UPSTREAM_TIMEOUT * 10 });
      const token = amazon.issueToken(ADA);
      const reply = await app.call(bearer(token));
      expect(reply.status).toBe(504);
      expect(app.errors).toHaveLength(1);
      expect(app.errors[0]).toMatchObject({ code: 'LWA_TIMEOUT', status: 504, endpoint: 'profile' });
      expectTokenNowhere(app, reply, token);
    });
  });
}
