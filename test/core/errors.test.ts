import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError } from '../../lib/index.js';
import { asError, sanitizeCause, toLwaError } from '../../lib/core/errors.js';
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

describe('what sanitizeCause and toLwaError keep of odd causes', () => {
  test('a cause without a string message, name or code: fixed stand-ins, and no code at all', () => {
    const copy = sanitizeCause({ message: 7, name: 8, code: 9 });
    expect(copy.message).toBe('unknown error');
    expect(copy.name).toBe('Error');
    expect('code' in copy).toBe(false);
    expect(copy.stack).toBe('Error: unknown error');
    expect('code' in sanitizeCause(new Error('plain'))).toBe(false);
    expect(sanitizeCause(new Error('plain')).name).toBe('Error');
  });

  test('a long message is cut to 200 characters, after scrubbing', () => {
    const copy = sanitizeCause(new Error(`${'m'.repeat(250)} https://api.amazon.com/x`));
    expect(copy.message).toBe('m'.repeat(200));
  });

  test('a TimeoutError without a code is a timeout; a numeric code is no timeout code', () => {
    expect(toLwaError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'profile').code).toBe('LWA_TIMEOUT');
    expect(toLwaError({ name: 'RequestError', code: 5 }, 'profile').code).toBe('LWA_NETWORK');
  });
});

describe('asError: a real Error passes as it is, anything else is wrapped', () => {
  test('an Error of another realm (vm) passes as it is', () => {
    const foreign = runInNewContext('new Error("from a vm")') as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(asError(foreign, 'wrapped')).toBe(foreign);
  });

  test('an object that only inherits from Error.prototype passes as it is', () => {
    const fake = Object.create(Error.prototype) as Error;
    expect(asError(fake, 'wrapped')).toBe(fake);
  });

  test.each([[false], [''], [undefined], [null], [0], ['text'], [{ message: 'x' }]])('%p is wrapped, kept as cause', (value) => {
    const error = asError(value, 'verify threw a non-Error value');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('verify threw a non-Error value');
    expect(error.cause).toBe(value);
  });
});
