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

describe('parseTokenInfo on arbitrary JSON', () => {
  test('returns a complete tokeninfo, or throws LWA_BAD_RESPONSE (wrong shape) or LWA_INVALID_TOKEN (the token\'s fault)', () => {
    fc.assert(
      fc.property(fc.oneof(tokenInfoLike, fc.jsonValue({ maxDepth: 3 })), (value) => {
        const json = JSON.parse(JSON.stringify(value)) as unknown;
        let verdict: string;
        try {
          const info = parseTokenInfo(json);
          const complete = info.iss === 'https://www.amazon.com' &&
            [info.user_id, info.aud].every((field) => typeof field === 'string' && field !== '') &&
            Number.isInteger(info.exp) && info.exp > 0 &&
            typeof (json as Record<string, unknown>).error !== 'string';
          verdict = complete ? 'a complete tokeninfo' : `an incomplete tokeninfo: ${JSON.stringify(info)}`;
        } catch (error) {
          verdict = errorVerdict(error, 'tokeninfo');
        }
        expect(['a complete tokeninfo', 'LWA_BAD_RESPONSE', 'LWA_INVALID_TOKEN']).toContain(verdict);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
