import { inspect } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError } from '../../lib/index.js';
import { sanitizeCause, toLwaError } from '../../lib/core/errors.js';
import { TOKEN } from '../helpers/amazon-nock.js';
import { expectNoSecret } from '../helpers/leak.js';

describe('LoginWithAmazonError', () => {
  test('has a name, a code, a status and the upstream facts', () => {
    const err = new LoginWithAmazonError('LWA_UPSTREAM_STATUS', 'profile answered an unexpected HTTP status', {
      endpoint: 'profile', upstreamStatus: 503, requestId: 'req-1',
    });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'LoginWithAmazonError', code: 'LWA_UPSTREAM_STATUS', status: 502, endpoint: 'profile', upstreamStatus: 503, requestId: 'req-1' });
    expect(String(err)).toBe('LoginWithAmazonError: profile answered an unexpected HTTP status');
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'LoginWithAmazonError', code: 'LWA_UPSTREAM_STATUS', message: 'profile answered an unexpected HTTP status',
      status: 502, endpoint: 'profile', upstreamStatus: 503, requestId: 'req-1',
    });
  });

  test.each([
    ['LWA_TIMEOUT', 504, false],
    ['LWA_NETWORK', 502, false],
    ['LWA_UPSTREAM_STATUS', 502, false],
    ['LWA_BAD_RESPONSE', 502, false],
    ['LWA_INVALID_TOKEN', 401, true],
    ['LWA_AUDIENCE_MISMATCH', 401, true],
    ['LWA_USER_MISMATCH', 401, true],
    ['LWA_INSUFFICIENT_SCOPE', 403, true],
  ] as const)('%s has status %d (rejection: %s)', (code, status, rejection) => {
    const err = new LoginWithAmazonError(code, 'm');
    expect(err.status).toBe(status);
    expect(err.isRejection).toBe(rejection);
    expect(err.endpoint).toBeUndefined();
  });
});

describe('JSON for loggers (pino, winston)', () => {
  test('keeps the cause\'s name and code, never its message, a token, a header or a body', () => {
    const gotError = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:443 ${TOKEN} https://api.amazon.com/?access_token=${TOKEN}`), {
      name: 'RequestError', code: 'ECONNREFUSED', options: { headers: { 'x-amz-access-token': TOKEN } }, response: { body: '{"secret":1}' },
    });
    const err = toLwaError(gotError, 'tokeninfo');
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    expect(json).toMatchObject({ code: 'LWA_NETWORK', status: 502, endpoint: 'tokeninfo', cause: { name: 'RequestError', code: 'ECONNREFUSED' } });
    expect(Object.keys(json.cause as object).sort()).toEqual(['code', 'name']);
    expectNoSecret(err, TOKEN);
    expect(JSON.stringify(err)).not.toContain('secret');
  });

  test.each([['ETIMEDOUT', 'LWA_TIMEOUT'], ['ENOTFOUND', 'LWA_NETWORK'], ['ECONNRESET', 'LWA_NETWORK']])('a %s cause shows as cause.code', (code, lwa) => {
    const json = JSON.parse(JSON.stringify(toLwaError(Object.assign(new Error('x'), { code }), 'profile'))) as Record<string, unknown>;
    expect(json).toMatchObject({ code: lwa, cause: { name: 'Error', code } });
  });

  test('an error without a cause has no cause in its JSON', () => {
    expect(JSON.parse(JSON.stringify(new LoginWithAmazonError('LWA_BAD_RESPONSE', 'm')))).not.toHaveProperty('cause');
  });
});

describe('toLwaError', () => {
  const gotLike = (name: string, code: string | undefined, message: string) => Object.assign(new Error(message), {
    name, code, options: { headers: { 'x-amz-access-token': TOKEN }, url: `https://api.amazon.com/x?access_token=${TOKEN}` },
  });

  test.each([
    ['TimeoutError', 'ETIMEDOUT', 'LWA_TIMEOUT', 504],
    ['RequestError', 'ESOCKETTIMEDOUT', 'LWA_TIMEOUT', 504],
    ['RequestError', 'ECONNREFUSED', 'LWA_NETWORK', 502],
    ['RequestError', 'ECONNRESET', 'LWA_NETWORK', 502],
    ['RequestError', 'ENOTFOUND', 'LWA_NETWORK', 502],
    ['ReadError', 'ECONNRESET', 'LWA_NETWORK', 502],
    ['ParseError', 'ERR_BODY_PARSE_FAILURE', 'LWA_BAD_RESPONSE', 502],
    ['Error', undefined, 'LWA_NETWORK', 502],
  ])('%s %s -> %s', (name, code, expected, status) => {
    const err = toLwaError(gotLike(name, code, `failed for https://api.amazon.com/auth/o2/tokeninfo?access_token=${TOKEN} ${TOKEN}`), 'tokeninfo');
    expect(err).toMatchObject({ code: expected, status, endpoint: 'tokeninfo' });
    expect(err.message).toMatch(/^tokeninfo /);
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error).name).toBe(name);
    expect((err.cause as Error & { code?: string }).code).toBe(code);
    expect(Object.keys(err.cause as object)).not.toContain('options');
    expectNoSecret(err, TOKEN);
    expect(inspect(err)).not.toContain('access_token=');
  });

  test('passes a LoginWithAmazonError through unchanged', () => {
    const original = new LoginWithAmazonError('LWA_BAD_RESPONSE', 'm');
    expect(toLwaError(original, 'profile')).toBe(original);
  });

  test('survives causes that are not errors', () => {
    for (const cause of [undefined, null, 'text', 42, { message: 7, name: 8 }]) {
      expect(toLwaError(cause, 'profile')).toMatchObject({ code: 'LWA_NETWORK', endpoint: 'profile' });
    }
  });

  test('sanitizeCause keeps name and code and scrubs URLs and tokens', () => {
    const copy = sanitizeCause(Object.assign(new Error(`GET http://127.0.0.1:1/p?x=1 with Atzr|secret and ${TOKEN}`), { code: 'EPIPE', name: 'RequestError' }));
    expect(copy.message).toBe('GET <url> with <redacted> and <redacted>');
    expect(copy).toMatchObject({ name: 'RequestError', code: 'EPIPE' });
    expect(copy.stack).toBe('RequestError: GET <url> with <redacted> and <redacted>');
  });
});
