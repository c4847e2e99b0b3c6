/**
 * docs/access-tokens.md's outcome table of introspect() is the strategy's (docs/outcomes.md), row
 * by row: each situation runs through the strategy behind a real Express app and through
 * introspect(), against nock, and both must land in the same row.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type LoginWithAmazonStrategyOptions, type VerifyFunction } from './../lib/index.js';
import { CLIENT_ID, TOKEN, countUpstream, intercept, mockAmazon, profileBody, tokenInfoBody } from './helpers/amazon-nock.js';
import { startApp, type TestApp } from './helpers/express-app.js';
import { expectNoSecret } from './helpers/leak.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  nock.cleanAll();
});

type Verify = VerifyFunction;
const toUser: Verify = (_a, _r, profile, done) => { done(null, { id: profile.id }); };

/** What a row ends in: an HTTP status through the route; a rejection (code, status) or an approval through introspect(). */
interface Row {
  name: string;
  setup: () => void;
  token?: unknown;
  options?: Partial<LoginWithAmazonStrategyOptions>;
  verify?: Verify;
  route: number;
  introspect: { code: string; status: number; isRejection: boolean } | 'resolves';
}

const long = `Atza|${'a'.repeat(2044)}`;
const none = (): void => undefined;
const rejection = (code: string, status = 401) => ({ code, status, isRejection: true });
const failure = (code: string, status = 502) => ({ code, status, isRejection: false });

const ROWS: Row[] = [
  { name: 'row 1: no token', setup: none, token: undefined, route: 401, introspect: rejection('LWA_NO_TOKEN') },
  { name: 'row 2: a token over 2048 bytes', setup: none, token: long, route: 400, introspect: rejection('LWA_INVALID_REQUEST', 400) },
  { name: 'row 2: a character outside token68 and "|"', setup: none, token: `${TOKEN.slice(0, 50)}"x`, route: 400, introspect: rejection('LWA_INVALID_REQUEST', 400) },
  { name: 'row 2: a broken percent-encoding', setup: none, token: 'Atza%7', route: 400, introspect: rejection('LWA_INVALID_REQUEST', 400) },
  { name: 'row 3: tokeninfo answers 400 invalid_token', setup: () => { mockAmazon({ tokenInfo: [400, { error: 'invalid_token' }], optionalProfile: true }); }, route: 401, introspect: rejection('LWA_INVALID_TOKEN') },
  { name: 'row 3: exp is 0', setup: () => { mockAmazon({ tokenInfo: [200, tokenInfoBody({ exp: 0 })], optionalProfile: true }); }, route: 401, introspect: rejection('LWA_INVALID_TOKEN') },
  { name: 'row 3: aud and app_id of another app', setup: () => { mockAmazon({ tokenInfo: [200, tokenInfoBody({ aud: 'amzn1.application-oa2-client.other', app_id: 'amzn1.application.other' })], optionalProfile: true }); }, route: 401, introspect: rejection('LWA_AUDIENCE_MISMATCH') },
  { name: 'row 3: the profile names another user', setup: () => { mockAmazon({ profile: [200, profileBody({ user_id: 'amzn1.account.OTHER' })] }); }, route: 401, introspect: rejection('LWA_USER_MISMATCH') },
  { name: 'row 3: iss is not Amazon', setup: () => { mockAmazon({ tokenInfo: [200, tokenInfoBody({ iss: 'https://evil.example' })], optionalProfile: true }); }, route: 401, introspect: rejection('LWA_INVALID_TOKEN') },
  { name: 'row 4: profile says insufficient_scope', setup: () => { mockAmazon({ profile: [401, { error: 'insufficient_scope' }] }); }, route: 403, introspect: rejection('LWA_INSUFFICIENT_SCOPE', 403) },
  { name: 'row 5: a timeout', setup: () => { intercept('/auth/o2/tokeninfo').delay(500).reply(200, tokenInfoBody()); intercept('/user/profile').optionally().reply(200, profileBody()); }, options: { timeout: 100, retries: 0 }, route: 504, introspect: failure('LWA_TIMEOUT', 504) },
  { name: 'row 5: a 5xx after retries', setup: () => { intercept('/auth/o2/tokeninfo').times(2).reply(503, 'busy'); intercept('/user/profile').optionally().times(2).reply(200, profileBody()); }, route: 502, introspect: failure('LWA_UPSTREAM_STATUS') },
  { name: 'row 5: a wrongly shaped body', setup: () => { intercept('/auth/o2/tokeninfo').reply(200, tokenInfoBody({ aud: 42 })); intercept('/user/profile').optionally().reply(200, profileBody()); }, route: 502, introspect: failure('LWA_BAD_RESPONSE') },
  { name: 'row 6: verify says no (introspect() calls no verify)', setup: () => { mockAmazon(); }, verify: (_a, _r, _p, done) => { done(null, false); }, route: 401, introspect: 'resolves' },
  { name: 'row 7: verify gives a user', setup: () => { mockAmazon(); }, route: 200, introspect: 'resolves' },
  { name: 'row 8: verify throws (introspect() calls no verify)', setup: () => { mockAmazon(); }, verify: () => { throw new Error('app bug'); }, route: 500, introspect: 'resolves' },
];

function strategy(row: Row, verify: Verify): LoginWithAmazonStrategy {
  return new LoginWithAmazonStrategy({ clientID: CLIENT_ID, cache: false, ...row.options }, verify);
}

function headersOf(token: unknown): Record<string, string> {
  return typeof token === 'string' ? { authorization: `Bearer ${token}` } : {};
}

describe.each(ROWS)('$name', (row) => {
  const token = 'token' in row ? row.token : TOKEN;

  test('through the strategy behind Express', async () => {
    const upstream = row.setup === none ? countUpstream() : undefined;
    row.setup();
    app = await startApp(strategy(row, row.verify ?? toUser));
    const res = await fetch(`${app.url}/api/me`, { headers: headersOf(token) });
    expect(res.status).toBe(row.route);
    expect(upstream?.count() ?? 0).toBe(0);
    upstream?.stop();
  });

  test('through introspect()', async () => {
    const upstream = row.setup === none ? countUpstream() : undefined;
    row.setup();
    let verified = 0;
    const s = strategy(row, (...args) => { verified += 1; return (row.verify ?? toUser)(...args); });
    const outcome = await s.introspect(token).then((result) => result, (err: unknown) => err);
    const ended = outcome instanceof LoginWithAmazonError
      ? { code: outcome.code, status: outcome.status, isRejection: outcome.isRejection }
      : outcome === undefined || outcome instanceof Error ? outcome : 'resolves';
    expect(ended).toEqual(row.introspect);
    const approval = ended === 'resolves' ? outcome as { source: string; tokenInfo: { user_id: string }; profile: { id: string } } : undefined;
    const summary = approval && { source: approval.source, userId: approval.tokenInfo.user_id, id: approval.profile.id };
    const expected = row.introspect === 'resolves' ? { source: 'amazon', userId: 'amzn1.account.K2LI23KL2LK2', id: 'amzn1.account.K2LI23KL2LK2' } : undefined;
    expect(summary).toEqual(expected);
    expectNoSecret(outcome, typeof token === 'string' && token.length > 10 ? token : 'Atza|placeholder-that-appears-nowhere');
    expect(verified).toBe(0);
    expect(upstream?.count() ?? 0).toBe(0);
    upstream?.stop();
  });
});

test('the table in docs/access-tokens.md lists these rows in this order', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../docs/access-tokens.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Outcomes of `introspect()`'));
  const rows = [...section.matchAll(/^\| (\d) \|/gm)].map(([, n]) => Number(n));
  expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
});
