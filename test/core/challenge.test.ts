import { describe, expect, test } from '@jest/globals';
import { challenge } from '../../lib/core/challenge.js';

describe('challenge', () => {
  test.each([
    [['Users'], 'Bearer realm="Users"'],
    [['Users', 'invalid_request'], 'Bearer realm="Users", error="invalid_request"'],
    [['Users', 'invalid_token', 'token has expired'], 'Bearer realm="Users", error="invalid_token", error_description="token has expired"'],
    [['Users', 'insufficient_scope', ''], 'Bearer realm="Users", error="insufficient_scope"'],
  ] as const)('%j -> %s', (args, expected) => {
    expect(challenge(...(args as unknown as Parameters<typeof challenge>))).toBe(expected);
  });

  test('escapes quotes and backslashes in the realm and drops control characters', () => {
    expect(challenge('a "b" \\c\r\nd\u0000é')).toBe('Bearer realm="a \\"b\\" \\\\cd"');
  });

  test('drops characters RFC 6750 forbids in error_description', () => {
    expect(challenge('R', 'invalid_token', 'say "hi"\\ \r\nX-Injected: yes\u00e9\t')).toBe(
      'Bearer realm="R", error="invalid_token", error_description="say hi X-Injected: yes"',
    );
  });

  test('ignores a description that is not a string, and caps a long one', () => {
    expect(challenge('R', 'invalid_token', { message: 'x' })).toBe('Bearer realm="R", error="invalid_token"');
    const value = challenge('R', 'invalid_token', 'x'.repeat(1000));
    expect(value.length).toBeLessThan(300);
  });

  test('omits a description that is empty after cleaning', () => {
    expect(challenge('R', 'invalid_token', '\r\n"""')).toBe('Bearer realm="R", error="invalid_token"');
  });
});

describe('error_description is trimmed', () => {
  test('spaces around the text go; spaces alone are no description', () => {
    expect(challenge('R', 'invalid_token', '  token has expired  ')).toBe('Bearer realm="R", error="invalid_token", error_description="token has expired"');
    expect(challenge('R', 'invalid_token', '   ')).toBe('Bearer realm="R", error="invalid_token"');
  });
});
