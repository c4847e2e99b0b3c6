/** LoginWithAmazonOAuth2Strategy's constructor: options validated like the token strategy's, regions, and no secret on show. */
import { inspect } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { cookieStateStore, LoginWithAmazonOAuth2Strategy, OAUTH2_DEFAULTS, type LoginWithAmazonOAuth2Options } from '../../lib/index.js';

const SECRET = 'amzn1.oa2-cs.v1.0123456789abcdef0123456789abcdef0123456789abcdef';
const BASE: LoginWithAmazonOAuth2Options = {
  clientID: 'amzn1.application-oa2-client.options',
  clientSecret: SECRET,
  callbackURL: 'https://app.example.com/auth/amazon/callback',
};
const verify = (): boolean => false;

function build(options: Record<string, unknown>): LoginWithAmazonOAuth2Strategy {
  return new LoginWithAmazonOAuth2Strategy(options as unknown as LoginWithAmazonOAuth2Options, verify);
}

function configOf(strategy: LoginWithAmazonOAuth2Strategy): Record<string, unknown> {
  return (strategy as unknown as { config: Record<string, unknown> }).config;
}

describe('options', () => {
  test('default name is "amazon", as passport-amazon\'s', () => {
    expect(build({ ...BASE }).name).toBe('amazon');
    expect(build({ ...BASE, name: 'lwa' }).name).toBe('lwa');
    expect(OAUTH2_DEFAULTS).toEqual({ name: 'amazon', scope: ['profile'], stateTTL: 600_000, maxPendingPerBrowser: 5, clientAuthentication: 'body', region: 'NA', timeout: 5000, retries: 1, maxWaitingForAmazon: 1000 });
  });

  test('OAUTH2_DEFAULTS are the defaults the strategy resolves', () => {
    const config = configOf(build({ ...BASE }));
    expect(config).toMatchObject({
      scope: OAUTH2_DEFAULTS.scope, stateTTL: OAUTH2_DEFAULTS.stateTTL, maxPendingPerBrowser: OAUTH2_DEFAULTS.maxPendingPerBrowser, clientAuthentication: OAUTH2_DEFAULTS.clientAuthentication,
      timeout: OAUTH2_DEFAULTS.timeout, retries: OAUTH2_DEFAULTS.retries, authorizationURL: 'https://www.amazon.com/ap/oa',
    });
  });

  test.each([
    [{ clientSecret: undefined }, '"clientSecret" must be a non-empty string'],
    [{ clientSecret: '' }, '"clientSecret" must be a non-empty string'],
    [{ clientID: undefined }, '"clientID" must be a non-empty string'],
    [{ clientID: 'a,b' }, '"clientID" must be a non-empty string'],
    [{ callbackURL: undefined }, '"callbackURL" must be an absolute https: URL (http: only on loopback)'],
    [{ callbackURL: '/auth/amazon/callback' }, '"callbackURL" must be an absolute https: URL (http: only on loopback)'],
    [{ callbackURL: 'http://app.example.com/cb' }, '"callbackURL" must be an absolute https: URL (http: only on loopback)'],
    [{ callbackURL: 'https://app.example.com/cb#x' }, '"callbackURL" must not have a fragment'],
    [{ tokenURL: 'http://api.example.com/auth/o2/token' }, '"tokenURL" must be an absolute https: URL (http: only on loopback)'],
    [{ authorizationURL: 'http://www.example.com/ap/oa' }, '"authorizationURL" must be an absolute https: URL (http: only on loopback)'],
    [{ profileURL: 'ftp://x/' }, '"profileURL" must be an absolute https: URL (http: only on loopback)'],
    [{ scope: ['email'] }, '"scope" must be a non-empty array of distinct values from: profile, profile:user_id, postal_code'],
    [{ scope: [] }, '"scope" must be a non-empty array'],
    [{ region: 'US' }, '"region" must be one of: NA, EU, FE'],
    [{ stateTTL: 10 }, '"stateTTL" must be an integer from 1000 to 86400000'],
    [{ maxPendingPerBrowser: 0 }, '"maxPendingPerBrowser" must be an integer from 1 to 50'],
    [{ maxPendingPerBrowser: 51 }, '"maxPendingPerBrowser" must be an integer from 1 to 50'],
    [{ maxPendingPerBrowser: 2.5 }, '"maxPendingPerBrowser" must be an integer from 1 to 50'],
    [{ maxPendingPerBrowser: '5' }, '"maxPendingPerBrowser" must be an integer from 1 to 50'],
    [{ timeout: -1 }, '"timeout" must be an integer'],
    [{ clientAuthentication: 'post' }, '"clientAuthentication" must be \'body\' or \'basic\''],
    [{ store: {} }, '"store" must be an object with save() and take() methods'],
    [{ passReqToCallback: 'yes' }, '"passReqToCallback" must be a boolean'],
    [{ clientSecert: 'x' }, 'unknown option "clientSecert"; did you mean "clientSecret"?'],
  ])('%o throws a TypeError naming the option', (patch, message) => {
    expect(() => build({ ...BASE, ...patch })).toThrow(TypeError);
    expect(() => build({ ...BASE, ...patch })).toThrow(message);
  });

  test('a bad option\'s message never quotes the client secret', () => {
    for (const patch of [{ callbackURL: SECRET }, { tokenURL: `http://x/${SECRET}` }, { clientID: `${SECRET} x` }]) {
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

  test('accepts http: for loopback hosts', () => {
    expect(() => build({ ...BASE, callbackURL: 'http://127.0.0.1:3000/cb', tokenURL: 'http://localhost:9/auth/o2/token' })).not.toThrow();
  });

  test.each([true, false, 'session'])('state: %o (a passport-amazon habit) is a TypeError saying state with PKCE is always on, not a typo hint', (state) => {
    expect(() => build({ ...BASE, state })).toThrow(TypeError);
    // No typo hint ("did you mean 'store'?") anywhere in the message.
    expect(() => build({ ...BASE, state })).toThrow(/^(?![\s\S]*did you mean)"state" is not an option: LoginWithAmazonOAuth2Strategy always uses state, with PKCE/);
  });

  test('verify must be a function', () => {
    expect(() => new LoginWithAmazonOAuth2Strategy(BASE, undefined as never)).toThrow('"verify" must be a function');
  });
});

describe('regions', () => {
  test.each([
    ['NA', 'https://www.amazon.com/ap/oa', 'https://api.amazon.com/auth/o2/token', 'https://api.amazon.com/user/profile'],
    ['EU', 'https://eu.account.amazon.com/ap/oa', 'https://api.amazon.co.uk/auth/o2/token', 'https://api.amazon.co.uk/user/profile'],
    ['FE', 'https://apac.account.amazon.com/ap/oa', 'https://api.amazon.co.jp/auth/o2/token', 'https://api.amazon.co.jp/user/profile'],
  ] as const)('%s: authorization %s, token %s', (region, authorizationURL, tokenURL, profileURL) => {
    expect(configOf(build({ ...BASE, region }))).toMatchObject({ authorizationURL, tokenURL, profileURL });
  });

  test('explicit URLs win over the region', () => {
    const config = configOf(build({ ...BASE, region: 'EU', tokenURL: 'https://token.example.com/t' }));
    expect(config).toMatchObject({ tokenURL: 'https://token.example.com/t', authorizationURL: 'https://eu.account.amazon.com/ap/oa' });
  });
});

describe('the client secret stays hidden', () => {
  test('not in util.inspect, JSON.stringify or the config of the strategy, nor the cookie store\'s secret', () => {
    const cookieSecret = 'cookie-secret-for-the-inspect-test-0123';
    const strategy = build({ ...BASE, store: cookieStateStore({ secret: cookieSecret }) });
    for (const shown of [inspect(strategy, { depth: 10, showHidden: true }), JSON.stringify(strategy)]) expect(shown).not.toContain(cookieSecret);
    expect(inspect(strategy, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(strategy)).not.toContain(SECRET);
    expect(JSON.stringify(configOf(strategy))).not.toContain(SECRET);
    expect(inspect(Object.create(strategy), { depth: 10 })).not.toContain(SECRET);
  });
});
