import { inspect } from 'node:util';
/** The upstream client: headers, concurrency, retries, status mapping, size cap, redirects. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { AmazonClient, type ClientOptions } from '../../lib/amazon/client.js';
import { REGIONS } from '../../lib/amazon/endpoints.js';
import { MAX_RESPONSE_BYTES } from '../../lib/amazon/http.js';
import { LoginWithAmazonError } from '../../lib/index.js';
import { CLIENT_ID, NA, TOKEN, intercept, mockAmazon, profileBody, tokenInfoBody } from '../helpers/amazon-nock.js';
import { expectNoSecret } from '../helpers/leak.js';

const base: ClientOptions = { ...REGIONS.NA, timeout: 1000, retries: 1, clientIDs: [CLIENT_ID], appIDs: [] };
const client = (options: Partial<ClientOptions> = {}) => new AmazonClient({ ...base, ...options });

async function failure(promise: Promise<unknown>): Promise<LoginWithAmazonError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    expectNoSecret(err, TOKEN);
    return err as LoginWithAmazonError;
  }
  throw new Error('expected a failure');
}

let server: Server | undefined;
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    server = undefined;
  }
});

async function listen(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<ClientOptions> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return { ...base, tokenInfoURL: `${origin}/auth/o2/tokeninfo`, profileURL: `${origin}/user/profile` };
}

describe('requests', () => {
  test('sends the token only in x-amz-access-token, to both endpoints, with JSON headers', async () => {
    const seen: IncomingMessage[] = [];
    const options = await listen((req, res) => {
      seen.push(req);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url?.startsWith('/auth') ? tokenInfoBody() : profileBody()));
    });
    const result = await client(options).validate(TOKEN);
    expect(result.profile.id).toBe('amzn1.account.K2LI23KL2LK2');
    expect(result.tokenInfo.aud).toBe(CLIENT_ID);
    expect(seen.map((req) => req.url).sort()).toEqual(['/auth/o2/tokeninfo', '/user/profile']);
    for (const req of seen) {
      expect(req.method).toBe('GET');
      expect(req.headers['x-amz-access-token']).toBe(TOKEN);
      expect(req.headers.authorization).toBeUndefined();
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers['accept-language']).toBe('en-US');
      expect(req.headers['accept-encoding']).toBe('identity');
      expect(req.headers['user-agent']).toBe('passport-login-with-amazon');
    }
  });

  test('has both calls in flight at once: the server sees the second before it answers the first', async () => {
    const waiting: (() => void)[] = [];
    const options = await listen((req, res) => {
      waiting.push(() => res.end(JSON.stringify(req.url?.startsWith('/auth') ? tokenInfoBody() : profileBody())));
      if (waiting.length === 2) for (const answer of waiting) answer();
    });
    await expect(client(options).validate(TOKEN)).resolves.toMatchObject({ profile: { id: 'amzn1.account.K2LI23KL2LK2' } });
    expect(waiting).toHaveLength(2);
  });

  test('uses the region host', async () => {
    mockAmazon({ token: TOKEN });
    await client({ ...REGIONS.NA }).validate(TOKEN);
    intercept('/auth/o2/tokeninfo', TOKEN, 'https://api.amazon.co.uk').reply(200, tokenInfoBody());
    intercept('/user/profile', TOKEN, 'https://api.amazon.co.uk').reply(200, profileBody());
    await client({ ...REGIONS.EU }).validate(TOKEN);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('retries', () => {
  test('retries a 5xx once by default, then succeeds', async () => {
    intercept('/auth/o2/tokeninfo').reply(500, 'oops');
    intercept('/auth/o2/tokeninfo').reply(200, tokenInfoBody());
    intercept('/user/profile').reply(502, 'bad gateway');
    intercept('/user/profile').reply(200, profileBody());
    await expect(client().validate(TOKEN)).resolves.toBeDefined();
  });

  test('gives up after `retries` with LWA_UPSTREAM_STATUS and the upstream status', async () => {
    intercept('/auth/o2/tokeninfo').times(3).reply(503, 'busy', { 'x-amzn-RequestId': 'rid-9' });
    intercept('/user/profile').optionally().times(3).reply(200, profileBody());
    const err = await failure(client({ retries: 2 }).validate(TOKEN));
    expect(err).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', status: 502, upstreamStatus: 503, endpoint: 'tokeninfo', requestId: 'rid-9' });
  });

  test.each([400, 401, 403, 404, 408, 413, 429])('never retries a %d', async (status) => {
    let calls = 0;
    const options = await listen((req, res) => {
      if (req.url?.startsWith('/auth')) calls += 1;
      res.statusCode = req.url?.startsWith('/auth') ? status : 200;
      res.end(JSON.stringify(req.url?.startsWith('/auth') ? { error: 'invalid_token' } : profileBody()));
    });
    const err = await failure(client({ ...options, retries: 3 }).validate(TOKEN));
    expect(calls).toBe(1);
    expect(err.upstreamStatus).toBe(status);
    expect(err.code).toBe(status === 400 || status === 401 ? 'LWA_INVALID_TOKEN' : 'LWA_UPSTREAM_STATUS');
  });

  test.each<[number, unknown, string | undefined]>([
    [400, { error: 'invalid_request', error_description: 'The request is missing a required parameter : access_token' }, 'invalid_request'],
    [400, { error: 'unsupported_grant_type' }, 'unsupported_grant_type'],
    [401, { error: 'insufficient_scope' }, 'insufficient_scope'],
    [403, { error: 'access_denied' }, 'access_denied'],
    [400, '<html>Bad Request</html>', undefined],
    [400, { error: 'has spaces and a token Atza|secret' }, undefined],
    [401, {}, undefined],
  ])('tokeninfo %d with %j is our request refused: LWA_UPSTREAM_STATUS 502 with Amazon\'s error code apart, never its description', async (status, body, code) => {
    mockAmazon({ tokenInfo: [status, body], optionalProfile: true });
    const err = await failure(client().validate(TOKEN));
    expect(err).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', status: 502, endpoint: 'tokeninfo', upstreamStatus: status });
    expect(err.upstreamError).toBe(code);
    const views = [err.message, String(err), JSON.stringify(err), inspect(err)];
    for (const view of views) expect(view).not.toContain('missing a required parameter');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ upstreamStatus: status, ...(code ? { upstreamError: code } : {}) });
  });

  test('retries a timeout, then reports LWA_TIMEOUT (504)', async () => {
    let calls = 0;
    const options = await listen((req, res) => {
      if (req.url?.startsWith('/auth')) calls += 1;
      else res.end(JSON.stringify(profileBody()));
    });
    const err = await failure(client({ ...options, timeout: 100, retries: 1 }).validate(TOKEN));
    expect(err).toMatchObject({ code: 'LWA_TIMEOUT', status: 504, endpoint: 'tokeninfo' });
    expect(calls).toBe(2);
  });

  test('retries: 0 makes exactly one attempt', async () => {
    let calls = 0;
    const options = await listen((req, res) => {
      if (req.url?.startsWith('/auth')) calls += 1;
      res.statusCode = 500;
      res.end();
    });
    await failure(client({ ...options, retries: 0 }).validate(TOKEN));
    expect(calls).toBe(1);
  });
});

describe('answers', () => {
  test('maps profile insufficient_scope to LWA_INSUFFICIENT_SCOPE', async () => {
    mockAmazon({ profile: [401, { error: 'insufficient_scope', error_description: 'x' }] });
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_INSUFFICIENT_SCOPE', status: 403, upstreamStatus: 401 });
  });

  test('maps profile 400 invalid_token to LWA_INVALID_TOKEN', async () => {
    mockAmazon({ profile: [400, { error: 'invalid_token' }] });
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_INVALID_TOKEN', endpoint: 'profile', upstreamStatus: 400 });
  });

  test('maps a profile 401 with an HTML body (not Amazon\'s invalid_token) to LWA_UPSTREAM_STATUS', async () => {
    mockAmazon({ profile: [401, '<html>no</html>'] });
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', status: 502, endpoint: 'profile', upstreamStatus: 401 });
  });

  test('maps a profile 400 invalid_token to LWA_INVALID_TOKEN', async () => {
    mockAmazon({ profile: [400, { error: 'invalid_token' }] });
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_INVALID_TOKEN', endpoint: 'profile', upstreamError: 'invalid_token' });
  });

  test('a tokeninfo verdict wins over a profile failure', async () => {
    intercept('/auth/o2/tokeninfo').delay(50).reply(400, { error: 'invalid_token' });
    intercept('/user/profile').optionally().times(2).reply(500, 'down');
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_INVALID_TOKEN', endpoint: 'tokeninfo' });
  });

  test('rejects a profile for another user with LWA_USER_MISMATCH', async () => {
    mockAmazon({ profile: [200, profileBody({ user_id: 'amzn1.account.OTHER' })] });
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_USER_MISMATCH', status: 401, endpoint: 'profile', message: 'profile and tokeninfo name different users' });
  });

  test('rejects a token issued to another client with LWA_AUDIENCE_MISMATCH', async () => {
    mockAmazon({ tokenInfo: [200, tokenInfoBody({ aud: 'someone-else', app_id: 'other-app' })], optionalProfile: true });
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_AUDIENCE_MISMATCH', status: 401, endpoint: 'tokeninfo', message: 'token was issued to another client' });
  });

  test.each([
    ['HTML', '<html><body>502</body></html>'],
    ['truncated JSON', '{"user_id": "amzn1'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
  ])('maps a 200 with %s from profile to LWA_BAD_RESPONSE', async (_name, body) => {
    mockAmazon({ profile: [200, body] });
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_BAD_RESPONSE', endpoint: 'profile' });
  });

  test.each([
    ['tokeninfo', { tokenInfo: [200, '<html><body>502</body></html>'] as [number, unknown], optionalProfile: true }],
    ['tokeninfo', { tokenInfo: [200, '{"user_id": "amzn1'] as [number, unknown], optionalProfile: true }],
    ['profile', { profile: [200, '<html><body>502</body></html>'] as [number, unknown] }],
  ])('a 200 from %s whose body is not JSON is LWA_BAD_RESPONSE with upstreamStatus 200', async (endpoint, replies) => {
    mockAmazon(replies);
    expect(await failure(client().validate(TOKEN))).toMatchObject({ code: 'LWA_BAD_RESPONSE', status: 502, endpoint, upstreamStatus: 200 });
  });

  test('does not follow a redirect', async () => {
    let redirected = 0;
    const options = await listen((req, res) => {
      if (req.url === '/elsewhere') {
        redirected += 1;
        res.end(JSON.stringify(tokenInfoBody()));
        return;
      }
      if (req.url?.startsWith('/auth')) {
        res.writeHead(302, { location: '/elsewhere' });
        res.end();
        return;
      }
      res.end(JSON.stringify(profileBody()));
    });
    expect(await failure(client(options).validate(TOKEN))).toMatchObject({ code: 'LWA_UPSTREAM_STATUS', upstreamStatus: 302 });
    expect(redirected).toBe(0);
  });
});

describe('size cap', () => {
  test('cuts off a streamed body over 1 MiB without reading it all', async () => {
    let written = 0;
    let closedEarly = false;
    const options = await listen((req, res) => {
      if (req.url?.startsWith('/auth')) {
        res.end(JSON.stringify(tokenInfoBody()));
        return;
      }
      res.on('close', () => { closedEarly = !res.writableFinished; });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (written < 20 * MAX_RESPONSE_BYTES && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) { res.once('drain', pump); return; }
        }
        res.end();
      };
      pump();
    });
    const err = await failure(client(options).validate(TOKEN));
    expect(err).toMatchObject({ code: 'LWA_BAD_RESPONSE', endpoint: 'profile' });
    expect(err.message).toBe('profile response is larger than 1 MiB');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedEarly).toBe(true);
    expect(written).toBeLessThan(20 * MAX_RESPONSE_BYTES);
  });

  test('rejects a declared Content-Length over 1 MiB at once', async () => {
    const options = await listen((req, res) => {
      if (req.url?.startsWith('/auth')) {
        res.end(JSON.stringify(tokenInfoBody()));
        return;
      }
      res.writeHead(200, { 'content-length': String(MAX_RESPONSE_BYTES + 1) });
      res.write('{');
    });
    expect(await failure(client(options).validate(TOKEN))).toMatchObject({ code: 'LWA_BAD_RESPONSE' });
  });

  test('accepts a body of exactly 1 MiB', async () => {
    const body = JSON.stringify(profileBody());
    const padded = body.slice(0, -1) + `,"pad":"${'x'.repeat(MAX_RESPONSE_BYTES - body.length - 9)}"}`;
    expect(Buffer.byteLength(padded)).toBe(MAX_RESPONSE_BYTES);
    mockAmazon({ profile: [200, padded] });
    await expect(client().validate(TOKEN)).resolves.toBeDefined();
  });
});

test('the NA host is the default', () => {
  expect(REGIONS.NA.tokenInfoURL.startsWith(NA)).toBe(true);
});
