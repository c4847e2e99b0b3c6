import http from 'node:http';
import { FakeAmazonServer } from './fake-amazon.js';
import { checkOptions, type FakeAmazon, type FakeAmazonOptions } from './options.js';

/**
 * Starts a fake Login with Amazon on `127.0.0.1` (a free port) that speaks both endpoints like
 * Amazon does: tokeninfo (`access_token` query or `x-amz-access-token` header) and the customer
 * profile (also `Authorization: Bearer`), with scopes, expiry, revocation and programmable faults.
 *
 * @example
 * const amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.test' });
 * const token = amazon.issueToken({ user_id: 'amzn1.account.A1', name: 'Ada' }, { scopes: ['profile'] });
 * new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints }, verify);
 * await amazon.close();
 */
export async function createFakeAmazon(options: FakeAmazonOptions = {}): Promise<FakeAmazon> {
  const resolved = checkOptions(options);
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return new FakeAmazonServer(server, resolved);
}
