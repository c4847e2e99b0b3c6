/**
 * Fails closed under every fault: for each upstream endpoint and each way it can misbehave, the
 * strategy ends in exactly one `fail` or `error` (never `success`), within the timeout budget,
 * without an unhandled rejection, a stray socket or timer, or the token in the error.
 *
 * Mapping (README outcome table): Amazon's `invalid_token` (400/401) -> fail 401 invalid_token; profile
 * insufficient_scope -> fail 403; any other 4xx (our request refused) -> LWA_UPSTREAM_STATUS 502; network error -> LWA_NETWORK 502; timeout -> LWA_TIMEOUT 504;
 * 5xx after the retries, 429, 3xx -> LWA_UPSTREAM_STATUS 502; unparseable, wrongly shaped or over
 * 1 MiB -> LWA_BAD_RESPONSE 502.
 *
 * - 400 `invalid_request` (or any 4xx whose `error` is not `invalid_token`) is Amazon refusing our
 *   request, not the user's token: LWA_UPSTREAM_STATUS 502 with `upstreamStatus` and
 *   `upstreamError`, so that an incompatibility shows as an outage instead of every user getting 401.
 * - tokeninfo `exp` <= 0 (a well-typed number): `exp` is seconds left, so the token has expired:
 *   fail 401. A non-integer `exp` is a wrong shape: LWA_BAD_RESPONSE.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type LoginWithAmazonStrategyOptions, type VerifyFunction } from '../../lib/index.js';
import { MAX_RESPONSE_BYTES, RETRY_DELAY_MS } from '../../lib/amazon/http.js';
import { expectNoSecret } from '../helpers/leak.js';
import {
  CLIENT_ID,
  PATHS,
  TOKEN,
  USER_ID,
  authenticate,
  healthy,
  profileBody,
  refusedURL,
  reply,
  resources,
  settleResources,
  startUpstream,
  tokenInfoBody,
  watchUnhandled,
  within,
  type Action,
  type Endpoint,
  type Handler,
  type Upstream,
} from './helpers.js';

const TIMEOUT = 300;
const RETRIES = 1; // the default
/** `timeout × (retries + 1)`, the retry pauses, and a margin for a busy machine. An upper bound only. */
const BOUND = TIMEOUT * (RETRIES + 1) + RETRY_DELAY_MS * RETRIES + 1500;
/** What the oversized answer would send if nobody stopped reading. */
const STREAM_TOTAL = 64 * MAX_RESPONSE_BYTES;

type Expected =
  | { kind: 'fail'; status: 401 | 403; error: 'invalid_token' | 'insufficient_scope' }
  | { kind: 'error'; code: string; status: 502 | 504; upstreamStatus?: number };

const FAIL_401: Expected = { kind: 'fail', status: 401, error: 'invalid_token' };
const FAIL_403: Expected = { kind: 'fail', status: 403, error: 'insufficient_scope' };
const err = (code: string, status: 502 | 504 = 502, upstreamStatus?: number): Expected =>
  ({ kind: 'error', code, status, ...(upstreamStatus === undefined ? {} : { upstreamStatus }) });

interface Fault {
  name: string;
  /** The endpoints this fault is tried on. Default: both. */
  only?: Endpoint;
  /** How the faulted endpoint answers. */
  handler?: (endpoint: Endpoint) => Handler;
  /** Nothing listens at the faulted endpoint's URL. */
  refused?: boolean;
  expected: Expected | ((endpoint: Endpoint) => Expected);
  /** Exact number of requests the faulted endpoint must see (default: at most retries + 1). */
  attempts?: number;
  /** More checks once everything is closed. */
  check?: (upstream: Upstream) => void;
}

const status = (code: number, body: unknown = { error: 'ServerError' }): (() => Handler) =>
  () => (_req, res) => reply(res, code, body);
const body200 = (text: string): (() => Handler) => () => (_req, res) => reply(res, 200, text);
const perEndpoint = (bodies: Record<Endpoint, unknown>): ((endpoint: Endpoint) => Handler) =>
  (endpoint) => (_req, res) => reply(res, 200, bodies[endpoint]);

/** Headers and part of a body, then a TCP reset. */
const resetMidBody: Handler = (_req, res, tools) => {
  const text = JSON.stringify(tokenInfoBody());
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
  res.write(text.slice(0, 20));
  tools.later(20, () => res.socket?.resetAndDestroy());
};

/** Headers at once, then one byte of JSON whitespace every 50 ms, far past the timeout. */
const trickle: Handler = (_req, res, tools) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  let sent = 0;
  tools.every(50, () => {
    if (res.destroyed || sent >= 200) return false;
    sent += 1;
    res.write(' ');
    return true;
  });
};

