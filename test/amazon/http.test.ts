/**
 * The HTTP layer on its own (lib/amazon/http.ts): how a non-200 answer maps to an error, which
 * `error` code of Amazon's is believed, and which agent carries an https request.
 */
import http, { createServer, type Server } from 'node:http';
import https from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import nock from 'nock';
import { errorCode, MAX_SOCKETS, statusError, UpstreamHttp } from '../../lib/amazon/http.js';
import type { Endpoint } from '../../lib/core/errors.js';

describe('errorCode: Amazon\'s `error`, only when well formed', () => {
  test.each([
    ['{"error":"invalid_token"}', 'invalid_token'],
    ['{"error":"ServerError","error_description":"x"}', 'ServerError'],
    ['{"error":"a.b:c-d_e9"}', 'a.b:c-d_e9'],
    [`{"error":"a${'b'.repeat(63)}"}`, `a${'b'.repeat(63)}`], // 64 characters
    [`{"error":"a${'b'.repeat(64)}"}`, undefined], // 65
    ['{"error":"9lives"}', undefined], // not a letter first
    ['{"error":"_x"}', undefined],
    ['{"error":"bad code"}', undefined],
    ['{"error":"x\\n"}', undefined],
    ['{"error":"<script>"}', undefined],
    ['{"error":""}', undefined],
    ['{"error":["invalid_token"]}', undefined], // an array that would print as the code
    ['{"error":5}', undefined],
    ['{"error":null}', undefined],
    ['{"error":{"code":"invalid_token"}}', undefined],
    ['{}', undefined],
    ['[]', undefined],
    ['["invalid_token"]', undefined],
    ['null', undefined],
    ['5', undefined],
    ['"invalid_token"', undefined],
    ['true', undefined],
    ['<html>invalid_token</html>', undefined],
    ['', undefined],
  ])('%j gives %j', (raw, code) => {
    expect(errorCode(raw)).toBe(code);
  });
});

describe('statusError: which non-200 answer says what', () => {
  const body = (error: string): string => JSON.stringify({ error, error_description: 'Atza|secret-looking' });

  test.each<[Endpoint, number, string, string]>([
    // insufficient_scope is believed from the profile endpoint, for a 4xx only
    ['profile', 400, body('insufficient_scope'), 'LWA_INSUFFICIENT_SCOPE'],
    ['profile', 403, body('insufficient_scope'), 'LWA_INSUFFICIENT_SCOPE'],
    ['profile', 499, body('insufficient_scope'), 'LWA_INSUFFICIENT_SCOPE'],
    ['profile', 399, body('insufficient_scope'), 'LWA_UPSTREAM_STATUS'],
    ['profile', 302, body('insufficient_scope'), 'LWA_UPSTREAM_STATUS'],
    ['profile', 500, body('insufficient_scope'), 'LWA_UPSTREAM_STATUS'],
    ['profile', 503, body('insufficient_scope'), 'LWA_UPSTREAM_STATUS'],
    ['tokeninfo', 403, body('insufficient_scope'), 'LWA_UPSTREAM_STATUS'],
    ['token', 400, body('insufficient_scope'), 'LWA_UPSTREAM_STATUS'],
    // invalid_token is believed from a 400 or a 401, from either endpoint
    ['tokeninfo', 400, body('invalid_token'), 'LWA_INVALID_TOKEN'],
    ['tokeninfo', 401, body('invalid_token'), 'LWA_INVALID_TOKEN'],
    ['profile', 400, body('invalid_token'), 'LWA_INVALID_TOKEN'],
    ['profile', 401, body('invalid_token'), 'LWA_INVALID_TOKEN'],
    ['tokeninfo', 402, body('invalid_token'), 'LWA_UPSTREAM_STATUS'],
    ['tokeninfo', 403, body('invalid_token'), 'LWA_UPSTREAM_STATUS'],
    ['tokeninfo', 500, body('invalid_token'), 'LWA_UPSTREAM_STATUS'],
    ['profile', 399, body('invalid_token'), 'LWA_UPSTREAM_STATUS'],
    // anything else is Amazon refusing our request, or failing
    ['tokeninfo', 400, body('invalid_request'), 'LWA_UPSTREAM_STATUS'],
    ['tokeninfo', 401, '<html>401</html>', 'LWA_UPSTREAM_STATUS'],
    ['profile', 429, body('TooManyRequests'), 'LWA_UPSTREAM_STATUS'],
  ])('%s %d %s is %s', (endpoint, status, raw, code) => {
    const error = statusError(endpoint, { status, raw, requestId: 'req-1' });
    expect(error.code).toBe(code);
    expect(error).toMatchObject({ endpoint, upstreamStatus: status, requestId: 'req-1' });
    expect(error.message).not.toContain('Atza');
  });

  test('the facts it keeps: Amazon\'s code when well formed, the request id when there is one', () => {
    const withAll = statusError('tokeninfo', { status: 503, raw: body('ServerError'), requestId: 'req-9' });
    expect(withAll.toJSON()).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', upstreamStatus: 503, upstreamError: 'ServerError', requestId: 'req-9', status: 502 });
    for (const requestId of [undefined, '']) {
      const bare = statusError('tokeninfo', { status: 503, raw: 'not json', requestId });
      expect(bare.requestId).toBeUndefined();
      expect(bare.upstreamError).toBeUndefined();
      expect(bare.message).toBe('tokeninfo answered an unexpected HTTP status');
    }
  });

  test.each<[Endpoint, number, string, string]>([
    ['profile', 403, 'insufficient_scope', 'profile requires a scope the token lacks'],
    ['tokeninfo', 400, 'invalid_token', 'tokeninfo rejected the token'],
    ['profile', 401, 'invalid_token', 'profile rejected the token'],
    ['profile', 500, 'x', 'profile answered an unexpected HTTP status'],
  ])('%s %d %s says %j', (endpoint, status, error, message) => {
    expect(statusError(endpoint, { status, raw: body(error), requestId: undefined }).message).toBe(message);
  });
});

