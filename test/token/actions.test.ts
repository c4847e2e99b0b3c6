/**
 * LoginWithAmazonStrategy's Passport actions, driven by hand: the arguments of fail(), what wraps a
 * value that is not an Error, and where an exception of the error action goes when the strategy
 * decided synchronously.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type LoginWithAmazonBaseOptions } from '../../lib/index.js';

const verify = (): void => undefined;
const build = (options: Partial<LoginWithAmazonBaseOptions> = {}): LoginWithAmazonStrategy =>
  new LoginWithAmazonStrategy({ clientID: 'client-a', tokenInfoURL: 'http://127.0.0.1:9/ti', profileURL: 'http://127.0.0.1:9/p', ...options }, verify);

type Calls = { fail: unknown[][]; error: unknown[][] };
/** Runs authenticate() on a copy with recording actions; resolves at the first action. */
function run(strategy: LoginWithAmazonStrategy, req: unknown, error?: (err: Error) => void): { calls: Calls; done: Promise<void> } {
  const calls: Calls = { fail: [], error: [] };
  const done = new Promise<void>((resolve) => {
    const copy = Object.assign(Object.create(strategy) as LoginWithAmazonStrategy, {
      fail: (...args: unknown[]) => { calls.fail.push(args); resolve(); },
      error: (err: Error) => { calls.error.push([err]); resolve(); error?.(err); },
      success: () => { resolve(); },
    });
    copy.authenticate(req);
  });
  return { calls, done };
}

const request = (headers: Record<string, string>): unknown => ({ headers, query: {}, body: {} });

describe('fail()', () => {
  test('a 401 is fail(challenge) with no status argument (Passport adds WWW-Authenticate to its own 401); a 400 names its status', async () => {
    const none = run(build(), request({}));
    await none.done;
    expect(none.calls.fail).toStrictEqual([['Bearer realm="Users"']]);
    const malformed = run(build(), request({ authorization: 'Bearer a b' }));
    await malformed.done;
    expect(malformed.calls.fail).toEqual([[expect.stringMatching(/^Bearer realm="Users", error="invalid_request"/), 400]]);
  });
});

describe('values that are not Errors', () => {
  test('tokenFromRequest throwing a string is an error() with a message of its own, the string as its cause', async () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a value that is not an Error is the point
    const { calls, done } = run(build({ tokenFromRequest: () => { throw 'no token here'; } }), request({}));
    await done;
    expect(calls.error).toEqual([[expect.objectContaining({ message: 'tokenFromRequest threw a non-Error value', cause: 'no token here' })]]);
  });

  test('a validator rejecting with a non-Error is an error() with a message of its own', async () => {
    const strategy = build();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a value that is not an Error is the point
    (strategy as unknown as { validator: unknown }).validator = { validate: () => Promise.reject(new Map()) };
    const { calls, done } = run(strategy, request({ authorization: 'Bearer Atza|x' }));
    await done;
    expect(calls.error).toEqual([[expect.objectContaining({ message: 'token validation failed with a non-Error value' })]]);
  });
});

describe('an error action that throws', () => {
  test('decided within authenticate(): the exception goes back to the caller (the framework), not to req.next', () => {
    const next = jest.fn();
    const boom = new Error('the error action threw');
    const strategy = build({ tokenFromRequest: () => { throw new Error('extraction failed'); } });
    const copy = Object.assign(Object.create(strategy) as LoginWithAmazonStrategy, { error: () => { throw boom; } });
    expect(() => { copy.authenticate({ headers: {}, query: {}, body: {}, next }); }).toThrow(boom);
    expect(next).not.toHaveBeenCalled();
  });
});
