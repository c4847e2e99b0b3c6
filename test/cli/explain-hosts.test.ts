/**
 * `explainToken()` against Amazon's own hosts (faked with nock): which host it asks, by region or
 * by `tokenInfoURL`, and the note naming that host's region; the profile is asked on the same host.
 */
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { explainToken, type CheckInput } from '../../lib/cli/check.js';
import type { Region } from '../../lib/amazon/endpoints.js';

const MINE = 'amzn1.application-oa2-client.mine';
const TOKEN = 'Atza|IwEBIhosthosthosthosthost';
const INFO = { aud: MINE, user_id: 'amzn1.account.H', iss: 'https://www.amazon.com', exp: 120 };

const asked = (host: string, region: Region): string => `  asked ${host} (region ${region}); a token from one region is valid on the others.`;

/** Amazon at `origin` approves `token` (tokeninfo, then the profile), as nock interceptors that must all be used. */
function amazonApproves(origin: string, token = TOKEN): void {
  nock(origin).get('/auth/o2/tokeninfo').matchHeader('x-amz-access-token', token).reply(200, INFO);
  nock(origin).get('/user/profile').matchHeader('x-amz-access-token', token).reply(200, { user_id: INFO.user_id, name: 'H' });
}

const check = (input: Partial<CheckInput>): ReturnType<typeof explainToken> => explainToken({ token: TOKEN, clientID: MINE, region: 'NA', ...input });

describe('the host asked', () => {
  test.each([
    ['NA', 'https://api.amazon.com', 'api.amazon.com'],
    ['EU', 'https://api.amazon.co.uk', 'api.amazon.co.uk'],
    ['FE', 'https://api.amazon.co.jp', 'api.amazon.co.jp'],
  ] as const)('region %s: asks %s and says so after the verdict', async (region, origin, host) => {
    amazonApproves(origin);
    expect(await check({ region })).toEqual({ exitCode: 0, lines: [
      'accepted:',
      `  LoginWithAmazonStrategy({ clientID: '${MINE}' }) signs in user amzn1.account.H.`,
      `  issued to client id ${MINE}; expires in 120 s.`,
      asked(host, region),
    ] });
  });

  test('a tokenInfoURL on another region\'s host names that host\'s region, and the profile is asked there too', async () => {
    amazonApproves('https://api.amazon.co.jp');
    const verdict = await check({ region: 'EU', tokenInfoURL: 'https://api.amazon.co.jp/auth/o2/tokeninfo' });
    expect(verdict.lines.at(-1)).toBe(asked('api.amazon.co.jp', 'FE'));
    expect(verdict.exitCode).toBe(0);
  });

  test('a tokenInfoURL on a host that is not Amazon\'s: the note names the host, with its port, and Amazon\'s hosts', async () => {
    amazonApproves('https://amazon.example.com:8443');
    const verdict = await check({ tokenInfoURL: 'https://amazon.example.com:8443/auth/o2/tokeninfo' });
    expect(verdict.lines.at(-1)).toBe('  note: amazon.example.com:8443 is not one of Amazon\'s hosts (NA api.amazon.com, EU api.amazon.co.uk, FE api.amazon.co.jp).');
    expect(verdict.exitCode).toBe(0);
  });

  test('Amazon\'s host with a port that is not its own is not Amazon\'s host', async () => {
    amazonApproves('https://api.amazon.com:444');
    const verdict = await check({ tokenInfoURL: 'https://api.amazon.com:444/auth/o2/tokeninfo' });
    expect(verdict.lines.at(-1)).toBe('  note: api.amazon.com:444 is not one of Amazon\'s hosts (NA api.amazon.com, EU api.amazon.co.uk, FE api.amazon.co.jp).');
  });

  test('a refusal also names the region asked, after the reason', async () => {
    nock('https://api.amazon.co.uk').get('/auth/o2/tokeninfo')
      .reply(400, { error: 'invalid_token', error_description: 'The request has an invalid parameter : access_token' });
    expect(await check({ region: 'EU' })).toEqual({ exitCode: 1, lines: [
      'refused:',
      '  Amazon (api.amazon.co.uk) says the token is not valid: tokeninfo rejected the token.',
      '  It has expired, was revoked, or is not an access token Login with Amazon issued.',
      '  LoginWithAmazonStrategy answers 401 invalid_token.',
      asked('api.amazon.co.uk', 'EU'),
    ] });
  });

  test('a token without "Atza|" that Amazon accepts: accepted, without the prefix note', async () => {
    amazonApproves('https://api.amazon.com', 'IwEBIwithoutprefixwithoutprefix');
    const verdict = await check({ token: 'IwEBIwithoutprefixwithoutprefix' });
    expect(verdict).toEqual({ exitCode: 0, lines: [
      'accepted:',
      `  LoginWithAmazonStrategy({ clientID: '${MINE}' }) signs in user amzn1.account.H.`,
      `  issued to client id ${MINE}; expires in 120 s.`,
      asked('api.amazon.com', 'NA'),
    ] });
  });

  test.each([
    ['http: off loopback', 'http://api.amazon.com/auth/o2/tokeninfo'],
    ['credentials', 'https://user:pass@api.amazon.com/auth/o2/tokeninfo'],
    ['not a URL', 'api.amazon.com/auth/o2/tokeninfo'],
  ])('a tokenInfoURL with %s is refused with a TypeError naming the option, before any request', async (_name, tokenInfoURL) => {
    await expect(check({ tokenInfoURL })).rejects.toThrow(new TypeError('"tokeninfo-url" must be an absolute https: URL (http: only on loopback), without credentials'));
  });
});
