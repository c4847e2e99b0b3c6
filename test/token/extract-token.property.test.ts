/**
 * Token extraction through `authenticate`, for arbitrary requests: exactly one Passport action,
 * never a synchronous throw, and Amazon is asked only about tokens of the allowed syntax
 * (RFC 6750 token68 plus `|`, at most 2048 bytes). Amazon is replaced by a stub validator so that
 * every run is in-process and fast.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  LoginWithAmazonError,
  LoginWithAmazonStrategy,
  type LoginWithAmazonStrategyOptions,
  type TokenSource,
  type VerifyFunction,
} from '../../lib/index.js';
import type { Validation } from '../../lib/amazon/validation.js';
import { authenticate, type Action } from '../faults/helpers.js';

const NUM_RUNS = 300;
const SOURCES: readonly TokenSource[] = ['header', 'amz-header', 'body', 'query'];

/** The allowed syntax, written independently of lib/token/extract-token.ts. */
function allowed(token: string): boolean {
  return /^[A-Za-z0-9\-._~+/|]+=*$/.test(token) && Buffer.byteLength(token, 'utf8') <= 2048;
}

const USER_ID = 'amzn1.account.PROPERTY';
const VALIDATION: Validation = {
  tokenInfo: { iss: 'https://www.amazon.com', user_id: USER_ID, aud: 'client', exp: 3000 },
  profile: { provider: 'amazon', id: USER_ID, displayName: 'P', _raw: '{}', _json: { user_id: USER_ID } },
  askedAt: Date.now(),
};

type Upstream = 'approve' | 'invalid_token' | 'insufficient_scope' | 'network';
type Verify = 'user' | 'false' | 'error' | 'throw' | 'resolve' | 'reject' | 'done-twice';

/** A strategy whose Amazon is a stub that records every token it is asked about. */
class Probe extends LoginWithAmazonStrategy {
  readonly asked: string[] = [];

  constructor(options: Partial<LoginWithAmazonStrategyOptions>, upstream: Upstream, verify: VerifyFunction) {
    super({ clientID: 'client', cache: false, ...options }, verify);
    (this as unknown as { validator: { validate(token: string): Promise<Validation> } }).validator = {
      validate: (token) => {
        this.asked.push(token);
        if (upstream === 'approve') return Promise.resolve(structuredClone(VALIDATION));
        if (upstream === 'network') return Promise.reject(new LoginWithAmazonError('LWA_NETWORK', 'tokeninfo request failed'));
        const code = upstream === 'invalid_token' ? 'LWA_INVALID_TOKEN' : 'LWA_INSUFFICIENT_SCOPE';
        return Promise.reject(new LoginWithAmazonError(code, 'rejected'));
      },
    };
  }
}

function verifyOf(kind: Verify): VerifyFunction {
  return (_access, _refresh, profile, done) => {
    switch (kind) {
      case 'user': done(null, { id: profile.id }); return undefined;
      case 'false': done(null, false, { message: 'no such user' }); return undefined;
      case 'error': done(new Error('database down')); return undefined;
      case 'throw': throw new Error('verify threw');
      case 'resolve': return Promise.resolve({ id: profile.id });
      case 'reject': return Promise.reject(new Error('verify rejected'));
      case 'done-twice':
        done(null, { id: profile.id });
        done(new Error('second call'));
        return undefined;
    }
  };
}

