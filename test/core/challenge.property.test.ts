/**
 * WWW-Authenticate values (lib/core/challenge.ts), for arbitrary realms, verify messages and upstream
 * error descriptions: always one valid header line, quotes escaped, nothing from Amazon echoed.
 */
import { validateHeaderValue } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { LoginWithAmazonStrategy, type BearerErrorCode } from '../../lib/index.js';
import { challenge } from '../../lib/core/challenge.js';
import { PATHS, TOKEN, authenticate, healthy, reply, startUpstream, type Upstream } from '../faults/helpers.js';

/** RFC 7230 quoted-string with RFC 6750's narrower error_description, as one regular expression. */
const GRAMMAR = /^Bearer realm="((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"(?:, error="(invalid_request|invalid_token|insufficient_scope)"(?:, error_description="([\x20\x21\x23-\x5b\x5d-\x7e]*)")?)?$/;

/** Strings rich in what breaks headers: CR, LF, NUL, quotes, backslashes, non-ASCII, line separators. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\r', '\n', '\r\n', '\0', '\t', ' ', 'a', 'é', '\u2028', '\x7f', ',', '='), maxLength: 40 }),
  fc.string({ maxLength: 300 }),
);
const errorCode = fc.option(fc.constantFrom<BearerErrorCode>('invalid_request', 'invalid_token', 'insufficient_scope'), { nil: undefined });

/** Asserts that `value` is a header Node would send as one line, and returns its parsed parts. */
function expectOneHeaderLine(value: unknown): RegExpExecArray {
  expect(typeof value).toBe('string');
  const text = value as string;
  expect(() => validateHeaderValue('WWW-Authenticate', text)).not.toThrow();
  expect(text).not.toMatch(/[\r\n\0]/);
  const parts = GRAMMAR.exec(text);
  expect(parts).not.toBeNull();
  return parts as RegExpExecArray;
}

const unescape = (quoted: string): string => quoted.replace(/\\(.)/g, '$1');

describe('challenge()', () => {
  test('is one valid header line for any realm, error and description, and keeps the realm\'s visible ASCII', () => {
    fc.assert(
      fc.property(nasty, errorCode, fc.oneof(nasty, fc.anything({ maxDepth: 1 })), (realm, error, description) => {
        const parts = expectOneHeaderLine(challenge(realm, error, description));
        expect(unescape(parts[1] ?? '')).toBe(realm.replace(/[^\x20-\x7e]/g, ''));
        expect(parts[2]).toBe(error);
        // A description only with an error code and a string to describe it, and never over 200 characters.
        expect(parts[3] === undefined || (error !== undefined && typeof description === 'string')).toBe(true);
        expect((parts[3] ?? '').length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 500 },
    );
  });
});

describe('challenges sent by the strategy', () => {
  test('are valid header lines for any realm option and any info.message from verify', async () => {
    let upstream: Upstream | undefined;
    try {
      upstream = await startUpstream({ [PATHS.tokeninfo]: healthy.tokeninfo, [PATHS.profile]: healthy.profile });
      const { endpoints } = upstream;
      await fc.assert(
        fc.asyncProperty(nasty.filter((realm) => realm.trim() !== '' && /^[\x20-\x7e]+$/.test(realm)), fc.oneof(nasty, fc.anything({ maxDepth: 1 })), fc.boolean(),
          async (realm, message, asObject) => {
            const strategy = new LoginWithAmazonStrategy({ clientID: 'amzn1.application-oa2-client.faults0123456789abcdef0123', ...endpoints, realm, cache: false },
              (_a, _r, _p, done) => { done(null, false, (asObject ? { message } : message) as string); });
            const withToken = authenticate(strategy, { headers: { authorization: `Bearer ${TOKEN}` } });
            const noToken = authenticate(strategy, { headers: {} });
            const malformed = authenticate(strategy, { headers: { authorization: 'Bearer a b' } });
            for (const run of [withToken, noToken, malformed]) {
              const action = await run.first;
              expect(action.type).toBe('fail');
              expectOneHeaderLine((action as { challenge: unknown }).challenge);
            }
          }),
        { numRuns: 40 },
      );
    } finally {
      await upstream?.close();
    }
  });
});

describe('an upstream error_description', () => {
  let upstream: Upstream;
  let description = '';
  beforeAll(async () => {
    upstream = await startUpstream({
      [PATHS.tokeninfo]: (_req, res) => reply(res, 400, { error: 'invalid_token', error_description: description }),
      [PATHS.profile]: (_req, res) => reply(res, 400, { error: 'invalid_token', error_description: description }),
    });
  });
  afterAll(async () => {
    await upstream.close();
  });

  test('never reaches the challenge: the description is a fixed string', async () => {
    const strategy = new LoginWithAmazonStrategy({ clientID: 'amzn1.application-oa2-client.x', ...upstream.endpoints, cache: false }, (_a, _r, p, done) => done(null, p));
    await fc.assert(
      fc.asyncProperty(nasty, async (text) => {
        description = text;
        const action = await authenticate(strategy, { headers: { authorization: `Bearer ${TOKEN}` } }).first;
        expect(action).toEqual({
          type: 'fail',
          challenge: 'Bearer realm="Users", error="invalid_token", error_description="tokeninfo rejected the token"',
          status: undefined,
        });
      }),
      { numRuns: 30 },
    );
  });
});