/** A body without end, written only as fast as the client reads it. */
const endless: Handler = (_req, res, tools) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  const pump = (): void => {
    while (written < STREAM_TOTAL && !res.destroyed) {
      written += chunk.length;
      tools.wrote(chunk.length);
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
};

let target: Upstream;
const redirect = (code: number) => (endpoint: Endpoint): Handler => (_req, res: ServerResponse) => {
  res.writeHead(code, { location: `${target.origin}${PATHS[endpoint]}` });
  res.end();
};

/** A payload that carries the required fields only through `__proto__` / `constructor`. */
const pollution = (fields: Record<string, unknown>): string =>
  `{"__proto__":${JSON.stringify({ ...fields, polluted: 'yes' })},"constructor":{"prototype":{"polluted":"yes"}}}`;

const FAULTS: Fault[] = [
  { name: 'connection refused', refused: true, expected: err('LWA_NETWORK') },
  { name: 'connection reset mid-body', handler: () => resetMidBody, expected: err('LWA_NETWORK') },
  { name: 'timeout (no response at all)', handler: () => () => undefined, expected: err('LWA_TIMEOUT', 504), attempts: RETRIES + 1 },
  { name: 'a body trickling in past the timeout', handler: () => trickle, expected: err('LWA_TIMEOUT', 504), attempts: RETRIES + 1 },
  ...[500, 502, 503].map((code): Fault => ({
    name: `${String(code)} (retried, then an error)`, handler: status(code),
    expected: err('LWA_UPSTREAM_STATUS', 502, code), attempts: RETRIES + 1,
  })),
  { name: '429 (not retried)', handler: status(429, { error: 'TooManyRequests' }), expected: err('LWA_UPSTREAM_STATUS', 502, 429), attempts: 1 },
  { name: '400 invalid_token', handler: status(400, { error: 'invalid_token', error_description: 'bad' }), expected: FAIL_401, attempts: 1 },
  { name: '400 invalid_request', handler: status(400, { error: 'invalid_request', error_description: 'missing' }), expected: err('LWA_UPSTREAM_STATUS', 502, 400), attempts: 1 },
  {
    name: '401 insufficient_scope', handler: status(401, { error: 'insufficient_scope' }), attempts: 1,
    expected: (endpoint) => (endpoint === 'profile' ? FAIL_403 : err('LWA_UPSTREAM_STATUS', 502, 401)),
  },
  { name: '200 with an HTML page', handler: body200('<html><body>Service Unavailable</body></html>'), expected: err('LWA_BAD_RESPONSE', 502) },
  {
    name: '200 with truncated JSON', expected: err('LWA_BAD_RESPONSE'),
    handler: (endpoint) => (_req, res) => reply(res, 200, JSON.stringify(endpoint === 'profile' ? profileBody() : tokenInfoBody()).slice(0, -12)),
  },
  { name: '200 with a JSON array', handler: body200(JSON.stringify([tokenInfoBody()])), expected: err('LWA_BAD_RESPONSE') },
  { name: '200 with a JSON string', handler: body200(JSON.stringify(USER_ID)), expected: err('LWA_BAD_RESPONSE') },
  { name: '200 with JSON null', handler: body200('null'), expected: err('LWA_BAD_RESPONSE') },
  {
    name: '200 with a wrongly typed field (tokeninfo aud, profile user_id a number)', expected: err('LWA_BAD_RESPONSE'),
    handler: perEndpoint({ tokeninfo: tokenInfoBody({ aud: 12345 }), profile: profileBody({ user_id: 12345 }) }),
  },
  {
    name: '200 with an empty user_id', expected: err('LWA_BAD_RESPONSE'),
    handler: perEndpoint({ tokeninfo: tokenInfoBody({ user_id: '' }), profile: profileBody({ user_id: '' }) }),
  },
  {
    name: '200 with a required field missing (tokeninfo aud, profile user_id)', expected: err('LWA_BAD_RESPONSE'),
    handler: perEndpoint({ tokeninfo: tokenInfoBody({ aud: undefined }), profile: profileBody({ user_id: undefined }) }),
  },
  { name: '200 with a negative exp (expired)', only: 'tokeninfo', handler: perEndpoint({ tokeninfo: tokenInfoBody({ exp: -5 }), profile: {} }), expected: FAIL_401 },
  { name: '200 with exp as a string', only: 'tokeninfo', handler: perEndpoint({ tokeninfo: tokenInfoBody({ exp: '3597' }), profile: {} }), expected: err('LWA_BAD_RESPONSE') },
  { name: '200 with email a number', only: 'profile', handler: perEndpoint({ tokeninfo: {}, profile: profileBody({ email: 42 }) }), expected: err('LWA_BAD_RESPONSE') },
  {
    name: '200 with __proto__ / constructor keys (prototype pollution attempt)', expected: err('LWA_BAD_RESPONSE'),
    handler: (endpoint) => body200(pollution(endpoint === 'profile' ? profileBody() : tokenInfoBody()))(),
    check: () => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('user_id');
    },
  },
  {
    name: 'a body over 1 MiB (cut off while streaming)', handler: () => endless, expected: err('LWA_BAD_RESPONSE'), attempts: 1,
    check: (upstream) => {
      expect(upstream.aborted).toBeGreaterThanOrEqual(1);
      expect(upstream.bytesWritten).toBeLessThan(STREAM_TOTAL);
    },
  },
  ...[302, 307].map((code): Fault => ({
    name: `a ${String(code)} redirect (not followed)`, handler: redirect(code), expected: err('LWA_UPSTREAM_STATUS', 502, code), attempts: 1,
    check: () => expect(target.calls).toEqual({}),
  })),
  {
    name: 'tokeninfo fine, profile for another user', only: 'profile', expected: FAIL_401,
    handler: () => (_req, res) => reply(res, 200, profileBody({ user_id: 'amzn1.account.SOMEONEELSE' })),
  },
  {
    name: 'tokeninfo fine, profile slower than the timeout', only: 'profile', expected: err('LWA_TIMEOUT', 504), attempts: RETRIES + 1,
    handler: () => (_req, res, tools) => tools.later(TIMEOUT + 100, () => reply(res, 200, profileBody())),
  },
];