// Candidate token strings: well-formed ones, their percent-encodings, near the size limit, and junk.
const tokenChars = fc.stringMatching(/^[A-Za-z0-9\-._~+/|]{1,80}={0,2}$/);
const tokenish = fc.oneof(
  tokenChars,
  tokenChars.map((t) => `Atza|${t}`),
  tokenChars.map(encodeURIComponent),
  fc.integer({ min: 2040, max: 2056 }).map((n) => `Atza|${'A'.repeat(n - 5)}`),
  fc.integer({ min: 2040, max: 2056 }).map((n) => `Atza%7C${'A'.repeat(n - 5)}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('%', '7', 'C', 'A', '|', ' ', '"', '\r', '\n', '\u0000', '=', '\u00e9'), maxLength: 20 }),
  fc.constantFrom('', ' ', '%', '%E0%A4%A', 'Atza|x=a', '='),
);
const authorization = fc.tuple(
  fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Bearer2', '', 'Bearer\u00a0'),
  fc.constantFrom(' ', '\t', '  ', '', ' \t '),
  tokenish,
  fc.constantFrom('', ' ', ' extra', '\t'),
).map((parts) => parts.join(''));
const odd = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(tokenish, { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const headerValue = fc.oneof(authorization, tokenish, odd);
const headerName = fc.oneof(fc.constantFrom('content-type', '__proto__', 'constructor', 'Authorization'), fc.string({ maxLength: 10 }));
const fieldName = fc.oneof(fc.constantFrom('refresh_token', '__proto__', 'toString', 'token'), fc.string({ maxLength: 10 }));
const fieldValue = fc.oneof(tokenish, fc.array(tokenish, { maxLength: 3 }), odd);

/** Maybe a value (present half of the time, so that often exactly one place has a token). */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 2 });

/** A map with arbitrary keys plus, maybe, the key the strategy looks at. */
const withKeys = (names: fc.Arbitrary<string>, values: fc.Arbitrary<unknown>, key: string, keyValue: fc.Arbitrary<unknown>) =>
  fc.tuple(fc.dictionary(names, values, { maxKeys: 3 }), maybe(keyValue)).map(([extra, value]) =>
    (value === undefined ? extra : Object.assign(extra, { [key]: value })));

/** Fields that never hold the access token. */
function fields(): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(fieldName, fieldValue, { maxKeys: 2 });
}

const headers = fc.tuple(
  withKeys(headerName, headerValue, 'authorization', fc.oneof({ weight: 3, arbitrary: authorization }, headerValue)),
  maybe(headerValue),
).map(([map, amz]) => (amz === undefined ? map : Object.assign(map, { 'x-amz-access-token': amz })));
const container = fc.oneof(
  { weight: 4, arbitrary: withKeys(fieldName, fieldValue, 'access_token', fieldValue) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** One candidate token in one place, with noise around it: reaches Amazon whenever the token is well-formed. */
const focused = fc.tuple(fc.constantFrom<TokenSource>(...SOURCES), tokenish, fc.dictionary(headerName, headerValue, { maxKeys: 2 }), fields())
  .map(([source, token, noise, extra]) => {
    const req: Record<string, unknown> = { headers: noise, body: { ...extra }, query: { ...extra } };
    if (source === 'header') req.headers = { ...noise, authorization: `Bearer ${token}` };
    if (source === 'amz-header') req.headers = { ...noise, 'x-amz-access-token': token };
    if (source === 'body') req.body = { ...extra, access_token: token };
    if (source === 'query') req.query = { ...extra, access_token: token };
    return req;
  });

const request = fc.oneof(
  { weight: 4, arbitrary: focused },
  { weight: 4, arbitrary: fc.record({
    headers: fc.oneof({ weight: 6, arbitrary: headers }, fc.anything({ maxDepth: 1 })),
    body: container,
    query: container,
  }, { requiredKeys: ['headers'] }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
);

const options = fc.record({
  tokenSources: fc.option(fc.shuffledSubarray([...SOURCES], { minLength: 1 }), { nil: undefined, freq: 2 }),
  accessTokenField: fc.option(fc.constantFrom('token', 'access_token'), { nil: undefined, freq: 2 }),
});

/** Lets pending promise callbacks and I/O callbacks run, so that any late second action would show. */
async function drain(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

async function outcome(strategy: Probe, req: unknown): Promise<{ actions: Action[]; threw: unknown[] }> {
  const run = authenticate(strategy, req);
  await drain();
  return { actions: run.actions, threw: run.threw };
}

describe('authenticate() on arbitrary requests', () => {
  test('ends in exactly one success, fail or error, never throws, and asks Amazon only about well-formed tokens', async () => {
    await fc.assert(
      fc.asyncProperty(
        request, options,
        fc.constantFrom<Upstream>('approve', 'invalid_token', 'insufficient_scope', 'network'),
        fc.constantFrom<Verify>('user', 'false', 'error', 'throw', 'resolve', 'reject', 'done-twice'),
        async (req, opts, upstream, verify) => {
          const strategy = new Probe(opts, upstream, verifyOf(verify));
          const { actions, threw } = await outcome(strategy, req);
          expect(threw).toEqual([]);
          expect(actions).toHaveLength(1);
          expect(['success', 'fail', 'error']).toContain(actions[0]?.type);
          expect(strategy.asked.length).toBeLessThanOrEqual(1);
          expect(strategy.asked.filter((token) => !allowed(token))).toEqual([]);
          // Without a call to Amazon there is no success, and the error can only be a fail.
          expect(strategy.asked.length > 0 || actions[0]?.type === 'fail').toBe(true);
          expect(actions[0]?.type !== 'success' || upstream === 'approve').toBe(true);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  test('asks Amazon about a well-formed token sent in exactly one enabled place, once and unchanged', async () => {
    const place = fc.constantFrom<TokenSource>(...SOURCES);
    await fc.assert(
      fc.asyncProperty(tokenChars.map((t) => `Atza|${t}`), place, fc.boolean(), async (token, source, encode) => {
        const sent = encode ? encodeURIComponent(token) : token;
        const req: Record<string, unknown> = { headers: {} };
        if (source === 'header') req.headers = { authorization: `Bearer ${sent}` };
        if (source === 'amz-header') req.headers = { 'x-amz-access-token': sent };
        if (source === 'body') req.body = { access_token: sent };
        if (source === 'query') req.query = { access_token: sent };
        const strategy = new Probe({ tokenSources: [...SOURCES] }, 'approve', verifyOf('user'));
        const { actions } = await outcome(strategy, req);
        expect(strategy.asked).toEqual([token]);
        expect(actions).toEqual([{ type: 'success', user: { id: USER_ID }, info: { tokenInfo: VALIDATION.tokenInfo } }]);
      }),
      { numRuns: 100 },
    );
  });

  test('never asks Amazon about a repeated query parameter (?access_token=a&access_token=b)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tokenish, { minLength: 2, maxLength: 4 }), async (values) => {
        const strategy = new Probe({ tokenSources: [...SOURCES] }, 'approve', verifyOf('user'));
        const { actions } = await outcome(strategy, { headers: {}, query: { access_token: values } });
        expect(strategy.asked).toEqual([]);
        expect(actions).toHaveLength(1);
        expect(actions[0]).toMatchObject({ type: 'fail', status: 400 });
      }),
      { numRuns: 50 },
    );
  });
});
