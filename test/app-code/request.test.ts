/** The code-exchange body (lib/app-code/request.ts) read on its own: whatever the request is, an answer, never a throw. */
import { describe, expect, test } from '@jest/globals';
import { CODE_EXCHANGE_MESSAGES, readCodeRequest, type BodyRules } from '../../lib/app-code/request.js';

const RULES: BodyRules = { clientID: 'client-a', redirectURIs: ['amzn://com.example.shop'], maxCodeBytes: 20 };
const VERIFIER = 'v'.repeat(43);
const good = { code: 'ANcode', code_verifier: VERIFIER, redirect_uri: 'amzn://com.example.shop' };
const reading = (body: unknown): ReturnType<typeof readCodeRequest> => readCodeRequest({ body }, RULES);

describe('readCodeRequest', () => {
  test('a good body gives the code, verifier and redirect URI', () => {
    expect(reading(good)).toStrictEqual({ code: 'ANcode', verifier: VERIFIER, redirectURI: 'amzn://com.example.shop' });
  });

  test.each([
    ['a request that is null', null],
    ['a request that is a string', 'code=x'],
    ['a request without a body', {}],
  ])('%s: the code is missing', (_name, req) => {
    expect(readCodeRequest(req, RULES)).toStrictEqual({ problem: CODE_EXCHANGE_MESSAGES.code });
  });

  test.each([
    ['a body that is null', null],
    ['a body that is a string', 'code=ANcode'],
    ['an empty code', { ...good, code: '' }],
    ['a code that is an array', { ...good, code: ['ANcode'] }],
    ['a code with a space', { ...good, code: 'AN code' }],
    ['a code only inherited', Object.create({ code: 'ANcode' }) as object],
  ])('%s: the code is missing', (_name, body) => {
    expect(reading(body)).toStrictEqual({ problem: CODE_EXCHANGE_MESSAGES.code });
  });

  test('a code of exactly maxCodeBytes is read; one byte more is too long', () => {
    const exact = 'c'.repeat(20);
    expect(reading({ ...good, code: exact })).toMatchObject({ code: exact });
    expect(reading({ ...good, code: `${exact}c` })).toStrictEqual({ problem: CODE_EXCHANGE_MESSAGES.codeTooLong });
  });

  test.each([
    ['an array holding a good verifier (it reads as one when made a string)', [VERIFIER]],
    ['42 characters', 'v'.repeat(42)],
    ['129 characters', 'v'.repeat(129)],
    ['a character outside RFC 7636', `${'v'.repeat(42)}+`],
  ])('a verifier that is %s is refused', (_name, verifier) => {
    expect(reading({ ...good, code_verifier: verifier })).toStrictEqual({ problem: CODE_EXCHANGE_MESSAGES.verifier });
  });

  test.each([
    ['an unlisted URI', 'amzn://com.example.other'],
    ['an array holding the listed URI', ['amzn://com.example.shop']],
    ['missing', undefined],
  ])('a redirect URI that is %s is refused', (_name, redirectURI) => {
    expect(reading({ ...good, redirect_uri: redirectURI })).toStrictEqual({ problem: CODE_EXCHANGE_MESSAGES.redirectURI });
  });

  test('a client_id other than the strategy\'s is refused; the strategy\'s own is taken', () => {
    expect(reading({ ...good, client_id: 'client-b' })).toStrictEqual({ problem: CODE_EXCHANGE_MESSAGES.clientID });
    expect(reading({ ...good, client_id: 'client-a' })).toMatchObject({ code: 'ANcode' });
  });
});