const ROWS = FAULTS.flatMap((fault) =>
  (['tokeninfo', 'profile'] as const).filter((endpoint) => fault.only === undefined || fault.only === endpoint)
    .map((endpoint) => [endpoint, fault.name, fault] as const));

beforeAll(async () => {
  // Real sockets, not nock's interceptor: these faults are about TCP (resets, trickles, aborts), and
  // nock's MockHttpSocket re-emits a timeout as a second 'error' event that nobody listens to (an
  // unhandled rejection that real Node sockets never produce). Every request here goes to 127.0.0.1.
  nock.restore();
  target = await startUpstream({ [PATHS.tokeninfo]: healthy.tokeninfo, [PATHS.profile]: healthy.profile });
});
afterAll(async () => {
  await target.close();
});

/** Checks the one action against the expectation, and that the token is nowhere in it. */
function expectOutcome(action: Action, expected: Expected, endpoint: Endpoint): void {
  if (expected.kind === 'fail') {
    expect(action.type).toBe('fail');
    const { challenge, status: failStatus } = action as Extract<Action, { type: 'fail' }>;
    expect(failStatus ?? 401).toBe(expected.status);
    expect(challenge).toEqual(expect.stringContaining(`error="${expected.error}"`));
    expectNoSecret(challenge, TOKEN);
    return;
  }
  expect(action.type).toBe('error');
  const error = (action as Extract<Action, { type: 'error' }>).err;
  expect(error).toBeInstanceOf(LoginWithAmazonError);
  expect(error).toMatchObject({ code: expected.code, status: expected.status, endpoint });
  if (expected.upstreamStatus !== undefined) expect(error).toMatchObject({ upstreamStatus: expected.upstreamStatus });
  expectNoSecret(error, TOKEN);
}

interface Run {
  action: Action;
  actions: Action[];
  verified: number;
  elapsed: number;
  upstream: Upstream;
  unhandled: unknown[];
  leftOver: ReturnType<typeof resources>;
  baseline: ReturnType<typeof resources>;
}

/** One authentication against an upstream with `handlers`, run to the end and cleaned up. */
async function runOnce(handlers: Record<string, Handler>, options: Partial<LoginWithAmazonStrategyOptions> & Record<string, unknown>): Promise<Run> {
  const baseline = resources();
  const unhandled = watchUnhandled();
  const upstream = await startUpstream(handlers);
  let verified = 0;
  const verify: VerifyFunction = (_access, _refresh, profile, done) => {
    verified += 1;
    done(null, { id: profile.id });
  };
  const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT_ID, ...upstream.endpoints, timeout: TIMEOUT, cache: false, ...options }, verify);
  const started = Date.now();
  const run = authenticate(strategy, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(run.threw).toEqual([]);
  const action = await within(run.first, BOUND, 'the outcome');
  const elapsed = Date.now() - started;
  await within(upstream.settled(), BOUND, 'the upstream answers');
  await upstream.close();
  const leftOver = await settleResources(baseline);
  await new Promise((resolve) => setImmediate(resolve));
  unhandled.stop();
  return { action, actions: run.actions, verified, elapsed, upstream, unhandled: unhandled.events, leftOver, baseline };
}

