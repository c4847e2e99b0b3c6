/** extractToken: pure, table-driven, one row per rule of "Where the token comes from". */
import { describe, expect, test } from '@jest/globals';
import { checkToken, extractToken, MAX_TOKEN_BYTES, type ExtractOptions, type RequestLike } from '../../lib/token/extract-token.js';
import { TOKEN } from '../helpers/amazon-nock.js';

const all: ExtractOptions = {
  tokenSources: ['header', 'amz-header', 'body', 'query'],
  accessTokenField: 'access_token',
  refreshTokenField: 'refresh_token',
};

const found = (token: string, refreshToken?: string) => ({ kind: 'token', token, refreshToken });

describe('one source at a time', () => {
  const rows: [string, RequestLike, unknown][] = [
    ['Authorization: Bearer', { headers: { authorization: `Bearer ${TOKEN}` } }, found(TOKEN)],
    ['a lower-case scheme', { headers: { authorization: `bearer ${TOKEN}` } }, found(TOKEN)],
    ['an upper-case scheme', { headers: { authorization: `BEARER ${TOKEN}` } }, found(TOKEN)],
    ['x-amz-access-token', { headers: { 'x-amz-access-token': TOKEN } }, found(TOKEN)],
    ['a body field', { body: { access_token: TOKEN } }, found(TOKEN)],
    ['a query field', { query: { access_token: TOKEN } }, found(TOKEN)],
    ['nothing', { headers: {}, body: {}, query: {} }, { kind: 'none' }],
    ['no headers, body or query at all', {}, { kind: 'none' }],
    ['Basic credentials', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }, { kind: 'none' }],
    ['scheme Bearer2', { headers: { authorization: `Bearer2 ${TOKEN}` } }, { kind: 'none' }],
    ['scheme XBearer', { headers: { authorization: `XBearer ${TOKEN}` } }, { kind: 'none' }],
    ['an empty Authorization header', { headers: { authorization: '' } }, { kind: 'none' }],
    ['a bare Bearer', { headers: { authorization: 'Bearer' } }, { kind: 'invalid', problem: 'malformed_authorization' }],
    ['Bearer and spaces', { headers: { authorization: 'Bearer   ' } }, { kind: 'invalid', problem: 'malformed_authorization' }],
    ['Bearer, two spaces and a tab, then the token', { headers: { authorization: `Bearer  \t${TOKEN}` } }, found(TOKEN)],
    ['Bearer with two parts', { headers: { authorization: 'Bearer a b' } }, { kind: 'invalid', problem: 'malformed_authorization' }],
    ['an Authorization array', { headers: { authorization: ['Bearer a'] } }, { kind: 'invalid', problem: 'malformed_authorization' }],
    ['a query array', { query: { access_token: ['a', 'b'] } }, { kind: 'invalid', problem: 'not_a_string' }],
    ['a body number', { body: { access_token: 42 } }, { kind: 'invalid', problem: 'not_a_string' }],
    ['a body object', { body: { access_token: { a: 1 } } }, { kind: 'invalid', problem: 'not_a_string' }],
    ['an x-amz header array', { headers: { 'x-amz-access-token': [TOKEN] } }, { kind: 'invalid', problem: 'not_a_string' }],
    ['an empty body field', { body: { access_token: '' } }, { kind: 'invalid', problem: 'bad_characters' }],
    ['a string body (no fields)', { body: `access_token=${TOKEN}` }, { kind: 'none' }],
    ['an array body', { body: [TOKEN] }, { kind: 'none' }],
    ['a null body', { body: null }, { kind: 'none' }],
    ['an inherited field only', { body: Object.create({ access_token: TOKEN }) as object }, { kind: 'none' }],
  ];
  test.each(rows)('%s', (_name, req, expected) => {
    expect(extractToken(req, all)).toEqual(expected);
  });

  test('a request that is not an object has no token', () => {
    expect(extractToken(undefined, all)).toEqual({ kind: 'none' });
    expect(extractToken(null, all)).toEqual({ kind: 'none' });
  });
});

