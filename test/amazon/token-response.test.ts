/** The token endpoint's 200 body and the PKCE pair: pure functions, table-driven and property-based. */
import { inspect } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { LoginWithAmazonError } from '../../lib/core/errors.js';
import { codeChallenge, verifierDeriver } from '../../lib/amazon/pkce.js';
import { grantOf, parseTokenResponse } from '../../lib/amazon/token-response.js';

const ACCESS = `Atza|IwEBI${'a'.repeat(40)}`;
const REFRESH = `Atzr|IwEBI${'r'.repeat(40)}`;
const good = { access_token: ACCESS, refresh_token: REFRESH, token_type: 'bearer', expires_in: 3600 };

/**
 * What the token endpoint's body is worth, decided from the contract (RFC 6749 section 5.1 as Amazon
 * answers it), independently of lib/amazon/token-response.ts: a token is 1 to 2048 bytes of visible
 * ASCII, `token_type` is bearer in any case, `expires_in` a positive integer or its decimal digits
 * (at most 10), `refresh_token` and `scope` (a space-separated string) are optional.
 */
function tokenSetOf(body: unknown, askedAt: number): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'LWA_BAD_RESPONSE';
  const { access_token: access, refresh_token: refresh, token_type: type, expires_in: expires, scope } = body as Record<string, unknown>;
  const isToken = (value: unknown): value is string =>
    typeof value === 'string' && value.length >= 1 && Buffer.byteLength(value) <= 2048 && Buffer.from(value).every((byte) => byte >= 0x21 && byte <= 0x7e);
  const seconds = typeof expires === 'string' && /^[0-9]{1,10}$/.test(expires) ? Number.parseInt(expires, 10) : expires;
  if (!isToken(access) || typeof type !== 'string' || type.toLowerCase() !== 'bearer') return 'LWA_BAD_RESPONSE';
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) return 'LWA_BAD_RESPONSE';
  if ((refresh !== undefined && !isToken(refresh)) || (scope !== undefined && typeof scope !== 'string')) return 'LWA_BAD_RESPONSE';
  return {
    accessToken: access, tokenType: 'bearer', expiresIn: seconds, expiresAt: askedAt + seconds * 1000,
    ...(refresh === undefined ? {} : { refreshToken: refresh }),
    ...(scope === undefined ? {} : { scope: scope.split(' ').filter((word) => word.length > 0) }),
  };
}

