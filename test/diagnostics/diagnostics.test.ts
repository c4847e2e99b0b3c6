/**
 * The diagnostics channels: one `authenticate` trace per authentication, one `upstream` trace per
 * HTTP attempt (retries included), following Node's TracingChannel contract, never with a secret.
 */
import { execFile } from 'node:child_process';
import { inspect, promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import {
  LoginWithAmazonError,
  LoginWithAmazonStrategy,
  type AuthenticateContext,
  type LoginWithAmazonBaseOptions,
  type UpstreamContext,
} from '../../lib/index.js';
import { traceAuthenticate } from '../../lib/diagnostics/authenticate-trace.js';
import { traceUpstream } from '../../lib/diagnostics/upstream-trace.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { authenticate, bearer, recordAuthenticate, recordUpstream, type Recorded } from '../helpers/channels.js';

let amazon: FakeAmazon;
let auth: Recorded<AuthenticateContext>;
let upstream: Recorded<UpstreamContext>;

beforeAll(async () => { amazon = await createFakeAmazon(); });
afterAll(async () => { await amazon.close(); });
afterEach(() => {
  auth.stop();
  upstream.stop();
  amazon.reset();
});

function listen(): void {
  auth = recordAuthenticate<AuthenticateContext>();
  upstream = recordUpstream<UpstreamContext>();
}

function strategy(options: Partial<LoginWithAmazonBaseOptions> = {}): LoginWithAmazonStrategy {
  return new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, timeout: 500, ...options }, (_a, _r, profile, done) => {
    done(null, { id: profile.id });
  });
}

/** The final context of each authenticate trace, in order. */
const outcomes = (): AuthenticateContext[] => auth.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);
const attempts = (): UpstreamContext[] => upstream.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);

function expectNoTokenIn(values: unknown[], token: string): void {
  for (const value of values) {
    for (const view of [inspect(value, { depth: 6 }), JSON.stringify(value)]) {
      expect(view).not.toContain(token);
      expect(view).not.toContain(token.slice(5, 30));
    }
  }
}

describe('the authenticate channel', () => {
  test('a sign-in that asks Amazon: start and end around the synchronous part, then asyncStart and asyncEnd with success, 200, miss and the user id', async () => {
    listen();
    const token = amazon.issueToken({ user_id: 'amzn1.account.TRACED' });
    expect(await authenticate(strategy(), bearer(token))).toEqual({ kind: 'success', user: { id: 'amzn1.account.TRACED' } });
    expect(auth.events.map((e) => e.phase)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(auth.events[0]?.snapshot).toEqual({ strategy: 'amazon-token' });
    expect(new Set(auth.events.map((e) => e.context)).size).toBe(1); // one context object throughout
    expect(outcomes()).toEqual([{ strategy: 'amazon-token', outcome: 'success', status: 200, cache: 'miss', userId: 'amzn1.account.TRACED' }]);
    expectNoTokenIn(auth.events.map((e) => e.context), token);
  });

  test('the same token again is answered by the cache (hit), synchronously inside start/end', async () => {
    const s = strategy();
    const token = amazon.issueToken();
    await authenticate(s, bearer(token));
    listen();
    await authenticate(s, bearer(token));
    expect(auth.events.map((e) => e.phase)).toEqual(['start', 'asyncStart', 'asyncEnd', 'end']);
    expect(outcomes()[0]).toMatchObject({ outcome: 'success', cache: 'hit' });
    expect(attempts()).toEqual([]);
  });

  test('two concurrent requests with one new token: one miss, one coalesced, two upstream calls', async () => {
    listen();
    const s = strategy();
    const token = amazon.issueToken();
    await Promise.all([authenticate(s, bearer(token)), authenticate(s, bearer(token))]);
    expect(outcomes().map((o) => o.cache).sort()).toEqual(['coalesced', 'miss']);
    expect(attempts().map((a) => a.endpoint).sort()).toEqual(['profile', 'tokeninfo']);
  });

  test.each([
    ['no token', 401, { headers: {} }],
    ['a malformed Authorization header', 400, { headers: { authorization: 'Bearer a b' } }],
  ])('%s: fail with status %d and no cache answer', async (_name, status, req) => {
    listen();
    expect(await authenticate(strategy(), { query: {}, body: {}, ...req })).toEqual({ kind: 'fail', status: status === 401 ? undefined : status });
    expect(outcomes()).toEqual([{ strategy: 'amazon-token', outcome: 'fail', status }]);
  });

  test('a revoked token with the cache off: fail, 401, LWA_INVALID_TOKEN, cache off, no user id', async () => {
    listen();
    const token = amazon.issueToken();
    amazon.revoke(token);
    await authenticate(strategy({ cache: false, name: 'lwa' }), bearer(token));
    expect(outcomes()).toEqual([{ strategy: 'lwa', outcome: 'fail', status: 401, code: 'LWA_INVALID_TOKEN', cache: 'off' }]);
    expect(auth.events.map((e) => e.phase)).not.toContain('error');
  });

  test('a token without the profile scope: fail, 403, LWA_INSUFFICIENT_SCOPE', async () => {
    listen();
    await authenticate(strategy(), bearer(amazon.issueToken(undefined, { scopes: [] })));
    expect(outcomes()[0]).toMatchObject({ outcome: 'fail', status: 403, code: 'LWA_INSUFFICIENT_SCOPE' });
  });

  test('an app error in verify: error, 500, on the error channel too', async () => {
    listen();
    const s = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints }, () => { throw new Error('db down'); });
    await authenticate(s, bearer(amazon.issueToken()));
    expect(auth.events.map((e) => e.phase)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(outcomes()[0]).toMatchObject({ outcome: 'error', status: 500, error: expect.objectContaining({ message: 'db down' }) });
    expect(outcomes()[0]?.code).toBeUndefined();
  });
});

