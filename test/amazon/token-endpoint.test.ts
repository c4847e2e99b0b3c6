/**
 * TokenEndpoint on its own, with a stand-in for the client's postForm(): how it authenticates the
 * client, how each non-200 answer maps to an error, and what it shows of itself.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, jest, test } from '@jest/globals';
import { TokenEndpoint, type TokenEndpointOptions } from '../../lib/amazon/token-endpoint.js';
import { verifierDeriver } from '../../lib/amazon/pkce.js';
import type { AmazonClient } from '../../lib/amazon/client.js';
import type { UpstreamAnswer } from '../../lib/amazon/http.js';

const TOKEN_URL = 'https://amazon.example/auth/o2/token';
const SECRET = 'the client secret, 0123456789';
const GOOD = JSON.stringify({ access_token: 'Atza|access', refresh_token: 'Atzr|refresh', token_type: 'bearer', expires_in: 3600 });

type Mapper = (answer: UpstreamAnswer) => Error | undefined;
function endpoint(answer: UpstreamAnswer, options: Partial<TokenEndpointOptions> = {}) {
  const postForm = jest.fn(async (_url: string, _form: Record<string, string>, _headers: Record<string, string>, _map: Mapper) => answer);
  const client = { postForm } as unknown as AmazonClient;
  const token = new TokenEndpoint(client, { tokenURL: TOKEN_URL, clientID: 'cid', clientSecret: SECRET, clientAuthentication: 'body', ...options });
  return { token, postForm };
}
const answer = (status: number, raw = '', requestId?: string): UpstreamAnswer => ({ status, raw, requestId });

describe('non-200 answers of the token endpoint', () => {
  test.each<[string, UpstreamAnswer, string, string, Record<string, unknown>]>([
    ['400 invalid_grant', answer(400, '{"error":"invalid_grant"}', 'req-1'), 'LWA_INVALID_GRANT', 'token endpoint rejected the grant', { upstreamStatus: 400, upstreamError: 'invalid_grant', requestId: 'req-1' }],
    ['401 invalid_grant (a 401 is the client refused)', answer(401, '{"error":"invalid_grant"}'), 'LWA_CLIENT_AUTH', 'token endpoint refused the client credentials: check "clientID" and "clientSecret"', { upstreamStatus: 401, upstreamError: 'invalid_grant' }],
    ['401 with no body', answer(401), 'LWA_CLIENT_AUTH', 'token endpoint refused the client credentials: check "clientID" and "clientSecret"', { upstreamStatus: 401 }],
    ['400 invalid_client', answer(400, '{"error":"invalid_client"}'), 'LWA_CLIENT_AUTH', 'token endpoint refused the client credentials: check "clientID" and "clientSecret"', { upstreamStatus: 400, upstreamError: 'invalid_client' }],
    ['400 unauthorized_client', answer(400, '{"error":"unauthorized_client"}'), 'LWA_CLIENT_AUTH', 'token endpoint refused the client credentials: check "clientID" and "clientSecret"', { upstreamStatus: 400, upstreamError: 'unauthorized_client' }],
    ['400 invalid_request', answer(400, '{"error":"invalid_request"}', 'req-2'), 'LWA_UPSTREAM_STATUS', 'token answered an unexpected HTTP status', { upstreamStatus: 400, upstreamError: 'invalid_request', requestId: 'req-2' }],
    ['500 with no body', answer(500), 'LWA_UPSTREAM_STATUS', 'token answered an unexpected HTTP status', { upstreamStatus: 500 }],
  ])('%s', async (_, given, code, message, details) => {
    const { token } = endpoint(given);
    const error = await token.exchange('code', 'verifier', 'https://app.example/cb').then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'LoginWithAmazonError', code, message, endpoint: 'token', ...details });
    expect((error as { requestId?: string }).requestId).toBe(details.requestId);
    expect((error as { upstreamError?: string }).upstreamError).toBe(details.upstreamError);
  });

  test('the error postForm is handed maps every answer but a 200, the same way', async () => {
    const { token, postForm } = endpoint(answer(200, GOOD));
    await token.refresh('Atzr|refresh');
    const map = postForm.mock.calls[0]?.[3] as Mapper;
    expect(map(answer(200, GOOD))).toBeUndefined();
    expect(map(answer(400, '{"error":"invalid_grant"}'))).toMatchObject({ code: 'LWA_INVALID_GRANT' });
  });

  test('a 200 whose body is not JSON is LWA_BAD_RESPONSE with the status and the request id', async () => {
    const { token } = endpoint(answer(200, '<html>', 'req-3'));
    await expect(token.refresh('Atzr|refresh')).rejects.toMatchObject({ code: 'LWA_BAD_RESPONSE', upstreamStatus: 200, requestId: 'req-3' });
    await expect(endpoint(answer(200, '<html>')).token.refresh('Atzr|refresh')).rejects.toMatchObject({ code: 'LWA_BAD_RESPONSE', upstreamStatus: 200, requestId: undefined });
  });
});

describe('how the client authenticates', () => {
  test('body: the secret is in the form, no Authorization header', async () => {
    const { token, postForm } = endpoint(answer(200, GOOD));
    await token.exchange('the-code', 'the-verifier', 'https://app.example/cb');
    expect(postForm.mock.calls[0]?.slice(0, 3)).toEqual([TOKEN_URL, { grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'https://app.example/cb', code_verifier: 'the-verifier', client_id: 'cid', client_secret: SECRET }, {}]);
  });

  test('basic: id and secret form-encoded (a space is +) in the header, not in the form', async () => {
    const { token, postForm } = endpoint(answer(200, GOOD), { clientID: 'c id', clientSecret: 's é:t', clientAuthentication: 'basic' });
    await token.refresh('Atzr|refresh');
    expect(postForm.mock.calls[0]?.slice(1, 3)).toEqual([
      { grant_type: 'refresh_token', refresh_token: 'Atzr|refresh', client_id: 'c id' },
      { authorization: `Basic ${Buffer.from('c+id:s+%C3%A9%3At').toString('base64')}` },
    ]);
  });

  test('a public client (no secret) sends its id alone, with basic as with body', async () => {
    for (const clientAuthentication of ['basic', 'body'] as const) {
      const { token, postForm } = endpoint(answer(200, GOOD), { clientSecret: undefined, clientAuthentication });
      await token.exchange('the-code', 'the-verifier', 'amzn://app');
      expect(postForm.mock.calls[0]?.slice(1, 3)).toEqual([{ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'amzn://app', code_verifier: 'the-verifier', client_id: 'cid' }, {}]);
    }
  });
});

test('util.inspect and JSON show the endpoint, never the secret', () => {
  const { token } = endpoint(answer(200, GOOD));
  expect(inspect(token)).toBe(`TokenEndpoint { tokenURL: '${TOKEN_URL}' }`);
  expect(JSON.stringify(token)).toBe(JSON.stringify({ tokenURL: TOKEN_URL }));
});

test('PKCE verifiers: HKDF-SHA256 under a key of their own, as an independent computation gives them; the challenge is S256', () => {
  const key = Buffer.from(hkdfSync('sha256', SECRET, Buffer.alloc(0), 'passport-login-with-amazon/pkce-verifier-key/v1', 32));
  const expected = Buffer.from(hkdfSync('sha256', key, Buffer.from('seed-1', 'utf8'), 'code_verifier', 48)).toString('base64url');
  const deriver = verifierDeriver(SECRET);
  expect(deriver.verifier('seed-1')).toBe(expected);
  expect(expected).toHaveLength(64);
  const { verifierSeed, challenge } = deriver.fresh();
  expect(challenge).toBe(createHash('sha256').update(deriver.verifier(verifierSeed)).digest('base64url'));
});
