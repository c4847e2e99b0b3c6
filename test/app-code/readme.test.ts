/** The guide "Sign in from a mobile app" (docs/mobile-app.md) and its options table state what the strategy does. */
import { expect, test } from '@jest/globals';
import { CODE_EXCHANGE_DEFAULTS, CODE_EXCHANGE_MESSAGES, LoginWithAmazonCodeExchangeStrategy } from '../../lib/index.js';
import { between, doc } from '../helpers/readme-blocks.js';

const section = (): string => doc('mobile-app');

const OPTIONS = ['clientID', 'clientSecret', 'redirectURIs', 'region', 'tokenURL', 'profileURL', 'timeout', 'retries', 'passReqToCallback', 'name', 'agent', 'allowedOrigins', 'maxWaitingForAmazon'];

test('the options table names every option the constructor takes, and no other', () => {
  const table = between(doc('options'), '<!-- options-table: LoginWithAmazonCodeExchangeOptions -->', '\n\n');
  const named = [...table.matchAll(/^\| ((?:`\w+`(?:, )?)+) \|/gm)].flatMap((m) => [...(m[1] ?? '').matchAll(/`(\w+)`/g)].map((n) => n[1]));
  expect(named.sort()).toEqual([...OPTIONS].sort());
  const every = { clientID: 'amzn1.application-oa2-client.readme', clientSecret: 's', redirectURIs: ['amzn://x'], region: 'EU', tokenURL: 'https://t.example/t', profileURL: 'https://p.example/p', timeout: 1, retries: 0, passReqToCallback: false, name: 'n', agent: {}, allowedOrigins: ['https://app.example'], maxWaitingForAmazon: 10 };
  expect(Object.keys(every).sort()).toEqual([...OPTIONS].sort());
  expect(() => new LoginWithAmazonCodeExchangeStrategy(every as never, () => false)).not.toThrow();
});

test('the outcome table quotes the invalid_grant and cross-site messages, the size cap and the default name', () => {
  const text = section();
  expect(text).toContain(`"${CODE_EXCHANGE_MESSAGES.invalidGrant}"`);
  expect(text).toContain(`403 "${CODE_EXCHANGE_MESSAGES.crossSite}"`);
  expect(text).toContain(`over ${String(CODE_EXCHANGE_DEFAULTS.maxCodeBytes)} bytes`);
  expect(text).toContain(`'${CODE_EXCHANGE_DEFAULTS.name}'`);
});
