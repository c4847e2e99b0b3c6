/**
 * LoginWithAmazonOAuth2Strategy's options, checked to the letter: each refusal is a TypeError with
 * the exact message naming the option, each boundary from both sides, and the store's shape one
 * missing piece at a time.
 */
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonOAuth2Strategy, SCOPES, type LoginWithAmazonOAuth2Options, type StateStore } from '../../lib/index.js';

const BASE: LoginWithAmazonOAuth2Options = {
  clientID: 'amzn1.application-oa2-client.optionchecks',
  clientSecret: 'amzn1.oa2-cs.v1.options-checks-0123456789abcdef0123456789abcdef',
  callbackURL: 'https://app.example.com/auth/amazon/callback',
};
const SCOPE_MESSAGE = '"scope" must be a non-empty array of distinct values from: profile, profile:user_id, postal_code';
const STORE_MESSAGE = '"store" must be an object with save() and take() methods';
const verify = (): boolean => false;

function build(options: unknown): LoginWithAmazonOAuth2Strategy {
  return new LoginWithAmazonOAuth2Strategy(options as LoginWithAmazonOAuth2Options, verify);
}

function configOf(strategy: LoginWithAmazonOAuth2Strategy): Record<string, unknown> {
  return (strategy as unknown as { config: Record<string, unknown> }).config;
}

/** What `run` throws (a test that expects a throw fails when nothing is thrown). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const save = (): Promise<void> => Promise.resolve();
const take = (): Promise<undefined> => Promise.resolve(undefined);

describe('the options object itself', () => {
  test.each([undefined, null, 'amazon', ['clientID']])('%o is a TypeError naming "options"', (options) => {
    expect(thrown(() => build(options))).toStrictEqual(new TypeError('"options" must be an object'));
  });
});

describe('scope', () => {
  test.each([
    ['a repeated scope', ['profile', 'profile']],
    ['a repeated scope among others', ['profile', 'postal_code', 'postal_code']],
    ['a known scope followed by an unknown one', ['profile', 'email']],
    ['an unknown scope followed by a known one', ['email', 'profile']],
  ])('%s is a TypeError naming "scope"', (_name, scope) => {
    expect(thrown(() => build({ ...BASE, scope }))).toStrictEqual(new TypeError(SCOPE_MESSAGE));
  });

  test('every known scope, each once, is accepted as given', () => {
    expect(configOf(build({ ...BASE, scope: ['postal_code', 'profile'] })).scope).toEqual(['postal_code', 'profile']);
    expect(configOf(build({ ...BASE, scope: [...SCOPES] })).scope).toEqual(['profile', 'profile:user_id', 'postal_code']);
  });
});

describe('region', () => {
  test.each([
    ['an array holding a region\'s name', ['NA']],
    ['an object whose string is a region\'s name', { toString: () => 'EU' }],
    ['a number', 1],
    ['an unknown name', 'US'],
    ['an inherited property name', 'toString'],
  ])('%s is a TypeError naming "region"', (_name, region) => {
    expect(thrown(() => build({ ...BASE, region }))).toStrictEqual(new TypeError('"region" must be one of: NA, EU, FE'));
  });
});

describe('name', () => {
  test.each([['an empty string', ''], ['blanks', '  '], ['a number', 7]])('%s is a TypeError naming "name"', (_name, name) => {
    expect(thrown(() => build({ ...BASE, name }))).toStrictEqual(new TypeError('"name" must be a non-empty string'));
  });
});

describe('retries', () => {
  test.each([-1, 11, 1.5, '1'])('%o is a TypeError naming "retries" and its range', (retries) => {
    expect(thrown(() => build({ ...BASE, retries }))).toStrictEqual(new TypeError('"retries" must be an integer from 0 to 10'));
  });

  test.each([0, 10])('%i is accepted', (retries) => {
    expect(configOf(build({ ...BASE, retries })).retries).toBe(retries);
  });
});

describe('store', () => {
  test.each([
    ['null', null],
    ['an empty object', {}],
    ['an object with save() only', { save }],
    ['an object with take() only', { take }],
    ['an object whose save and take are not functions', { save: 'save', take: 'take' }],
    ['a function carrying save() and take()', Object.assign(() => undefined, { save, take })],
    ['a string', 'memory'],
    ['a number', 42],
  ])('%s is a TypeError naming "store"', (_name, store) => {
    expect(thrown(() => build({ ...BASE, store }))).toStrictEqual(new TypeError(STORE_MESSAGE));
  });

  test('an object with save() and take() is used as given, and the session is not', () => {
    const store: StateStore = { save, take };
    expect(configOf(build({ ...BASE, store }))).toMatchObject({ store, usesSession: false });
  });
});
