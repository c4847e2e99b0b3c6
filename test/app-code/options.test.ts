/** LoginWithAmazonCodeExchangeStrategy's constructor: options validated like the other strategies', app redirect URIs, regions, no secret on show. */
import { inspect } from 'node:util';
import http from 'node:http';
import { describe, expect, test } from '@jest/globals';
import { CODE_EXCHANGE_DEFAULTS, LoginWithAmazonCodeExchangeStrategy, type LoginWithAmazonCodeExchangeOptions } from '../../lib/index.js';

const SECRET = 'amzn1.oa2-cs.v1.0123456789abcdef0123456789abcdef0123456789abcdef';
const BASE: LoginWithAmazonCodeExchangeOptions = {
  clientID: 'amzn1.application-oa2-client.appoptions',
  clientSecret: SECRET,
  redirectURIs: ['amzn://com.example.shop'],
};
const verify = (): boolean => false;

function build(options: Record<string, unknown>): LoginWithAmazonCodeExchangeStrategy {
  return new LoginWithAmazonCodeExchangeStrategy(options as unknown as LoginWithAmazonCodeExchangeOptions, verify);
}

function configOf(strategy: LoginWithAmazonCodeExchangeStrategy): Record<string, unknown> {
  return (strategy as unknown as { config: Record<string, unknown> }).config;
}

const REDIRECTS = '"redirectURIs" must be a non-empty array of distinct absolute URIs without fragments';

