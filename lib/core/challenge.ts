/** The `error` values of RFC 6750 §3.1. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

const MAX_DESCRIPTION = 200;

/** A quoted-string value: visible ASCII and space only, with `"` and `\` escaped. */
function quote(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * RFC 6750 allows only %x20-21 / %x23-5B / %x5D-7E in `error_description`: no quote, no
 * backslash, no control or non-ASCII characters. Those are dropped, not escaped.
 */
function description(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '').trim().slice(0, MAX_DESCRIPTION);
}

/**
 * Builds a `WWW-Authenticate: Bearer` value. Whatever the inputs hold, the result is one header
 * line: no CR/LF, no unescaped quote.
 *
 * @example challenge('Users', 'invalid_token') // 'Bearer realm="Users", error="invalid_token"'
 */
export function challenge(realm: string, error?: BearerErrorCode, errorDescription?: unknown): string {
  let value = `Bearer realm=${quote(realm)}`;
  if (error === undefined) return value;
  value += `, error="${error}"`;
  const text = typeof errorDescription === 'string' ? description(errorDescription) : '';
  if (text !== '') value += `, error_description="${text}"`;
  return value;
}