describe('a token in more than one place is malformed, even the same value', () => {
  const rows: [string, RequestLike][] = [
    ['Authorization + x-amz-access-token', { headers: { authorization: `Bearer ${TOKEN}`, 'x-amz-access-token': TOKEN } }],
    ['Authorization + body', { headers: { authorization: `Bearer ${TOKEN}` }, body: { access_token: TOKEN } }],
    ['body + query', { body: { access_token: TOKEN }, query: { access_token: TOKEN } }],
    ['x-amz + query with different values', { headers: { 'x-amz-access-token': TOKEN }, query: { access_token: 'Atza|other' } }],
  ];
  test.each(rows)('%s', (_name, req) => {
    expect(extractToken(req, all)).toEqual({ kind: 'invalid', problem: 'multiple_tokens' });
  });

  test('a non-Bearer Authorization does not count as a second place', () => {
    expect(extractToken({ headers: { authorization: 'Basic x' }, body: { access_token: TOKEN } }, all)).toEqual(found(TOKEN));
  });
});

describe('tokenSources and field names', () => {
  test('looks only at the enabled sources', () => {
    const headerOnly = { ...all, tokenSources: ['header' as const] };
    expect(extractToken({ query: { access_token: TOKEN } }, headerOnly)).toEqual({ kind: 'none' });
    expect(extractToken({ headers: { authorization: `Bearer ${TOKEN}` }, query: { access_token: TOKEN } }, headerOnly)).toEqual(found(TOKEN));
  });

  test('uses accessTokenField and refreshTokenField', () => {
    const custom = { ...all, accessTokenField: 'lwa_token', refreshTokenField: 'lwa_refresh' };
    expect(extractToken({ body: { lwa_token: TOKEN, lwa_refresh: 'Atzr|r' } }, custom)).toEqual(found(TOKEN, 'Atzr|r'));
    expect(extractToken({ body: { access_token: TOKEN } }, custom)).toEqual({ kind: 'none' });
  });

  test('takes the refresh token from the body or the query, checked like the access token', () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    expect(extractToken({ headers, body: { refresh_token: 'Atzr|b' } }, all)).toEqual(found(TOKEN, 'Atzr|b'));
    expect(extractToken({ headers, query: { refresh_token: 'Atzr%7Cq' } }, all)).toEqual(found(TOKEN, 'Atzr|q'));
    const malformed = { kind: 'invalid', problem: 'malformed_refresh_token' };
    expect(extractToken({ headers, body: { refresh_token: 'Atzr|b' }, query: { refresh_token: 'Atzr|q' } }, all)).toEqual(malformed);
    expect(extractToken({ headers, body: { refresh_token: ['x'] } }, all)).toEqual(malformed);
    expect(extractToken({ headers, body: { refresh_token: 'a b' } }, all)).toEqual(malformed);
    expect(extractToken({ headers, body: { refresh_token: '' } }, all)).toEqual(malformed);
    expect(extractToken({ headers, body: { refresh_token: `Atzr|${'r'.repeat(2048)}` } }, all)).toEqual(malformed);
  });

  test('reads the refresh token only from the enabled body and query sources', () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const noQuery = { ...all, tokenSources: ['header' as const, 'body' as const] };
    expect(extractToken({ headers, query: { refresh_token: 'Atzr|q' } }, noQuery)).toEqual(found(TOKEN));
    expect(extractToken({ headers, query: { refresh_token: 'a b' } }, noQuery)).toEqual(found(TOKEN));
    const headerOnly = { ...all, tokenSources: ['header' as const] };
    expect(extractToken({ headers, body: { refresh_token: 'Atzr|b' }, query: { refresh_token: 'Atzr|q' } }, headerOnly)).toEqual(found(TOKEN));
  });
});

