import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';

describe('createFakeAmazon()', () => {
  it.each([
    [null, '"options" must be an object'],
    [{ clientID: '' }, '"clientID" must be a non-empty string'],
    [{ appID: 7 }, '"appID" must be a non-empty string'],
    [{ latencyMs: -1 }, '"latencyMs" must be a non-negative number'],
    [{ latencyMs: Number.NaN }, '"latencyMs" must be a non-negative number'],
    [{ latencyMs: Infinity }, '"latencyMs" must be a non-negative number'],
    [{ latencyMs: '5' }, '"latencyMs" must be a non-negative number'],
    [{ now: 5 }, '"now" must be a function'],
  ])('rejects %j with a TypeError naming the option', async (options, message) => {
    await expect(createFakeAmazon(options as never)).rejects.toThrow(new TypeError(message));
  });
});

describe('amazon.issueToken()', () => {
  let amazon: FakeAmazon;
  beforeAll(async () => {
    amazon = await createFakeAmazon();
  });
  afterAll(async () => {
    await amazon.close();
  });

  it.each([
    [null, {}, '"profile" must be an object'],
    [{ user_id: '' }, {}, '"profile.user_id" must be a non-empty string'],
    [{ user_id: 1 }, {}, '"profile.user_id" must be a string'],
    [{ email: ['a'] }, {}, '"profile.email" must be a string'],
    [{}, null, '"options" must be an object'],
    [{}, { scopes: 'profile' }, '"scopes" must be an array of strings'],
    [{}, { scopes: [1] }, '"scopes" must be an array of strings'],
    [{}, { expiresIn: Number.NaN }, '"expiresIn" must be a finite number of seconds'],
    [{}, { expiresIn: '60' }, '"expiresIn" must be a finite number of seconds'],
    [{}, { aud: 5 }, '"aud" must be a string'],
    [{}, { app_id: 5 }, '"app_id" must be a string'],
    [{}, { iss: false }, '"iss" must be a string'],
  ])('rejects profile %j with options %j with a TypeError naming the field', (profile, options, message) => {
    expect(() => amazon.issueToken(profile as never, options as never)).toThrow(new TypeError(message));
  });
});
