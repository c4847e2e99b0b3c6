/**
 * Response parsing for arbitrary JSON: toProfile (lib/amazon/profile.ts) gives a valid AmazonProfile or a
 * LWA_BAD_RESPONSE error, never a profile without an id; parseTokenInfo (lib/amazon/tokeninfo.ts) gives a
 * complete tokeninfo or a coded error, never anything else.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { LoginWithAmazonError } from '../../lib/index.js';
import { toProfile } from '../../lib/amazon/profile.js';
import { parseTokenInfo } from '../../lib/amazon/tokeninfo.js';

const NUM_RUNS = 500;

/** Values of any JSON type, for a field. */
const anyField = fc.oneof(fc.string({ maxLength: 20 }), fc.constant(''), fc.jsonValue({ maxDepth: 1 }));
/** Objects shaped like a profile answer, with each field sometimes missing or wrongly typed. */
const profileLike = fc.record({
  user_id: fc.oneof(fc.string({ maxLength: 30 }).map((id) => `amzn1.account.${id}`), anyField),
  name: anyField,
  email: anyField,
  postal_code: anyField,
  extra: fc.jsonValue({ maxDepth: 2 }),
}, { requiredKeys: [] });
/** A `"__proto__"` member (JSON.parse makes it an own key), sometimes carrying the fields toProfile wants. */
const protoMember = fc.record({ user_id: fc.string({ maxLength: 10 }), name: anyField, polluted: fc.constant(true) }, { requiredKeys: [] })
  .map((fields) => `"__proto__":${JSON.stringify(fields)}`);
const withProto = fc.tuple(profileLike, protoMember).map(([value, member]) => {
  const rest = JSON.stringify(value).slice(1, -1);
  return `{${member}${rest === '' ? '' : `,${rest}`}}`;
});
/** Raw JSON texts: profile-like objects (some with a `__proto__` key) and arbitrary JSON values. */
const raw = fc.oneof(
  profileLike.map((value) => JSON.stringify(value)),
  withProto,
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
);

const optional = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';

/** Whether the body should be accepted, decided independently of lib/amazon/profile.ts. */
function acceptable(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const body = json as Record<string, unknown>;
  const own = (key: string): unknown => (Object.hasOwn(body, key) ? body[key] : undefined);
  return typeof own('user_id') === 'string' && own('user_id') !== '' &&
    optional(own('name')) && optional(own('email')) && optional(own('postal_code'));
}

/** How an error reads, in one comparable value: `'LWA_BAD_RESPONSE'` when it is that error, well formed. */
function errorVerdict(error: unknown, endpoint: 'profile' | 'tokeninfo'): string {
  if (!(error instanceof LoginWithAmazonError)) return `not a LoginWithAmazonError: ${String(error)}`;
  const message = new RegExp(`^(${endpoint} response is not a JSON object|unexpected "[a-z_]+" in ${endpoint} response)$`);
  if (error.code === 'LWA_BAD_RESPONSE') {
    return error.status === 502 && error.endpoint === endpoint && message.test(error.message) ? 'LWA_BAD_RESPONSE' : `a malformed LWA_BAD_RESPONSE: ${error.message}`;
  }
  return error.code;
}

