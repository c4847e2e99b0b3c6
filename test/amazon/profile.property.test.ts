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

function expectBadResponse(error: unknown, endpoint: 'profile' | 'tokeninfo'): void {
  expect(error).toBeInstanceOf(LoginWithAmazonError);
  expect(error).toMatchObject({ code: 'LWA_BAD_RESPONSE', status: 502, endpoint });
  expect((error as Error).message).toMatch(new RegExp(`^(${endpoint} response is not a JSON object|unexpected "[a-z_]+" in ${endpoint} response)$`));
}

describe('toProfile on arbitrary JSON', () => {
  test('returns a valid profile exactly when the body is acceptable, otherwise throws LWA_BAD_RESPONSE', () => {
    fc.assert(
      fc.property(raw, (text) => {
        const json = JSON.parse(text) as unknown;
        let profile: ReturnType<typeof toProfile> | undefined;
        let error: unknown;
        try {
          profile = toProfile(text, json);
        } catch (caught) {
          error = caught;
        }
        if (!acceptable(json)) {
          expect(profile).toBeUndefined();
          expectBadResponse(error, 'profile');
          return;
        }
        expect(error).toBeUndefined();
        const body = json as Record<string, unknown>;
        expect(profile).toBeDefined();
        const p = profile as NonNullable<typeof profile>;
        expect(p.provider).toBe('amazon');
        expect(typeof p.id).toBe('string');
        expect(p.id).not.toBe('');
        expect(p.id).toBe(body.user_id);
        expect(p.displayName).toBe(typeof body.name === 'string' ? body.name : '');
        if (typeof body.email === 'string' && body.email !== '') expect(p.emails).toEqual([{ value: body.email }]);
        else expect(p.emails).toBeUndefined();
        if (typeof body.postal_code === 'string' && body.postal_code !== '') expect(p.postalCode).toBe(body.postal_code);
        else expect(p.postalCode).toBeUndefined();
        expect(p._raw).toBe(text);
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

describe('parseTokenInfo on arbitrary JSON', () => {
  test('returns a complete tokeninfo, or throws LWA_BAD_RESPONSE (wrong shape) or LWA_INVALID_TOKEN (the token\'s fault)', () => {
    fc.assert(
      fc.property(fc.oneof(tokenInfoLike, fc.jsonValue({ maxDepth: 3 })), (value) => {
        const json = JSON.parse(JSON.stringify(value)) as unknown;
        let info: ReturnType<typeof parseTokenInfo> | undefined;
        try {
          info = parseTokenInfo(json);
        } catch (error) {
          expect(error).toBeInstanceOf(LoginWithAmazonError);
          const { code } = error as LoginWithAmazonError;
          if (code === 'LWA_BAD_RESPONSE') expectBadResponse(error, 'tokeninfo');
          else expect(code).toBe('LWA_INVALID_TOKEN');
          return;
        }
        expect(info.iss).toBe('https://www.amazon.com');
        for (const field of [info.user_id, info.aud]) {
          expect(typeof field).toBe('string');
          expect(field).not.toBe('');
        }
        expect(Number.isInteger(info.exp) && info.exp > 0).toBe(true);
        expect((json as Record<string, unknown>).error === undefined || typeof (json as Record<string, unknown>).error !== 'string').toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