describe('UpstreamHttp', () => {
  let server: Server | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    if (server) {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      server = undefined;
    }
  });

  test('a repeated x-amzn-RequestId arrives as one string (what the request id\'s type relies on)', async () => {
    server = createServer((_req, res) => {
      res.statusCode = 503;
      res.setHeader('x-amzn-RequestId', ['req-a', 'req-b']);
      res.end('{"error":"ServerError"}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/user/profile`;
    const answer = await new UpstreamHttp({ timeout: 2000, retries: 0 }).get('profile', url, 'Atza|x').promise;
    expect(answer).toEqual({ status: 503, raw: '{"error":"ServerError"}', requestId: 'req-a, req-b' });
  });

  test('an https request goes through the bounded keep-alive agent, not Node\'s global agent', async () => {
    // A TCP server that hangs up at once: the TLS handshake fails, after the agent took the request.
    const tcp = createNetServer((socket) => { socket.destroy(); });
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    // Without nock's interceptor, which carries every request on an agent of its own.
    nock.restore();
    const agents: http.Agent[] = [];
    const proto = http.Agent.prototype as unknown as { addRequest: (this: http.Agent, ...args: unknown[]) => void };
    const addRequest = proto.addRequest;
    jest.spyOn(proto, 'addRequest').mockImplementation(function (this: http.Agent, ...args: unknown[]) {
      agents.push(this);
      addRequest.apply(this, args);
    });
    try {
      const url = `https://127.0.0.1:${String((tcp.address() as AddressInfo).port)}/auth/o2/tokeninfo`;
      await expect(new UpstreamHttp({ timeout: 2000, retries: 0 }).get('tokeninfo', url, 'Atza|x').promise).rejects.toMatchObject({ code: 'LWA_NETWORK' });
    } finally {
      tcp.close();
      nock.activate();
    }
    expect(agents).toHaveLength(1);
    const [agent] = agents as [http.Agent & { keepAlive?: boolean }];
    expect(agent).not.toBe(https.globalAgent);
    expect(agent.maxSockets).toBe(MAX_SOCKETS);
    expect(agent.keepAlive).toBe(true);
  });
});