describe('the upstream channel', () => {
  test('one trace per attempt: a 500 then a retry, each with its attempt number, status and request id; the error outcome is 502', async () => {
    listen();
    const token = amazon.issueToken();
    amazon.fault('tokeninfo', { status: 500 });
    const ended = await authenticate(strategy({ retries: 1 }), bearer(token));
    expect(ended).toMatchObject({ kind: 'error', error: expect.objectContaining({ code: 'LWA_UPSTREAM_STATUS' }) });
    const tokeninfo = attempts().filter((a) => a.endpoint === 'tokeninfo');
    expect(tokeninfo.map((a) => [a.attempt, a.status, (a.error as LoginWithAmazonError).code])).toEqual([
      [1, 500, 'LWA_UPSTREAM_STATUS'], [2, 500, 'LWA_UPSTREAM_STATUS'],
    ]);
    for (const a of tokeninfo) expect(a.requestId).toEqual(expect.any(String));
    const url = new URL(amazon.endpoints.tokenInfoURL);
    expect(tokeninfo[0]).toMatchObject({ method: 'GET', url: amazon.endpoints.tokenInfoURL, serverAddress: url.hostname, serverPort: Number(url.port) });
    expect(outcomes()[0]).toMatchObject({ outcome: 'error', status: 502, code: 'LWA_UPSTREAM_STATUS', cache: 'miss' });
    const first = upstream.events.find((e) => e.phase === 'start' && e.snapshot.endpoint === 'tokeninfo')?.context;
    expect(upstream.events.filter((e) => e.context === first).map((e) => e.phase)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expectNoTokenIn([...upstream.events.map((e) => e.context), ...auth.events.map((e) => e.context)], token);
  });

  test('a timeout on every attempt: each attempt ends with LWA_TIMEOUT, and the outcome is 504', async () => {
    listen();
    amazon.fault('tokeninfo', { delayMs: 1000 });
    await authenticate(strategy({ retries: 1, timeout: 100, profile: false }), bearer(amazon.issueToken()));
    expect(attempts().map((a) => [a.endpoint, a.attempt, a.status, a.error?.code])).toEqual([
      ['tokeninfo', 1, undefined, 'LWA_TIMEOUT'], ['tokeninfo', 2, undefined, 'LWA_TIMEOUT'],
    ]);
    expect(outcomes()[0]).toMatchObject({ outcome: 'error', status: 504, code: 'LWA_TIMEOUT' });
  });

  test('a dropped connection, then a good answer: attempt 1 fails with LWA_NETWORK, attempt 2 has status 200 and no error', async () => {
    listen();
    amazon.fault('tokeninfo', { drop: true, times: 1 });
    expect(await authenticate(strategy({ retries: 1, profile: false }), bearer(amazon.issueToken()))).toMatchObject({ kind: 'success' });
    expect(attempts().map((a) => [a.attempt, a.status, a.error?.code])).toEqual([[1, undefined, 'LWA_NETWORK'], [2, 200, undefined]]);
  });

  test('a profile call abandoned because tokeninfo said no still ends its trace, with an error', async () => {
    listen();
    const token = amazon.issueToken();
    amazon.revoke(token);
    amazon.fault('profile', { delayMs: 300 });
    await authenticate(strategy({ retries: 0 }), bearer(token));
    const profile = attempts().filter((a) => a.endpoint === 'profile');
    expect(profile).toHaveLength(1);
    expect(profile[0]?.error).toBeInstanceOf(LoginWithAmazonError);
    expect(profile[0]?.cancelled).toBe(true);
    expect(attempts().find((a) => a.endpoint === 'tokeninfo')?.cancelled).toBeUndefined();
  });
});

describe('the upstream context against Amazon\'s own URLs', () => {
  test('https on the default port: server.port 443, the URL without query, no request id when Amazon sends none', async () => {
    listen();
    const token = 'Atza|IwEBupstream-context-token';
    nock('https://api.amazon.com').get('/auth/o2/tokeninfo').reply(401, { error: 'invalid_token' });
    await authenticate(new LoginWithAmazonStrategy({ clientID: 'client', profile: false, cache: false }, () => undefined), bearer(token));
    expect(attempts()).toEqual([expect.objectContaining({
      endpoint: 'tokeninfo', url: 'https://api.amazon.com/auth/o2/tokeninfo', serverAddress: 'api.amazon.com', serverPort: 443, attempt: 1, status: 401,
    })]);
    expect(attempts()[0]?.requestId).toBeUndefined();
    expectNoTokenIn(upstream.events.map((e) => e.context), token);
  });
});

describe('free when nobody listens', () => {
  test('without subscribers no trace is made (no context, no got hooks); one subscriber to any phase turns it on, unsubscribing off again', async () => {
    // A fresh process: in a jest worker, other test files' subscribers may still be there.
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/no-subscriber.ts'], { env, timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({ before: [false, false], subscribed: [true, true], after: [false, false] });
  }, 30_000);

  test('a trace of the got hooks: one beforeRequest, afterResponse and beforeRetry hook each', () => {
    listen();
    const hooks = traceUpstream('tokeninfo', 'https://api.amazon.com/auth/o2/tokeninfo?x=1', () => undefined)?.hooks;
    expect([hooks?.beforeRequest?.length, hooks?.afterResponse?.length, hooks?.beforeRetry?.length]).toEqual([1, 1, 1]);
    expect(traceAuthenticate('amazon-token')).toBeDefined();
  });
});
