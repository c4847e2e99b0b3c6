import nock from 'nock';

export const NA = 'https://api.amazon.com';
export const CLIENT_ID = 'amzn1.application-oa2-client.0123456789abcdef0123456789abcdef';
export const APP_ID = 'amzn1.application.0123456789abcdef0123456789abcdef';
export const USER_ID = 'amzn1.account.K2LI23KL2LK2';

/** A token shaped like Amazon's: `Atza|` and 400 URL-safe characters. */
export function makeToken(seed = 'x'): string {
  return `Atza|IwEB${seed}${'Ab1-_'.repeat(80)}`.slice(0, 405);
}

export const TOKEN = makeToken();

export function tokenInfoBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: 'https://www.amazon.com', user_id: USER_ID, aud: CLIENT_ID, app_id: APP_ID, exp: 3597, iat: 1311280970, ...overrides };
}

export function profileBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { user_id: USER_ID, email: 'mhashimoto-04@plaxo.com', name: 'Mork Hashimoto', postal_code: '98052', ...overrides };
}

type Reply = [number, unknown] | [number, unknown, Record<string, string>];

/**
 * Intercepts one GET of `path` that carries the token in `x-amz-access-token` and has no query
 * string (so a token can never have been put in the URL).
 */
export function intercept(path: '/auth/o2/tokeninfo' | '/user/profile', token: string = TOKEN, host = NA): nock.Interceptor {
  return nock(host)
    .get((uri) => uri === path)
    .matchHeader('x-amz-access-token', token);
}

/** The usual happy pair: tokeninfo and profile both approve `token`. */
export function mockAmazon(options: { token?: string; tokenInfo?: Reply; profile?: Reply; optionalProfile?: boolean } = {}): void {
  const token = options.token ?? TOKEN;
  const [tiStatus, tiBody, tiHeaders] = options.tokenInfo ?? [200, tokenInfoBody()];
  intercept('/auth/o2/tokeninfo', token).reply(tiStatus, tiBody as nock.Body, tiHeaders);
  const [pStatus, pBody, pHeaders] = options.profile ?? [200, profileBody()];
  const profile = intercept('/user/profile', token);
  if (options.optionalProfile) profile.optionally();
  profile.reply(pStatus, pBody as nock.Body, pHeaders);
}

/** Counts every request that reaches Amazon's host; `stop()` removes the trap (call it in the test). */
export function countUpstream(host = NA): { count: () => number; stop: () => void } {
  let count = 0;
  nock(host).persist().get(/.*/).reply(() => {
    count += 1;
    return [500, 'unexpected upstream call'];
  });
  return { count: () => count, stop: () => nock.cleanAll() };
}
