import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError } from '../../lib/index.js';
import { AMAZON_ISSUER, assertAudience, parseTokenInfo, type TokenInfo } from '../../lib/amazon/tokeninfo.js';
import { APP_ID, CLIENT_ID, tokenInfoBody } from '../helpers/amazon-nock.js';

/** What `fn` threw, as the fields a caller sees; undefined when it did not throw. */
function thrown(fn: () => unknown): { name: string; code: string; message: string; endpoint: unknown; upstreamStatus: unknown } | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    const e = err as LoginWithAmazonError;
    return { name: e.name, code: e.code, message: e.message, endpoint: e.endpoint, upstreamStatus: e.upstreamStatus };
  }
  return undefined;
}

const badResponse = (message: string) => ({ name: 'LoginWithAmazonError', code: 'LWA_BAD_RESPONSE', message, endpoint: 'tokeninfo', upstreamStatus: undefined });
const invalidToken = (message: string, upstreamStatus?: number) => ({ name: 'LoginWithAmazonError', code: 'LWA_INVALID_TOKEN', message, endpoint: 'tokeninfo', upstreamStatus });

describe('parseTokenInfo', () => {
  test('keeps the documented fields', () => {
    expect(parseTokenInfo(tokenInfoBody())).toEqual({
      iss: AMAZON_ISSUER, user_id: 'amzn1.account.K2LI23KL2LK2', aud: CLIENT_ID, app_id: APP_ID, exp: 3597, iat: 1311280970,
    });
  });

  test.each([
    ['left out', { app_id: undefined, iat: undefined }],
    ['null', { app_id: null, iat: null }],
  ])('app_id and iat %s are absent from the result, not undefined or null', (_name, fields) => {
    const info = parseTokenInfo(tokenInfoBody(fields));
    expect(Object.keys(info).sort()).toEqual(['aud', 'exp', 'iss', 'user_id']);
  });

  test('keeps nothing else Amazon sends', () => {
    expect(parseTokenInfo({ ...tokenInfoBody(), scope: 'profile', extra: 1 })).not.toHaveProperty('extra');
  });

  test.each([
    ['not an object', 'x', badResponse('tokeninfo response is not a JSON object')],
    ['an array', [], badResponse('tokeninfo response is not a JSON object')],
    ['null', null, badResponse('tokeninfo response is not a JSON object')],
    ['aud a number', tokenInfoBody({ aud: 1 }), badResponse('unexpected "aud" in tokeninfo response')],
    ['aud missing', tokenInfoBody({ aud: undefined }), badResponse('unexpected "aud" in tokeninfo response')],
    ['user_id empty', tokenInfoBody({ user_id: '' }), badResponse('unexpected "user_id" in tokeninfo response')],
    ['user_id missing', tokenInfoBody({ user_id: undefined }), badResponse('unexpected "user_id" in tokeninfo response')],
    ['exp a string', tokenInfoBody({ exp: '3597' }), badResponse('unexpected "exp" in tokeninfo response')],
    ['exp fractional', tokenInfoBody({ exp: 1.5 }), badResponse('unexpected "exp" in tokeninfo response')],
    ['exp missing', tokenInfoBody({ exp: undefined }), badResponse('unexpected "exp" in tokeninfo response')],
    ['iat a string', tokenInfoBody({ iat: 'x' }), badResponse('unexpected "iat" in tokeninfo response')],
    ['iat not finite', tokenInfoBody({ iat: Number.POSITIVE_INFINITY }), badResponse('unexpected "iat" in tokeninfo response')],
    ['iss a number', tokenInfoBody({ iss: 1 }), badResponse('unexpected "iss" in tokeninfo response')],
    ['app_id empty', tokenInfoBody({ app_id: '' }), badResponse('unexpected "app_id" in tokeninfo response')],
    ['app_id a number', tokenInfoBody({ app_id: 7 }), badResponse('unexpected "app_id" in tokeninfo response')],
    ['an error key', { error: 'invalid_token' }, invalidToken('tokeninfo rejected the token', 200)],
    ['an error key beside valid fields', { ...tokenInfoBody(), error: 'invalid_token' }, invalidToken('tokeninfo rejected the token', 200)],
    ['exp 0', tokenInfoBody({ exp: 0 }), invalidToken('token has expired')],
    ['exp negative', tokenInfoBody({ exp: -1 }), invalidToken('token has expired')],
    ['another issuer', tokenInfoBody({ iss: 'https://www.amazon.evil' }), invalidToken('tokeninfo names another issuer')],
    ['no issuer', tokenInfoBody({ iss: undefined }), invalidToken('tokeninfo names another issuer')],
  ])('%s', (_name, json, expected) => {
    expect(thrown(() => parseTokenInfo(json))).toEqual(expected);
  });

  test('an error key that is not a string is not a rejection: the fields decide', () => {
    expect(parseTokenInfo({ ...tokenInfoBody(), error: 1 }).user_id).toBe('amzn1.account.K2LI23KL2LK2');
  });

  test('a token with one second left is valid', () => {
    expect(parseTokenInfo(tokenInfoBody({ exp: 1 })).exp).toBe(1);
  });
});

describe('assertAudience', () => {
  /** A parsed tokeninfo answer, made inside each test (a throw here must fail a test, not the file). */
  const info = (): TokenInfo => parseTokenInfo(tokenInfoBody());
  const mismatch = { name: 'LoginWithAmazonError', code: 'LWA_AUDIENCE_MISMATCH', message: 'token was issued to another client', endpoint: 'tokeninfo', upstreamStatus: undefined };

  test('accepts our client id', () => {
    expect(thrown(() => { assertAudience(info(), { clientIDs: ['other', CLIENT_ID], appIDs: [] }); })).toBeUndefined();
  });
  test('accepts our app id for another client id', () => {
    expect(thrown(() => { assertAudience({ ...info(), aud: 'ios' }, { clientIDs: ['web'], appIDs: [APP_ID] }); })).toBeUndefined();
  });
  test('rejects a token of another app', () => {
    expect(thrown(() => { assertAudience(info(), { clientIDs: ['web'], appIDs: ['amzn1.application.other'] }); })).toEqual(mismatch);
  });
  test('does not fall back to app_id when no app id is configured', () => {
    expect(thrown(() => { assertAudience({ ...info(), aud: 'ios' }, { clientIDs: ['web'], appIDs: [] }); })).toEqual(mismatch);
  });
  test('rejects a token without app_id when only app ids would match', () => {
    const { app_id: _omit, ...withoutApp } = info();
    expect(thrown(() => { assertAudience({ ...withoutApp, aud: 'ios' }, { clientIDs: ['web'], appIDs: [APP_ID] }); })).toEqual(mismatch);
  });
  test('an app id is not a client id, nor the other way round', () => {
    expect(thrown(() => { assertAudience({ ...info(), aud: APP_ID, app_id: CLIENT_ID }, { clientIDs: [CLIENT_ID], appIDs: [APP_ID] }); })).toEqual(mismatch);
  });
});