describe('tokenFromRequest', () => {
  const withExtractor = (fn: (req: unknown) => string | undefined | null): ExtractOptions => ({ ...all, tokenFromRequest: fn });
  test('gives no refresh token: the app\'s extractor owns the request', () => {
    expect(extractToken({ body: { refresh_token: 'Atzr|b' } }, withExtractor(() => TOKEN))).toEqual(found(TOKEN));
    expect(extractToken({ body: { refresh_token: 'a b' } }, withExtractor(() => TOKEN))).toEqual(found(TOKEN));
  });

  test('replaces the sources', () => {
    expect(extractToken({ headers: { authorization: `Bearer ${TOKEN}` } }, withExtractor(() => undefined))).toEqual({ kind: 'none' });
    expect(extractToken({}, withExtractor(() => TOKEN))).toEqual(found(TOKEN));
    expect(extractToken({}, withExtractor(() => null))).toEqual({ kind: 'none' });
    expect(extractToken({}, withExtractor(() => ''))).toEqual({ kind: 'none' });
  });
  test('checks what it returns like any other token', () => {
    expect(extractToken({}, withExtractor(() => 'a b'))).toEqual({ kind: 'invalid', problem: 'bad_characters' });
    expect(extractToken({}, withExtractor(() => 7 as unknown as string))).toEqual({ kind: 'invalid', problem: 'not_a_string' });
  });
  test('reports a throw as an error', () => {
    const boom = new Error('x');
    expect(extractToken({}, withExtractor(() => { throw boom; }))).toEqual({ kind: 'error', error: boom });
  });
});

describe('checkToken', () => {
  const ok = (value: string) => ({ token: value });
  test.each([
    ['an Amazon token', TOKEN, ok(TOKEN)],
    ['token68 characters and padding', 'Atza|aZ09-._~+/==', ok('Atza|aZ09-._~+/==')],
    ['a percent-encoded |, decoded once', 'Atza%7Cabc', ok('Atza|abc')],
    ['a double-encoded | (decoded once only, so % remains)', 'Atza%257Cabc', { problem: 'bad_characters' }],
    ['broken percent-encoding', 'Atza%E0%A4%A', { problem: 'bad_characters' }],
    ['a space', 'Atza|a b', { problem: 'bad_characters' }],
    ['a quote', 'Atza|a"b', { problem: 'bad_characters' }],
    ['a comma', 'Atza|a,b', { problem: 'bad_characters' }],
    ['a CR LF', 'Atza|a\r\nb', { problem: 'bad_characters' }],
    ['a NUL', 'Atza|a\u0000', { problem: 'bad_characters' }],
    ['non-ASCII', 'Atza|é', { problem: 'bad_characters' }],
    ['= inside', 'Atza|a=b', { problem: 'bad_characters' }],
    ['empty', '', { problem: 'bad_characters' }],
  ])('%s', (_name, value, expected) => {
    expect(checkToken(value)).toEqual(expected);
  });

  test('a value over three times the cap is too long before anything else is looked at; at exactly three times, its characters are checked', () => {
    const bad = (length: number): string => `Atza|${' '.repeat(length - 5)}`;
    expect(checkToken(bad(MAX_TOKEN_BYTES * 3 + 1))).toEqual({ problem: 'too_long' });
    expect(checkToken(bad(MAX_TOKEN_BYTES * 3))).toEqual({ problem: 'bad_characters' });
  });

  test('accepts 2048 bytes and rejects 2049', () => {
    expect(MAX_TOKEN_BYTES).toBe(2048);
    const exact = `Atza|${'a'.repeat(2043)}`;
    expect(checkToken(exact)).toEqual(ok(exact));
    expect(checkToken(`${exact}a`)).toEqual({ problem: 'too_long' });
  });

  test('measures an encoded token after decoding, and rejects a huge one before decoding', () => {
    const encoded = `Atza%7C${'a'.repeat(2043)}`;
    expect(checkToken(encoded)).toEqual(ok(`Atza|${'a'.repeat(2043)}`));
    expect(checkToken('%41'.repeat(5000))).toEqual({ problem: 'too_long' });
  });
});
