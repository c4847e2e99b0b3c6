/** The app-code tests' leak check (test/helpers/app-code.ts) refuses a secret it cannot search for, instead of skipping it. */
import { describe, expect, test } from '@jest/globals';
import { accessTokenSent, expectClean, MIN_SEARCHABLE_SECRET } from '../helpers/app-code.js';
import type { FakeAmazon } from '../../lib/testing/index.js';

const SECRET = 'Atza|IwEBIleakhelper0123456789';

describe('expectClean', () => {
  test.each<[string, unknown[]]>([
    ['an empty access token', ['']],
    ['an empty one among good ones', [SECRET, '']],
    ['a refresh token that never came (undefined)', [SECRET, undefined]],
    ['a secret too short to search for', ['x'.repeat(MIN_SEARCHABLE_SECRET - 1)]],
    ['a non-string', [1234567890123456]],
    ['no secret at all', []],
  ])('throws for %s, whatever the value holds', (_name, secrets) => {
    expect(() => { expectClean('nothing secret in here', secrets); }).toThrow(/^expectClean: /);
  });

  test('fails when a secret shows, in full or in part', () => {
    expect(() => { expectClean(`oops ${SECRET}`, [SECRET]); }).toThrow();
    expect(() => { expectClean(new Error(`oops ${SECRET.slice(5, 40)}`), [SECRET]); }).toThrow();
  });

  test('passes when no secret shows', () => {
    expect(() => { expectClean(new Error('a fixed message'), [SECRET, 'x'.repeat(MIN_SEARCHABLE_SECRET)]); }).not.toThrow();
  });
});

describe('accessTokenSent', () => {
  test('throws when no profile request carried a token, rather than answering an empty string', () => {
    const amazon = { requests: [{ endpoint: 'token', headers: {} }] } as unknown as FakeAmazon;
    expect(() => accessTokenSent(amazon)).toThrow(/^accessTokenSent: /);
    const blank = { requests: [{ endpoint: 'profile', headers: { 'x-amz-access-token': '' } }] } as unknown as FakeAmazon;
    expect(() => accessTokenSent(blank)).toThrow(/^accessTokenSent: /);
  });
});
