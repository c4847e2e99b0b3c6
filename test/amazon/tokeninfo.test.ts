import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError } from '../../lib/index.js';
import { AMAZON_ISSUER, assertAudience, parseTokenInfo } from '../../lib/amazon/tokeninfo.js';
import { APP_ID, CLIENT_ID, tokenInfoBody } from '../helpers/amazon-nock.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    return (err as LoginWithAmazonError).code;
  }
  return undefined;
}

describe('parseTokenInfo', () => {
  test('keeps the documented fields', () => {
    expect(parseTokenInfo(tokenInfoBody())).toEqual({
      iss: AMAZON_ISSUER, user_id: 'amzn1.account.K2LI23KL2LK2', aud: CLIENT_ID, app_id: APP_ID, exp: 3597, iat: 1311280970,
    });
    expect(parseTokenInfo(tokenInfoBody({ app_id: undefined, iat: undefined }))).not.toHaveProperty('app_id');
  });

  test.each([
    ['not an object', 'x', 'LWA_BAD_RESPONSE'],
    ['an array', [], 'LWA_BAD_RESPONSE'],
    ['null', null, 'LWA_BAD_RESPONSE'],
    ['aud a number', tokenInfoBody({ aud: 1 }), 'LWA_BAD_RESPONSE'],
    ['aud missing', tokenInfoBody({ aud: undefined }), 'LWA_BAD_RESPONSE'],
    ['user_id empty', tokenInfoBody({ user_id: '' }), 'LWA_BAD_RESPONSE'],
    ['exp a string', tokenInfoBody({ exp: '3597' }), 'LWA_BAD_RESPONSE'],
    ['exp fractional', tokenInfoBody({ exp: 1.5 }), 'LWA_BAD_RESPONSE'],
    ['iat a string', tokenInfoBody({ iat: 'x' }), 'LWA_BAD_RESPONSE'],
    ['iss a number', tokenInfoBody({ iss: 1 }), 'LWA_BAD_RESPONSE'],
    ['app_id empty', tokenInfoBody({ app_id: '' }), 'LWA_BAD_RESPONSE'],
    ['an error key', { error: 'invalid_token' }, 'LWA_INVALID_TOKEN'],
    ['exp 0', tokenInfoBody({ exp: 0 }), 'LWA_INVALID_TOKEN'],
    ['exp negative', tokenInfoBody({ exp: -1 }), 'LWA_INVALID_TOKEN'],
    ['another issuer', tokenInfoBody({ iss: 'https://www.amazon.evil' }), 'LWA_INVALID_TOKEN'],
    ['no issuer', tokenInfoBody({ iss: undefined }), 'LWA_INVALID_TOKEN'],
  ])('%s -> %s', (_name, json, code) => {
    expect(codeOf(() => parseTokenInfo(json))).toBe(code);
  });
});

describe('assertAudience', () => {
  const info = parseTokenInfo(tokenInfoBody());
  test('accepts our client id', () => {
    expect(() => assertAudience(info, { clientIDs: ['other', CLIENT_ID], appIDs: [] })).not.toThrow();
  });
  test('accepts our app id for another client id', () => {
    expect(() => assertAudience({ ...info, aud: 'ios' }, { clientIDs: ['web'], appIDs: [APP_ID] })).not.toThrow();
  });
  test('rejects a token of another app', () => {
    expect(codeOf(() => assertAudience(info, { clientIDs: ['web'], appIDs: ['amzn1.application.other'] }))).toBe('LWA_AUDIENCE_MISMATCH');
  });
  test('does not fall back to app_id when no app id is configured', () => {
    expect(codeOf(() => assertAudience({ ...info, aud: 'ios' }, { clientIDs: ['web'], appIDs: [] }))).toBe('LWA_AUDIENCE_MISMATCH');
  });
  test('rejects a token without app_id when only app ids would match', () => {
    const { app_id: _omit, ...withoutApp } = info;
    expect(codeOf(() => assertAudience({ ...withoutApp, aud: 'ios' }, { clientIDs: ['web'], appIDs: [APP_ID] }))).toBe('LWA_AUDIENCE_MISMATCH');
  });
});