describe('parseTokenResponse', () => {
  test('reads Amazon\'s body; expiresAt counts from when the token was asked for', () => {
    // toStrictEqual: no key for what Amazon did not send (scope).
    expect(parseTokenResponse(good, 1_000)).toStrictEqual({ accessToken: ACCESS, refreshToken: REFRESH, tokenType: 'bearer', expiresIn: 3600, expiresAt: 3_601_000 });
  });

  test('tokens of exactly 2048 bytes are taken; scope words are split on any run of spaces', () => {
    const long = `Atza|${'a'.repeat(2043)}`;
    expect(Buffer.byteLength(long)).toBe(2048);
    const set = parseTokenResponse({ ...good, access_token: long, refresh_token: long, scope: ' profile  postal_code ' }, 0);
    expect([set.accessToken, set.refreshToken, set.scope]).toEqual([long, long, ['profile', 'postal_code']]);
  });

  test.each([[3600, 3600], ['3600', 3600], ['60', 60]])('expires_in %p is %d seconds', (value, seconds) => {
    expect(parseTokenResponse({ ...good, expires_in: value }, 0).expiresIn).toBe(seconds);
  });

  test('token_type is case-insensitive; scope is split; refresh_token is optional', () => {
    const set = parseTokenResponse({ access_token: ACCESS, token_type: 'Bearer', expires_in: 60, scope: 'profile postal_code' }, 0);
    expect(set).toEqual({ accessToken: ACCESS, tokenType: 'bearer', expiresIn: 60, expiresAt: 60_000, scope: ['profile', 'postal_code'] });
    expect(grantOf(set)).toEqual({ tokenType: 'bearer', expiresIn: 60, expiresAt: 60_000, scope: ['profile', 'postal_code'] });
  });

  test.each([
    ['not an object', [], 'token response is not a JSON object'],
    ['a string', 'access_token', 'token response is not a JSON object'],
    ['a number', 200, 'token response is not a JSON object'],
    ['null', null, 'token response is not a JSON object'],
    ['a token_type that is a number', { ...good, token_type: 1 }, 'unexpected "token_type" in token response'],
    ['no access_token', { ...good, access_token: undefined }, 'token response has no "access_token"'],
    ['an empty access_token', { ...good, access_token: '' }, 'unexpected "access_token" in token response'],
    ['an access_token with a space', { ...good, access_token: 'Atza| x' }, 'unexpected "access_token" in token response'],
    ['an access_token over 2048 bytes', { ...good, access_token: `Atza|${'a'.repeat(2044)}` }, 'unexpected "access_token" in token response'],
    ['a refresh_token that is a number', { ...good, refresh_token: 5 }, 'unexpected "refresh_token" in token response'],
    ['token_type mac', { ...good, token_type: 'mac' }, 'unexpected "token_type" in token response'],
    ['expires_in 0', { ...good, expires_in: 0 }, 'unexpected "expires_in" in token response'],
    ['expires_in "1e3"', { ...good, expires_in: '1e3' }, 'unexpected "expires_in" in token response'],
    ['expires_in 1.5', { ...good, expires_in: 1.5 }, 'unexpected "expires_in" in token response'],
    ['no expires_in', { ...good, expires_in: undefined }, 'unexpected "expires_in" in token response'],
    ['scope that is an array', { ...good, scope: ['profile'] }, 'unexpected "scope" in token response'],
  ])('%s is LWA_BAD_RESPONSE, naming the field and never the tokens', (_name, body, message) => {
    let caught: unknown;
    try {
      parseTokenResponse(body, 0);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LoginWithAmazonError);
    expect(caught).toMatchObject({ code: 'LWA_BAD_RESPONSE', endpoint: 'token', message });
    expect(JSON.stringify(caught)).not.toContain('IwEBI');
  });

  test('for any JSON value, returns the token set the body holds, or throws LWA_BAD_RESPONSE when the body deserves it', () => {
    const seen = { set: 0, LWA_BAD_RESPONSE: 0 };
    const validBody = fc.record({
      access_token: fc.oneof(fc.constant(ACCESS), fc.stringMatching(/^[\x21-\x7e]{1,40}$/)), token_type: fc.constantFrom('bearer', 'Bearer', 'BEARER'),
      expires_in: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 99_999 }).map(String)),
      refresh_token: fc.option(fc.constant(REFRESH), { nil: undefined }), scope: fc.option(fc.constantFrom('profile', ' profile  postal_code '), { nil: undefined }),
    });
    // Mostly the edges the contract names (a byte over the size cap, an array scope, exponent notation, …).
    const edges = fc.constantFrom(null, ['profile'], '1e3', '', ' ', 'Atza| x', `Atza|${'a'.repeat(2043)}`, `Atza|${'a'.repeat(2044)}`, 'mac', '12345678901', 0, 1.5);
    const anything = fc.oneof({ arbitrary: edges, weight: 4 }, fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.integer({ min: -2, max: 5 }), fc.double());
    /** A valid body with one field replaced by anything (sometimes still valid). */
    const oneChanged = fc.tuple(validBody, fc.constantFrom('access_token', 'token_type', 'expires_in', 'refresh_token', 'scope'), anything)
      .map(([body, field, value]) => ({ ...body, [field]: value }));
    fc.assert(fc.property(fc.oneof(validBody, oneChanged, oneChanged, fc.jsonValue()), (value) => {
      const body = JSON.parse(JSON.stringify(value)) as unknown;
      let verdict: unknown;
      try {
        verdict = { ...parseTokenResponse(body, 1_000) };
      } catch (err) {
        verdict = err instanceof LoginWithAmazonError && err.code === 'LWA_BAD_RESPONSE' && err.endpoint === 'token' ? 'LWA_BAD_RESPONSE' : `another error: ${String(err)}`;
      }
      const expected = tokenSetOf(body, 1_000);
      expect(verdict).toStrictEqual(expected);
      seen[expected === 'LWA_BAD_RESPONSE' ? 'LWA_BAD_RESPONSE' : 'set'] += 1;
    }), { numRuns: 1000 });
    // Both verdicts are reached: a parser that accepts everything, or refuses everything, fails above.
    expect(Math.min(...Object.values(seen))).toBeGreaterThanOrEqual(30);
  });
});

describe('PKCE and state', () => {
  test('the S256 challenge of RFC 7636 appendix B', () => {
    expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  test('a verifier of 43 to 128 unreserved characters, a 256-bit base64url state, all fresh each time', () => {
    const deriver = verifierDeriver('client-secret-0123456789');
    const draws = Array.from({ length: 200 }, () => deriver.fresh());
    for (const { state, verifierSeed, challenge } of draws) {
      const verifier = deriver.verifier(verifierSeed);
      expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{64}$/);
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(challenge).toBe(codeChallenge(verifier));
    }
    expect(new Set(draws.map((d) => d.state)).size).toBe(200);
    expect(new Set(draws.map((d) => deriver.verifier(d.verifierSeed))).size).toBe(200);
  });

  test('the verifier depends on the seed and on the server-side secret, and on nothing the browser holds alone', () => {
    const a = verifierDeriver('client-secret-A-0123456789');
    const b = verifierDeriver('client-secret-B-0123456789');
    const { verifierSeed } = a.fresh();
    expect(a.verifier(verifierSeed)).toBe(a.verifier(verifierSeed));
    expect(a.verifier(verifierSeed)).not.toBe(b.verifier(verifierSeed));
    expect(a.verifier(verifierSeed)).not.toContain(verifierSeed);
    expect(inspect(a)).not.toContain('client-secret-A');
  });
});