function expectClean(run: Run): void {
  expect(run.actions).toHaveLength(1);
  expect(run.actions.some((action) => action.type === 'success')).toBe(false);
  expect(run.verified).toBe(0);
  expect(run.elapsed).toBeLessThan(BOUND);
  expect(run.unhandled).toEqual([]);
  expect(run.upstream.openConnections()).toBe(0);
  expect(run.leftOver.sockets).toBeLessThanOrEqual(run.baseline.sockets);
  expect(run.leftOver.servers).toBeLessThanOrEqual(run.baseline.servers);
  expect(run.leftOver.timers).toBeLessThanOrEqual(run.baseline.timers);
}

describe('fault matrix (cache off)', () => {
  test.each(ROWS)('%s: %s fails closed', async (endpoint, _name, fault) => {
    const handlers: Record<string, Handler> = { [PATHS.tokeninfo]: healthy.tokeninfo, [PATHS.profile]: healthy.profile };
    if (fault.handler) handlers[PATHS[endpoint]] = fault.handler(endpoint);
    const urlOption = endpoint === 'tokeninfo' ? 'tokenInfoURL' : 'profileURL';
    const options = fault.refused ? { [urlOption]: await refusedURL(PATHS[endpoint]) } : {};
    const run = await runOnce(handlers, options);
    expectOutcome(run.action, typeof fault.expected === 'function' ? fault.expected(endpoint) : fault.expected, endpoint);
    expectClean(run);
    const attempts = run.upstream.calls[PATHS[endpoint]] ?? 0;
    // Exactly the attempts the row names; a row that names none allows at most RETRIES + 1.
    expect(attempts).toBe(fault.attempts ?? Math.min(attempts, RETRIES + 1));
    fault.check?.(run.upstream);
  });
});

describe('the same faults with the cache on (default options): nothing half-finished is cached', () => {
  const USER_MISMATCH: Handler = (_req, res) => reply(res, 200, profileBody({ user_id: 'amzn1.account.SOMEONEELSE' }));
  const SLOW: Handler = (_req, res, tools) => tools.later(TIMEOUT + 100, () => reply(res, 200, profileBody()));

  test.each([
    ['profile slower than the timeout', SLOW, err('LWA_TIMEOUT', 504)],
    ['profile for another user', USER_MISMATCH, FAIL_401],
  ] as const)('%s: two concurrent requests fail closed, and the next one asks Amazon again', async (_name, faulty, expected) => {
    const baseline = resources();
    const unhandled = watchUnhandled();
    const handlers: Record<string, Handler> = { [PATHS.tokeninfo]: healthy.tokeninfo, [PATHS.profile]: faulty };
    const upstream = await startUpstream(handlers);
    let verified = 0;
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT_ID, ...upstream.endpoints, timeout: TIMEOUT }, (_a, _r, profile, done) => {
      verified += 1;
      done(null, { id: profile.id });
    });
    const req = { headers: { authorization: `Bearer ${TOKEN}` } };
    const runs = [authenticate(strategy, req), authenticate(strategy, req)];
    const actions = await within(Promise.all(runs.map((run) => run.first)), BOUND, 'both outcomes');
    for (const action of actions) expectOutcome(action, expected, 'profile');
    expect(verified).toBe(0);
    await within(upstream.settled(), BOUND, 'the upstream answers');

    // Amazon recovers: the same token is validated upstream again, and the right user comes back.
    handlers[PATHS.profile] = healthy.profile;
    const tokenInfoCalls = upstream.calls[PATHS.tokeninfo] ?? 0;
    const next = authenticate(strategy, req);
    const action = await within(next.first, BOUND, 'the next outcome');
    expect(action).toEqual({ type: 'success', user: { id: USER_ID }, info: { tokenInfo: expect.objectContaining({ user_id: USER_ID }) } });
    expect(upstream.calls[PATHS.tokeninfo]).toBe(tokenInfoCalls + 1);

    await upstream.close();
    const leftOver = await settleResources(baseline);
    await new Promise((resolve) => setImmediate(resolve));
    unhandled.stop();
    for (const run of [...runs, next]) expect(run.actions).toHaveLength(1);
    expect(verified).toBe(1);
    expect(unhandled.events).toEqual([]);
    expect(upstream.openConnections()).toBe(0);
    expect(leftOver.sockets).toBeLessThanOrEqual(baseline.sockets);
    expect(leftOver.timers).toBeLessThanOrEqual(baseline.timers);
  });
});
