/** Exactly one Passport action per request, as Passport drives a strategy (Object.create + actions), and an action that throws. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonCodeExchangeStrategy } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ANDROID_REDIRECT, appCodeOptions, bodyOf, toUser } from '../helpers/app-code.js';

let amazon: FakeAmazon;
let strategy: LoginWithAmazonCodeExchangeStrategy;
beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.appactions', redirectURIs: [ANDROID_REDIRECT] });
  strategy = new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), toUser);
});
afterAll(async () => { await amazon.close(); });

type Seen = [string, unknown];

/** Runs authenticate() on a Passport-style copy whose actions record what they get; `throwing` names an action that throws. */
function run(req: unknown, throwing?: string): Promise<Seen[]> {
  return new Promise((resolve) => {
    const seen: Seen[] = [];
    const copy = Object.create(strategy) as LoginWithAmazonCodeExchangeStrategy & Record<string, (...args: unknown[]) => void>;
    for (const action of ['success', 'fail', 'redirect', 'error', 'pass']) {
      copy[action] = (...args: unknown[]) => {
        seen.push([action, args[0]]);
        setTimeout(() => { resolve(seen); }, 50);
        if (action === throwing) throw new Error(`${action} threw`);
      };
    }
    copy.authenticate(req);
  });
}

describe('Passport actions', () => {
  test('a sign-in ends in one success(), after an await (never inside authenticate()\'s own call)', async () => {
    let returned = false;
    const seen = run({ body: bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })) });
    returned = true;
    const actions = await seen;
    expect(actions.map(([action]) => action)).toEqual(['success']);
    expect(returned).toBe(true);
  });

  test('a request that is not an object, or has no body, ends in one fail()', async () => {
    expect((await run(undefined)).map(([action]) => action)).toEqual(['fail']);
    expect((await run({ body: 'code=x' })).map(([action]) => action)).toEqual(['fail']);
  });

  test('a body whose getter throws (a hostile or broken request object) ends in one error()', async () => {
    const hostile = { get body(): unknown { throw new Error('body getter threw'); } };
    const seen = await run(hostile);
    expect(seen).toEqual([['error', new Error('body getter threw')]]);
    const proxy = { body: new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error('trap threw'); } }) };
    expect((await run(proxy)).map(([action]) => action)).toEqual(['error']);
  });

  test('a success() that throws goes to error(), once', async () => {
    const seen = await run({ body: bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })) }, 'success');
    expect(seen.map(([action]) => action)).toEqual(['success', 'error']);
    expect(seen[1]?.[1]).toEqual(new Error('success threw'));
  });

  test('a fail() that throws goes to error()', async () => {
    const seen = await run({ body: {} }, 'fail');
    expect(seen.map(([action]) => action)).toEqual(['fail', 'error']);
  });

  test('an error() that throws reaches Express\'s req.next', async () => {
    amazon.fault('token', { status: 500, times: 1 });
    const passed: unknown[] = [];
    const seen = await run({ body: bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })), next: (err: unknown) => { passed.push(err); } }, 'error');
    expect(seen.map(([action]) => action)).toEqual(['error']);
    expect(passed).toEqual([new Error('error threw')]);
    amazon.reset();
  });
});
