/**
 * `explainToken()` against the fake Amazon on 127.0.0.1 (a fixed clock) and against Amazon's region
 * hosts faked with nock: every verdict line for line, its exit code, which endpoints were asked,
 * and the token in none of the lines.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { explainToken, type Verdict } from '../../lib/cli/check.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';

const MINE = 'amzn1.application-oa2-client.mine';
const THEIRS = 'amzn1.application-oa2-client.theirs';
const NOW = 1_700_000_000_000;
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: MINE, appID: 'amzn1.application.mine', now: () => NOW }); });
afterAll(async () => { await amazon.close(); });
beforeEach(() => { amazon.reset(); });

const host = (): string => new URL(amazon.url).host;
const NOTE = (): string => `  note: ${host()} is not one of Amazon's hosts (NA api.amazon.com, EU api.amazon.co.uk, FE api.amazon.co.jp).`;
const PREFIX_NOTE = '  note: Login with Amazon access tokens start with "Atza|"; this one does not.';
const explain = (token: string, timeout?: number): Promise<Verdict> =>
  explainToken({ token, clientID: MINE, region: 'NA', tokenInfoURL: amazon.endpoints.tokenInfoURL, ...(timeout === undefined ? {} : { timeout }) });

/** The verdict is exactly `exitCode` and `lines`, and no line holds the token or a piece of it. */
function expectVerdict(verdict: Verdict, token: string, exitCode: number, lines: string[]): void {
  expect(verdict).toEqual({ exitCode, lines });
  expect(verdict.lines.join('\n')).not.toContain(token);
  expect(verdict.lines.join('\n')).not.toContain(token.slice(5, 25) || token);
}

describe('accepted', () => {
  test('names the user, the audience with its app, the seconds left, and that 127.0.0.1 is not Amazon', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.ADA' });
    expectVerdict(await explain(token), token, 0, [
      'accepted:',
      `  LoginWithAmazonStrategy({ clientID: '${MINE}' }) signs in user amzn1.account.ADA.`,
      `  issued to client id ${MINE} (app amzn1.application.mine); expires in 3600 s.`,
      NOTE(),
    ]);
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1 });
  });

  test('without an app id in tokeninfo, the audience is the client id alone', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.B' }, { app_id: null, expiresIn: 90 });
    expectVerdict(await explain(token), token, 0, [
      'accepted:',
      `  LoginWithAmazonStrategy({ clientID: '${MINE}' }) signs in user amzn1.account.B.`,
      `  issued to client id ${MINE}; expires in 90 s.`,
      NOTE(),
    ]);
  });
});

describe('refused before Amazon is asked', () => {
  test.each<[string, unknown, string]>([
    ['a space inside', 'Atza|abc def', 'it has characters no access token has (a space, a quote, a line break?)'],
    ['a quote', 'Atza|abc"def', 'it has characters no access token has (a space, a quote, a line break?)'],
    ['a bad percent escape', 'Atza|abc%zz', 'it has characters no access token has (a space, a quote, a line break?)'],
    ['over 2048 bytes', `Atza|${'a'.repeat(2044)}`, 'it is longer than 2048 bytes'],
    ['not a string', 42, 'it is not text'],
  ])('a malformed token (%s): 400 invalid_request', async (_name, token, problem) => {
    expectVerdict(await explain(token as string), String(token), 1, [
      'refused:', `  the token is malformed: ${problem}.`, '  LoginWithAmazonStrategy answers 400 invalid_request without asking Amazon.',
    ]);
    expect(amazon.calls).toMatchObject({ tokeninfo: 0, profile: 0 });
  });

  test('a refresh token, saying what to send instead', async () => {
    const token = 'Atzr|IwEBIrefreshrefreshrefreshrefresh';
    expectVerdict(await explain(token), token, 1, [
      'refused:',
      '  this is a refresh token (Atzr|…), not an access token (Atza|…).',
      '  Send the access token; exchange a refresh token at the token endpoint (strategy.refresh()).',
    ]);
    expect(amazon.calls).toMatchObject({ tokeninfo: 0, profile: 0 });
  });
});

const invalid = (...notes: string[]): string[] => [
  'refused:', `  Amazon (${host()}) says the token is not valid: tokeninfo rejected the token.`,
  '  It has expired, was revoked, or is not an access token Login with Amazon issued.', '  LoginWithAmazonStrategy answers 401 invalid_token.', ...notes,
];