describe('options', () => {
  test('default name is "amazon-code"; "name" overrides it', () => {
    expect(build({ ...BASE }).name).toBe('amazon-code');
    expect(build({ ...BASE, name: 'app' }).name).toBe('app');
    expect(CODE_EXCHANGE_DEFAULTS).toEqual({ name: 'amazon-code', maxCodeBytes: 2048, region: 'NA', timeout: 5000, retries: 1, maxWaitingForAmazon: 1000 });
  });

  test('CODE_EXCHANGE_DEFAULTS are the defaults the strategy resolves (region NA hosts, timeout, retries)', () => {
    const config = configOf(build({ ...BASE }));
    expect({ timeout: config.timeout, retries: config.retries, tokenURL: config.tokenURL }).toEqual({
      timeout: CODE_EXCHANGE_DEFAULTS.timeout, retries: CODE_EXCHANGE_DEFAULTS.retries, tokenURL: 'https://api.amazon.com/auth/o2/token',
    });
  });

  test.each([
    [{ clientID: undefined }, '"clientID" must be a non-empty string'],
    [{ clientID: 'a b' }, '"clientID" must be a non-empty string'],
    [{ clientSecret: '' }, '"clientSecret" must be a non-empty string when given'],
    [{ clientSecret: 42 }, '"clientSecret" must be a non-empty string when given'],
    [{ redirectURIs: undefined }, REDIRECTS],
    [{ redirectURIs: [] }, REDIRECTS],
    [{ redirectURIs: 'amzn://com.example.shop' }, REDIRECTS],
    [{ redirectURIs: ['amzn://com.example.shop', 'amzn://com.example.shop'] }, REDIRECTS],
    [{ redirectURIs: ['com.example.shop'] }, REDIRECTS],
    [{ redirectURIs: [''] }, REDIRECTS],
    [{ redirectURIs: [42] }, REDIRECTS],
    [{ redirectURIs: ['amzn://com.example.shop#x'] }, REDIRECTS],
    [{ redirectURIs: ['amzn://com.example shop'] }, REDIRECTS],
    [{ redirectURIs: ['http://app.example.com/cb'] }, REDIRECTS],
    [{ redirectURIs: ['javascript:alert(1)'] }, REDIRECTS],
    [{ redirectURIs: ['data:text/html,x'] }, REDIRECTS],
    [{ redirectURIs: ['https://user:pw@app.example.com/cb'] }, REDIRECTS],
    [{ redirectURIs: [`amzn://${'x'.repeat(2048)}`] }, REDIRECTS],
    [{ redirectURIs: ['https://user@app.example.com/cb'] }, REDIRECTS],
    [{ redirectURIs: ['https://:pw@app.example.com/cb'] }, REDIRECTS],
    // The URL parser would strip these spaces: the check reads the string as given.
    [{ redirectURIs: [' amzn://com.example.shop'] }, REDIRECTS],
    [{ redirectURIs: ['amzn://com.example.shop '] }, REDIRECTS],
    [{ tokenURL: 'http://api.example.com/auth/o2/token' }, '"tokenURL" must be an absolute https: URL (http: only on loopback)'],
    [{ profileURL: 'ftp://x/' }, '"profileURL" must be an absolute https: URL (http: only on loopback)'],
    [{ region: 'US' }, '"region" must be one of: NA, EU, FE'],
    [{ region: ['NA'] }, '"region" must be one of: NA, EU, FE'],
    [{ timeout: 0 }, '"timeout" must be an integer'],
    [{ retries: 11 }, '"retries" must be an integer from 0 to 10'],
    [{ name: '' }, '"name" must be a non-empty string'],
    [{ agent: { https: {} } }, '"agent.https" must be an http.Agent'],
    [{ passReqToCallback: 'yes' }, '"passReqToCallback" must be a boolean'],
    [{ redirectURI: ['amzn://com.example.shop'] }, 'unknown option "redirectURI"; did you mean "redirectURIs"?'],
    [{ callbackURL: 'https://x' }, 'unknown option "callbackURL"'],
    [{ scope: ['profile'] }, 'unknown option "scope"'],
  ])('%o throws a TypeError naming the option', (patch, message) => {
    expect(() => build({ ...BASE, ...patch })).toThrow(TypeError);
    expect(() => build({ ...BASE, ...patch })).toThrow(message);
  });

  test('options that are not an object, and a verify that is not a function, are refused', () => {
    expect(() => build(null as never)).toThrow('"options" must be an object');
    expect(() => new LoginWithAmazonCodeExchangeStrategy(BASE, undefined as never)).toThrow('"verify" must be a function');
  });

  test('app schemes (Android amzn://, iOS amzn-<bundle id>://), https: and loopback http: are redirect URIs, kept exactly as given', () => {
    const redirectURIs = ['amzn://com.example.shop', 'amzn-com.example.shop://', 'amzn-com.example.shop://?sdk=ios', 'https://app.example.com/cb', 'http://127.0.0.1:8080/cb'];
    expect(configOf(build({ ...BASE, redirectURIs })).redirectURIs).toEqual(redirectURIs);
  });

  test('a redirect URI of exactly 2048 bytes is taken', () => {
    const longest = `amzn://${'x'.repeat(2041)}`;
    expect(Buffer.byteLength(longest)).toBe(2048);
    expect(configOf(build({ ...BASE, redirectURIs: [longest] })).redirectURIs).toEqual([longest]);
  });

  test('clientSecret may be left out (a public client), and agents are taken', () => {
    const agent = new http.Agent();
    const { clientSecret: _omitted, ...rest } = BASE;
    expect(configOf(build({ ...rest, agent: { http: agent } }))).toMatchObject({ clientID: BASE.clientID, agent: { http: agent } });
  });

  test('a bad option\'s message never quotes the client secret or a redirect URI', () => {
    for (const patch of [{ tokenURL: `http://x/${SECRET}` }, { clientID: `${SECRET} x` }, { redirectURIs: [`http://x/${SECRET}`] }, { clientSecret: { SECRET } }]) {
      let message = '';
      try {
        build({ ...BASE, ...patch });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^"/);
      expect(message).not.toContain(SECRET);
    }
  });
});

describe('regions (the website strategy\'s token hosts)', () => {
  test.each([
    ['NA', 'https://api.amazon.com/auth/o2/token', 'https://api.amazon.com/user/profile'],
    ['EU', 'https://api.amazon.co.uk/auth/o2/token', 'https://api.amazon.co.uk/user/profile'],
    ['FE', 'https://api.amazon.co.jp/auth/o2/token', 'https://api.amazon.co.jp/user/profile'],
  ] as const)('%s: token %s', (region, tokenURL, profileURL) => {
    expect(configOf(build({ ...BASE, region }))).toMatchObject({ tokenURL, profileURL });
  });

  test('NA by default; explicit URLs win over the region', () => {
    expect(configOf(build({ ...BASE }))).toMatchObject({ tokenURL: 'https://api.amazon.com/auth/o2/token' });
    expect(configOf(build({ ...BASE, region: 'EU', tokenURL: 'https://token.example.com/t' }))).toMatchObject({
      tokenURL: 'https://token.example.com/t', profileURL: 'https://api.amazon.co.uk/user/profile',
    });
  });
});

describe('the client secret stays hidden', () => {
  test('not in util.inspect, JSON.stringify or the config of the strategy', () => {
    const strategy = build({ ...BASE });
    expect(inspect(strategy, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(strategy)).not.toContain(SECRET);
    expect(JSON.stringify(configOf(strategy))).not.toContain(SECRET);
    expect(inspect(Object.create(strategy), { depth: 10 })).not.toContain(SECRET);
  });
});
