/**
 * An optional option given `undefined` (an unset env variable, under exactOptionalPropertyTypes
 * now allowed by the types) means its default, in every strategy, never a TypeError.
 */
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonCodeExchangeStrategy, LoginWithAmazonOAuth2Strategy, LoginWithAmazonStrategy } from '../lib/index.js';

const verify = async (): Promise<false> => false;

describe('an optional option set to undefined is its default', () => {
  test('LoginWithAmazonStrategy', () => {
    const strategy = new LoginWithAmazonStrategy({
      clientID: 'amzn1.application-oa2-client.a', appID: undefined, region: undefined, tokenInfoURL: undefined, profileURL: undefined,
      tokenSources: undefined, accessTokenField: undefined, refreshTokenField: undefined, tokenFromRequest: undefined, timeout: undefined,
      retries: undefined, realm: undefined, name: undefined, cache: undefined, profile: undefined, agent: undefined, passReqToCallback: undefined,
    }, verify);
    expect(strategy.name).toBe('amazon-token');
  });

  test('LoginWithAmazonStrategy cache options', () => {
    const strategy = new LoginWithAmazonStrategy({
      clientID: 'amzn1.application-oa2-client.a',
      cache: { ttl: undefined, max: undefined, negativeTtl: undefined, negativeMax: undefined, store: undefined, secret: undefined, storeTimeout: undefined, prefix: undefined },
      agent: { http: undefined, https: undefined },
    }, verify);
    expect(strategy.name).toBe('amazon-token');
  });

  test('LoginWithAmazonOAuth2Strategy', () => {
    const strategy = new LoginWithAmazonOAuth2Strategy({
      clientID: 'amzn1.application-oa2-client.a', clientSecret: 's', callbackURL: 'https://a.example/cb', scope: undefined, region: undefined,
      authorizationURL: undefined, tokenURL: undefined, profileURL: undefined, clientAuthentication: undefined, store: undefined,
      stateTTL: undefined, timeout: undefined, retries: undefined, name: undefined, agent: undefined, passReqToCallback: undefined,
    }, verify);
    expect(strategy.name).toBe('amazon');
  });

  test('LoginWithAmazonCodeExchangeStrategy', () => {
    const strategy = new LoginWithAmazonCodeExchangeStrategy({
      clientID: 'amzn1.application-oa2-client.a', redirectURIs: ['amzn://com.example.shop'], clientSecret: undefined, region: undefined,
      tokenURL: undefined, profileURL: undefined, timeout: undefined, retries: undefined, name: undefined, agent: undefined, passReqToCallback: undefined,
    }, verify);
    expect(strategy.name).toBe('amazon-code');
  });
});
