/**
 * Behaviour that differs between the Node lines CI runs (README "Tested Node versions"), pinned
 * here so that a change in Node or in got shows up as a failing test, not as a surprise.
 */
import diagnostics from 'node:diagnostics_channel';
import { beforeAll, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { LoginWithAmazonError, LoginWithAmazonStrategy } from '../lib/index.js';
import { CLIENT_ID, TOKEN, authenticate, refusedURL } from './faults/helpers.js';

/**
 * Node 24.20+ and 26.7+ (nodejs/node#64847) follow the error of a socket that never connected
 * (refused, DNS failure) with a second one, ERR_SOCKET_CLOSED_BEFORE_CONNECTION. got 14 takes that
 * second error as final and drops the retry it had planned (got#2469; fixed in got 16, which
 * needs Node 22). Checked on real binaries: 24.19.0 and 26.6.0 retry, 24.20.0 and 26.7.0 do not;
 * Node 20 and 22 (up to 22.23.5) are not affected.
 */
function socketClosesBeforeConnection(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return (major === 24 && minor >= 20) || (major === 26 && minor >= 7) || major > 26;
}

beforeAll(() => {
  // Node's own net and http, as in production: no interceptor between got and the socket.
  nock.restore();
});

describe(`a refused connection on Node ${process.versions.node}`, () => {
  test('ends in error(LWA_NETWORK, 502); the retry and cause.code depend on the Node line', async () => {
    const strategy = new LoginWithAmazonStrategy({
      clientID: CLIENT_ID, cache: false, retries: 1,
      tokenInfoURL: await refusedURL('/auth/o2/tokeninfo'), profileURL: await refusedURL('/user/profile'),
    }, () => { throw new Error('verify must not run'); });
    let sockets = 0;
    const count = (): void => { sockets += 1; };
    diagnostics.subscribe('net.client.socket', count);
    try {
      const run = authenticate(strategy, { headers: { authorization: `Bearer ${TOKEN}` } });
      const action = await run.first;
      await new Promise((resolve) => setTimeout(resolve, 200)); // a late retry (50 ms) would show
      expect(run.actions).toHaveLength(1);
      expect(action.type).toBe('error');
      const err = (action as { err: unknown }).err;
      expect(err).toBeInstanceOf(LoginWithAmazonError);
      expect(err).toMatchObject({ code: 'LWA_NETWORK', status: 502, endpoint: 'tokeninfo' });
      // Where the socket closes before connecting: no retry, 2 sockets. Elsewhere tokeninfo is tried
      // twice and the profile call once or twice (it is cancelled when tokeninfo fails): 3 or more.
      const closesEarly = socketClosesBeforeConnection();
      expect({ cause: ((err as Error).cause as { code?: unknown }).code, socketsAsExpected: closesEarly ? sockets === 2 : sockets >= 3 })
        .toEqual({ cause: closesEarly ? 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION' : 'ECONNREFUSED', socketsAsExpected: true });
    } finally {
      diagnostics.unsubscribe('net.client.socket', count);
    }
  });
});
