/** Exactly one Passport action per request, as Passport drives a strategy (Object.create + actions). */
import { describe, expect, test } from '@jest/globals';
import { CALLBACK_MESSAGES, LoginWithAmazonOAuth2Strategy } from '../../lib/index.js';

const strategy = new LoginWithAmazonOAuth2Strategy({
  clientID: 'amzn1.application-oa2-client.actions', clientSecret: 'secret-for-actions-0123456789', callbackURL: 'https://app.example.com/cb',
}, () => false);

type Seen = [string, unknown];

/** Runs authenticate() on a Passport-style copy whose actions record what they get; `throwing` names an action that throws. */
function run(req: unknown, throwing?: string, withOptions = true): Promise<Seen[]> {
  return new Promise((resolve) => {
    const seen: Seen[] = [];
    const copy = Object.create(strategy) as LoginWithAmazonOAuth2Strategy & Record<string, (...args: unknown[]) => void>;
    for (const action of ['success', 'fail', 'redirect', 'error', 'pass']) {
      copy[action] = (...args: unknown[]) => {
        seen.push([action, args[0]]);
        if (action === throwing) throw new Error(`${action} threw`);
        setTimeout(() => { resolve(seen); }, 20);
      };
    }
    if (withOptions) copy.authenticate(req, {});
    else copy.authenticate(req);
  });
}

describe('Passport actions', () => {
  test('the redirect leg ends in one redirect()', async () => {
    const seen = await run({ session: {}, query: {} });
    expect(seen.map(([action]) => action)).toEqual(['redirect']);
  });

  test('a redirect() that throws goes to error(), once', async () => {
    const seen = await run({ session: {}, query: {} }, 'redirect');
    expect(seen.map(([action]) => action)).toEqual(['redirect', 'error']);
    expect(seen[1]?.[1]).toEqual(new Error('redirect threw'));
  });

  test('a fail() that throws goes to error()', async () => {
    const seen = await run({ session: {}, query: { error: 'access_denied' } }, 'fail');
    expect(seen).toEqual([['fail', { message: CALLBACK_MESSAGES.badState }], ['error', new Error('fail threw')]]);
  });

  test('a request without a query object is the redirect leg; options may be left out', async () => {
    expect((await run({ session: {} }, undefined, false)).map(([action]) => action)).toEqual(['redirect']);
  });
});
