/**
 * `POST /tokens` on a fake created with `tokenRoute: true` (the CLI's `fake` command turns it on):
 * issues a token of a kind a test or a person asks for, without access to the fake's object.
 */
import type { FakeProfile, IssueTokenOptions } from './tokens.js';

/** The path of the route. */
export const TOKEN_ROUTE = '/tokens';

/** What `?kind=` may ask for. */
export const TOKEN_KINDS = ['valid', 'expired', 'revoked', 'other-audience'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** Client id of the tokens of kind `other-audience`. */
export const OTHER_AUDIENCE = 'amzn1.application-oa2-client.someone-else';

interface Issuer {
  issueToken(profile?: FakeProfile, options?: IssueTokenOptions): string;
  revoke(token: string): boolean;
}

/**
 * The answer to `POST /tokens?kind=…[&user_id=…&name=…&email=…]`: `{ token, kind }` (200), or an
 * `invalid_request` error for another method (405) or an unknown kind (400).
 */
export function tokenRouteAnswer(method: string | undefined, url: URL, fake: Issuer): { status: number; body: unknown; headers?: Record<string, string> } {
  if (method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'POST only' }, headers: { allow: 'POST' } };
  const kind = url.searchParams.get('kind') ?? 'valid';
  if (!(TOKEN_KINDS as readonly string[]).includes(kind)) {
    return { status: 400, body: { error: 'invalid_request', error_description: `kind must be one of: ${TOKEN_KINDS.join(', ')}` } };
  }
  const profile: FakeProfile = {};
  for (const field of ['user_id', 'name', 'email', 'postal_code'] as const) {
    const value = url.searchParams.get(field);
    if (value !== null && value !== '') profile[field] = value;
  }
  const options: IssueTokenOptions = kind === 'expired' ? { expiresIn: 0 } : kind === 'other-audience' ? { aud: OTHER_AUDIENCE } : {};
  const token = fake.issueToken(profile, options);
  if (kind === 'revoked') fake.revoke(token);
  return { status: 200, body: { token, kind } };
}
