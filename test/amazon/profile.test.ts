import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError } from '../../lib/index.js';
import { toProfile } from '../../lib/amazon/profile.js';

const parse = (json: unknown) => toProfile(JSON.stringify(json), json);

describe('toProfile', () => {
  test('normalizes the full profile scope', () => {
    const json = { user_id: 'amzn1.account.K2LI23KL2LK2', email: 'mhashimoto-04@plaxo.com', name: 'Mork Hashimoto', postal_code: '98052' };
    expect(parse(json)).toEqual({
      provider: 'amazon',
      id: 'amzn1.account.K2LI23KL2LK2',
      displayName: 'Mork Hashimoto',
      emails: [{ value: 'mhashimoto-04@plaxo.com' }],
      postalCode: '98052',
      _raw: JSON.stringify(json),
      _json: json,
    });
  });

  test('profile:user_id gives an empty displayName, no emails, no postalCode and no name object', () => {
    const profile = parse({ user_id: 'amzn1.account.A' });
    expect(profile).toEqual({ provider: 'amazon', id: 'amzn1.account.A', displayName: '', _raw: '{"user_id":"amzn1.account.A"}', _json: { user_id: 'amzn1.account.A' } });
    expect('name' in profile).toBe(false);
    expect('emails' in profile).toBe(false);
    expect('postalCode' in profile).toBe(false);
  });

  test('never gives an empty email or postal code', () => {
    const profile = parse({ user_id: 'u', email: '', postal_code: '', name: null });
    expect('emails' in profile).toBe(false);
    expect('postalCode' in profile).toBe(false);
    expect(profile.displayName).toBe('');
  });

  test.each([['an array', []], ['null', null], ['a string', 'x'], ['a number', 5], ['true', true]])('%s is not a JSON object, and says so', (_name, json) => {
    expect(() => parse(json)).toThrow(new LoginWithAmazonError('LWA_BAD_RESPONSE', 'profile response is not a JSON object', { endpoint: 'profile' }));
    expect(() => parse(json)).toThrow('profile response is not a JSON object');
  });

  test.each([
    ['an array', []],
    ['null', null],
    ['a string', 'x'],
    ['no user_id', { name: 'n' }],
    ['an empty user_id', { user_id: '' }],
    ['a numeric user_id', { user_id: 5 }],
    ['a numeric email', { user_id: 'u', email: 5 }],
    ['an object name', { user_id: 'u', name: {} }],
    ['an array postal_code', { user_id: 'u', postal_code: ['1'] }],
  ])('rejects %s with LWA_BAD_RESPONSE', (_name, json) => {
    let caught: unknown;
    try {
      parse(json);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LoginWithAmazonError);
    expect(caught).toMatchObject({ code: 'LWA_BAD_RESPONSE', status: 502, endpoint: 'profile' });
  });
});
