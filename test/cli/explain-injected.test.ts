/**
 * `explainToken()` on what Amazon and the network cannot be made to produce: every ExtractProblem
 * (checkToken itself finds only three), LWA_TIMEOUT and LWA_NETWORK without a cause or a cause
 * code, and an error that is not a LoginWithAmazonError (passed on, not explained). The request
 * and the syntax check are replaced for that; anything not injected goes to the real ones.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import nock from 'nock';
import type { Endpoint } from '../../lib/core/errors.js';
import type { ExtractProblem } from '../../lib/token/extract-token.js';

const http = await import('../../lib/amazon/http.js');
const extract = await import('../../lib/token/extract-token.js');
const { LoginWithAmazonError } = await import('../../lib/core/errors.js');

/** The next failure of a request to each endpoint, instead of the request. */
const failures = new Map<Endpoint, Error>();
let problem: ExtractProblem | undefined;

class InjectedHttp extends http.UpstreamHttp {
  override get(endpoint: Endpoint, url: string, token: string): ReturnType<typeof http.UpstreamHttp.prototype.get> {
    const failure = failures.get(endpoint);
    if (failure === undefined) return super.get(endpoint, url, token);
    failures.delete(endpoint);
    return { promise: Promise.reject(failure), cancel: () => undefined };
  }
}
jest.unstable_mockModule('../../lib/amazon/http.js', () => ({ ...http, UpstreamHttp: InjectedHttp }));
jest.unstable_mockModule('../../lib/token/extract-token.js', () => ({
  ...extract,
  checkToken: (value: unknown) => (problem === undefined ? extract.checkToken(value) : { problem }),
}));
const { explainToken } = await import('../../lib/cli/check.js');

afterEach(() => { failures.clear(); problem = undefined; });

const MINE = 'amzn1.application-oa2-client.mine';
const TOKEN = 'Atza|IwEBIinjectedinjectedinjected';
const check = (): ReturnType<typeof explainToken> => explainToken({ token: TOKEN, clientID: MINE, region: 'NA' });
const NA = '  asked api.amazon.com (region NA); a token from one region is valid on the others.';

describe('every problem of the syntax check has its words', () => {
  test.each([
    ['malformed_authorization', 'it is not a bearer token'],
    ['multiple_tokens', 'more than one token was given'],
    ['not_a_string', 'it is not text'],
    ['too_long', 'it is longer than 2048 bytes'],
    ['bad_characters', 'it has characters no access token has (a space, a quote, a line break?)'],
    ['malformed_refresh_token', 'it is not a refresh token'],
  ] as const)('%s: "%s"', async (given, words) => {
    problem = given;
    expect(await check()).toEqual({ exitCode: 1, lines: [
      'refused:', `  the token is malformed: ${words}.`, '  LoginWithAmazonStrategy answers 400 invalid_request without asking Amazon.',
    ] });
  });
});

const timeoutError = (cause?: Error): InstanceType<typeof LoginWithAmazonError> =>
  new LoginWithAmazonError('LWA_TIMEOUT', 'tokeninfo request timed out', { endpoint: 'tokeninfo', ...(cause ? { cause } : {}) });
const networkError = (cause?: Error): InstanceType<typeof LoginWithAmazonError> =>
  new LoginWithAmazonError('LWA_NETWORK', 'tokeninfo request failed', { endpoint: 'tokeninfo', ...(cause ? { cause } : {}) });
const withCode = (code: unknown): Error => Object.assign(new Error('x'), { code });

describe('out of reach: the code of the cause when there is one', () => {
  test.each([
    ['a timeout without a cause', timeoutError(), 'LWA_TIMEOUT', 504],
    ['a timeout whose cause has no code', timeoutError(new Error('x')), 'LWA_TIMEOUT', 504],
    ['a timeout whose cause has a code', timeoutError(withCode('ESOCKETTIMEDOUT')), 'LWA_TIMEOUT: ESOCKETTIMEDOUT', 504],
    ['a network error without a cause', networkError(), 'LWA_NETWORK', 502],
    ['a network error whose cause has no code', networkError(new Error('x')), 'LWA_NETWORK', 502],
    ['a network error whose cause has a code', networkError(withCode('ECONNRESET')), 'LWA_NETWORK: ECONNRESET', 502],
    ['a network error whose cause has a code that is not a string', networkError(withCode(42)), 'LWA_NETWORK: 42', 502],
    ['a network error whose cause is not an Error', networkError({ code: 'EPIPE' } as unknown as Error), 'LWA_NETWORK', 502],
  ])('%s', async (_name, error, reason, status) => {
    failures.set('tokeninfo', error);
    expect(await check()).toEqual({ exitCode: 2, lines: [
      'could not tell:', `  api.amazon.com could not be reached (${reason}).`, `  LoginWithAmazonStrategy answers ${status} while that lasts.`, NA,
    ] });
  });
});

describe('an error that is not a LoginWithAmazonError is not explained but passed on', () => {
  const amazonApproves = (): void => {
    nock('https://api.amazon.com').get('/auth/o2/tokeninfo')
      .reply(200, { aud: MINE, user_id: 'amzn1.account.I', iss: 'https://www.amazon.com', exp: 60 });
  };

  test('from the tokeninfo request', async () => {
    const bug = new RangeError('a bug');
    failures.set('tokeninfo', bug);
    await expect(check()).rejects.toBe(bug);
  });

  test('from the profile request', async () => {
    amazonApproves();
    const bug = new RangeError('a bug');
    failures.set('profile', bug);
    await expect(check()).rejects.toBe(bug);
  });

  test('while a LoginWithAmazonError of the profile request is explained (the same path, for contrast)', async () => {
    amazonApproves();
    failures.set('profile', new LoginWithAmazonError('LWA_BAD_RESPONSE', 'profile response is not JSON', { endpoint: 'profile', upstreamStatus: 200 }));
    expect(await check()).toEqual({ exitCode: 2, lines: [
      'could not tell:', '  Amazon (api.amazon.com) failed: profile response is not JSON (LWA_BAD_RESPONSE, HTTP 200).',
      '  LoginWithAmazonStrategy answers 502 while that lasts.', NA,
    ] });
  });
});