describe('toProfile on arbitrary JSON', () => {
  test('returns a valid profile exactly when the body is acceptable, otherwise throws LWA_BAD_RESPONSE', () => {
    fc.assert(
      fc.property(raw, (text) => {
        const json = JSON.parse(text) as unknown;
        let outcome: unknown;
        try {
          const p = toProfile(text, json);
          outcome = { provider: p.provider, id: p.id, displayName: p.displayName, emails: p.emails, postalCode: p.postalCode, raw: p._raw };
        } catch (caught) {
          outcome = errorVerdict(caught, 'profile');
        }
        // Decided independently of the parser: the profile it must build, or the error.
        const body = json as Record<string, unknown>;
        const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';
        expect(outcome).toEqual(acceptable(json) ? {
          provider: 'amazon',
          id: body.user_id,
          displayName: typeof body.name === 'string' ? body.name : '',
          emails: nonEmpty(body.email) ? [{ value: body.email }] : undefined,
          postalCode: nonEmpty(body.postal_code) ? body.postal_code : undefined,
          raw: text,
        } : 'LWA_BAD_RESPONSE');
        expect(({} as Record<string, unknown>).user_id).toBeUndefined();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

const tokenInfoLike = fc.record({
  iss: fc.oneof(fc.constant('https://www.amazon.com'), anyField),
  user_id: fc.oneof(fc.constant('amzn1.account.X'), anyField),
  aud: fc.oneof(fc.constant('amzn1.application-oa2-client.X'), anyField),
  app_id: anyField,
  exp: fc.oneof(fc.integer({ min: -10, max: 3600 }), fc.double(), anyField),
  iat: fc.oneof(fc.integer(), anyField),
  error: fc.oneof(fc.constant('invalid_token'), anyField),
}, { requiredKeys: [] });

/** A tokeninfo answer for a valid token, as Amazon sends one. */
const completeTokenInfo = fc.record({
  iss: fc.constant('https://www.amazon.com'),
  user_id: fc.string({ minLength: 1, maxLength: 20 }),
  aud: fc.string({ minLength: 1, maxLength: 20 }),
  exp: fc.integer({ min: 1, max: 3600 }),
  app_id: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
  iat: fc.option(fc.integer({ min: 0 }), { nil: undefined }),
});
/** The same with one field replaced by anything (often still valid, often not). */
const oneFieldChanged = fc.tuple(completeTokenInfo, fc.constantFrom('iss', 'user_id', 'aud', 'exp', 'app_id', 'iat', 'error'), anyField, fc.integer({ min: -5, max: 5 }))
  .map(([info, field, value, n]) => ({ ...info, [field]: field === 'exp' || field === 'iat' ? (n % 2 === 0 ? n : value) : value }));

/**
 * The verdict the tokeninfo contract gives a body, decided independently of lib/amazon/tokeninfo.ts:
 * not an object, or a field of the wrong shape, is Amazon's fault (LWA_BAD_RESPONSE); an `error`
 * member, another issuer or no time left is the token's (LWA_INVALID_TOKEN); else the fields, as sent.
 */
function tokenInfoVerdict(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'LWA_BAD_RESPONSE';
  const { iss, user_id: userID, aud, exp, app_id: appID, iat, error } = json as Record<string, unknown>;
  if (typeof error === 'string') return 'LWA_INVALID_TOKEN';
  const text = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
  const absent = (value: unknown): boolean => value === undefined || value === null;
  const wellShaped = text(userID) && text(aud) && typeof exp === 'number' && Number.isInteger(exp) &&
    (absent(appID) || text(appID)) && (absent(iat) || (typeof iat === 'number' && Number.isFinite(iat))) &&
    (iss === undefined || typeof iss === 'string');
  if (!wellShaped) return 'LWA_BAD_RESPONSE';
  if (iss !== 'https://www.amazon.com' || exp <= 0) return 'LWA_INVALID_TOKEN';
  return { iss, user_id: userID, aud, exp, ...(absent(appID) ? {} : { app_id: appID }), ...(absent(iat) ? {} : { iat }) };
}

describe('parseTokenInfo on arbitrary JSON', () => {
  test('returns the tokeninfo the body holds, or throws the error the body deserves (LWA_BAD_RESPONSE: wrong shape; LWA_INVALID_TOKEN: the token\'s fault)', () => {
    const seen = { complete: 0, LWA_BAD_RESPONSE: 0, LWA_INVALID_TOKEN: 0 };
    fc.assert(
      fc.property(fc.oneof(completeTokenInfo, oneFieldChanged, oneFieldChanged, tokenInfoLike, fc.jsonValue({ maxDepth: 3 })), (value) => {
        const json = JSON.parse(JSON.stringify(value)) as unknown;
        let verdict: unknown;
        try {
          verdict = { ...parseTokenInfo(json) };
        } catch (error) {
          verdict = errorVerdict(error, 'tokeninfo');
        }
        const expected = tokenInfoVerdict(json);
        expect(verdict).toStrictEqual(expected);
        seen[typeof expected === 'string' ? expected as 'LWA_BAD_RESPONSE' | 'LWA_INVALID_TOKEN' : 'complete'] += 1;
      }),
      { numRuns: NUM_RUNS },
    );
    // The inputs reach every verdict: a parser that accepts everything, or refuses everything, fails above.
    expect(Math.min(...Object.values(seen))).toBeGreaterThanOrEqual(20);
  });
});