describe('refused by Amazon or by the strategy', () => {
  test.each([
    ['expired', (): string => amazon.issueToken({}, { expiresIn: 0 })],
    ['revoked', (): string => { const t = amazon.issueToken(); amazon.revoke(t); return t; }],
    ['never issued', (): string => 'Atza|IwEBIneverissuedneverissuedneverissued'],
  ])('a token Amazon says is not valid (%s): 401, and no profile call', async (_name, make) => {
    const token = make();
    expectVerdict(await explain(token), token, 1, invalid(NOTE()));
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 0 });
  });

  test('a token without "Atza|" that Amazon refuses gets the prefix note, before the host note', async () => {
    const token = 'IwEBInoprefixnoprefixnoprefix';
    expectVerdict(await explain(token), token, 1, invalid(PREFIX_NOTE, NOTE()));
  });

  test.each([
    ['with its app id', 'amzn1.application.theirs', ` (app amzn1.application.theirs)`],
    ['without an app id', null, ''],
  ])('a token issued to another client (%s): names that client, asks no profile', async (_name, appID, app) => {
    const token = amazon.issueToken({}, { aud: THEIRS, app_id: appID });
    expectVerdict(await explain(token), token, 1, [
      'refused:',
      `  the token was issued to client id ${THEIRS}${app}, not to ${MINE}.`,
      `  LoginWithAmazonStrategy answers 401 invalid_token. If ${THEIRS} is your security profile, use it as clientID.`,
      NOTE(),
    ]);
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 0 });
  });

  test('a token without the profile scope: 403 insufficient_scope', async () => {
    const token = amazon.issueToken({}, { scopes: ['postal_code'] });
    expectVerdict(await explain(token), token, 1, [
      'refused:',
      '  the token lacks the "profile" scope the strategy needs to load the profile.',
      '  LoginWithAmazonStrategy answers 403 insufficient_scope (ask for scope "profile", or set profile: false).',
      NOTE(),
    ]);
  });

  test('tokeninfo and the profile naming different users: 401', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.ONE' });
    amazon.fault('profile', { body: { user_id: 'amzn1.account.TWO', name: 'Two' } });
    expectVerdict(await explain(token), token, 1, [
      'refused:', '  tokeninfo and the profile name different users. LoginWithAmazonStrategy answers 401 invalid_token.', NOTE(),
    ]);
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1 });
  });
});

const failed = (message: string, code: string, status: number, ...notes: string[]): string[] => [
  'could not tell:', `  Amazon (${host()}) failed: ${message} (${code}).`, `  LoginWithAmazonStrategy answers ${status} while that lasts.`, ...notes,
];

describe('could not tell: Amazon failing or out of reach', () => {
  test.each([
    ['tokeninfo answering 500 (retried once)', 'tokeninfo', { status: 500 }, 'tokeninfo answered an unexpected HTTP status', 'LWA_UPSTREAM_STATUS, HTTP 500', 2],
    ['tokeninfo answering 429', 'tokeninfo', { status: 429 }, 'tokeninfo answered an unexpected HTTP status', 'LWA_UPSTREAM_STATUS, HTTP 429', 1],
    ['tokeninfo answering 200 with no JSON', 'tokeninfo', { body: 'not json' }, 'tokeninfo response is not JSON', 'LWA_BAD_RESPONSE, HTTP 200', 1],
    ['tokeninfo answering 200 without user_id', 'tokeninfo', { body: { aud: MINE, iss: 'https://www.amazon.com', exp: 60 } },
      'unexpected "user_id" in tokeninfo response', 'LWA_BAD_RESPONSE', 1],
    ['the profile answering 500 (retried once)', 'profile', { status: 500 }, 'profile answered an unexpected HTTP status', 'LWA_UPSTREAM_STATUS, HTTP 500', 1],
  ] as const)('%s: 502, with the HTTP status where there was one', async (_name, endpoint, fault, message, code, tokeninfoCalls) => {
    amazon.fault(endpoint, fault);
    const token = amazon.issueToken();
    expectVerdict(await explain(token), token, 2, failed(message, code, 502, NOTE()));
    expect(amazon.calls.tokeninfo).toBe(tokeninfoCalls);
  });

  test('a token without "Atza|" gets the prefix note with an error of tokeninfo too', async () => {
    amazon.fault('tokeninfo', { status: 503 });
    const token = 'IwEBInoprefixnoprefixnoprefix';
    expectVerdict(await explain(token), token, 2, failed('tokeninfo answered an unexpected HTTP status', 'LWA_UPSTREAM_STATUS, HTTP 503', 502, PREFIX_NOTE, NOTE()));
  });

  test('a timeout, with the cause\'s code: 504 (the timeout given is the one used)', async () => {
    amazon.fault('tokeninfo', { delayMs: 3000 });
    const token = amazon.issueToken();
    expectVerdict(await explain(token, 100), token, 2, [
      'could not tell:', `  ${host()} could not be reached (LWA_TIMEOUT: ETIMEDOUT).`, '  LoginWithAmazonStrategy answers 504 while that lasts.', NOTE(),
    ]);
  });

  test('a port nobody listens on, with the cause\'s code: 502', async () => {
    const closed = await createFakeAmazon();
    const tokenInfoURL = closed.endpoints.tokenInfoURL;
    await closed.close();
    const token = amazon.issueToken();
    const verdict = await explainToken({ token, clientID: MINE, region: 'EU', tokenInfoURL });
    // Node 20 and 22 say ECONNREFUSED; Node 24 may say the socket closed before connecting.
    const code = /\(LWA_NETWORK: (ECONNREFUSED|ERR_SOCKET_CLOSED_BEFORE_CONNECTION)\)\.$/.exec(verdict.lines[1] ?? '')?.[1] ?? 'no cause code';
    expectVerdict(verdict, token, 2, [
      'could not tell:', `  ${new URL(tokenInfoURL).host} could not be reached (LWA_NETWORK: ${code}).`, '  LoginWithAmazonStrategy answers 502 while that lasts.',
      `  note: ${new URL(tokenInfoURL).host} is not one of Amazon's hosts (NA api.amazon.com, EU api.amazon.co.uk, FE api.amazon.co.jp).`,
    ]);
  });
});
