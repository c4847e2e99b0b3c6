/**
 * LoginWithAmazonOAuth2Strategy checked to the letter, in-process as Passport drives it (a copy
 * whose actions record what they get) against the fake Amazon: odd requests and queries, refresh()
 * refusals, the scope string of authenticate(), the callback's code length and error= parameter,
 * and which action an exception in a Passport action ends in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { CALLBACK_MESSAGES, LoginWithAmazonError, LoginWithAmazonOAuth2Strategy, type LoginWithAmazonAuthenticateOptions, type StateStore } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { codeGrantOptions, toUser } from '../helpers/code-grant-app.js';

const CALLBACK_URL = 'https://app.example.com/auth/amazon/callback';
const NO_SESSION_START = 'LoginWithAmazonOAuth2Strategy keeps its state in req.session';
let amazon: FakeAmazon;
let strategy: LoginWithAmazonOAuth2Strategy;

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.strategychecks', user: { user_id: 'amzn1.account.CHECKS', name: 'Ada' } });
  amazon.allowRedirectURI(CALLBACK_URL);
  strategy = new LoginWithAmazonOAuth2Strategy(codeGrantOptions(amazon, CALLBACK_URL), toUser);
});
afterAll(async () => { await amazon.close(); });
afterEach(() => { amazon.reset(); });

type Seen = [string, unknown];

/**
 * Runs authenticate() on a Passport-style copy of `target`; resolves with every action seen 30 ms
 * after the first. `throwing` names actions that throw when called.
 */
function run(req: unknown, options?: LoginWithAmazonAuthenticateOptions, target = strategy, throwing: string[] = []): Promise<Seen[]> {
  return new Promise((resolve) => {
    const seen: Seen[] = [];
    const copy = Object.create(target) as LoginWithAmazonOAuth2Strategy & Record<string, (...args: unknown[]) => void>;
    for (const action of ['success', 'fail', 'redirect', 'error', 'pass']) {
      copy[action] = (...args: unknown[]) => {
        seen.push([action, action === 'fail' ? [args[0], args[1]] : args[0]]);
        if (seen.length === 1) setTimeout(() => { resolve(seen); }, 30);
        if (throwing.includes(action)) throw new Error(`${action} threw`);
      };
    }
    copy.authenticate(req, options);
  });
}

/** The redirect leg on a fresh session: that session and the authorization page URL. */
async function redirectLeg(options: LoginWithAmazonAuthenticateOptions = {}): Promise<{ session: Record<string, unknown>; url: URL }> {
  const session: Record<string, unknown> = {};
  const seen = await run({ session, query: {} }, options);
  expect(seen.map(([action]) => action)).toEqual(['redirect']);
  return { session, url: new URL(seen[0]?.[1] as string) };
}

/** A pending sign-in of a fresh session: the session, its state, and the code Amazon redirected back with. */
async function pendingSignIn(): Promise<{ session: Record<string, unknown>; state: string; code: string }> {
  const { session, url } = await redirectLeg();
  const res = await fetch(url, { redirect: 'manual' });
  const back = new URL(res.headers.get('location') ?? '');
  return { session, state: back.searchParams.get('state') ?? '', code: back.searchParams.get('code') ?? '' };
}

describe('requests of odd shapes', () => {
  test('a null request is the redirect leg (no query is read from it): error() for the missing session', async () => {
    const seen = await run(null);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toBe('error');
    expect((seen[0]?.[1] as Error).message).toMatch(new RegExp(`^${NO_SESSION_START}`));
  });

  test('a function request with a callback query is not read as a callback: the redirect leg\'s missing-session error()', async () => {
    const req = Object.assign(() => undefined, { query: { state: 'x'.repeat(43), code: 'c' } });
    const seen = await run(req);
    expect(seen.map(([action]) => action)).toEqual(['error']);
    expect((seen[0]?.[1] as Error).message).toMatch(new RegExp(`^${NO_SESSION_START}`));
  });

  test('a null query is no query: the redirect leg', async () => {
    const seen = await run({ session: {}, query: null });
    expect(seen.map(([action]) => action)).toEqual(['redirect']);
  });
});

describe('refresh() refusals', () => {
  test.each<[string, unknown]>([['undefined', undefined], ['a number', 42], ['null', null], ['the empty string', '']])(
    'a refresh token that is %s rejects with a TypeError and asks nothing of Amazon',
    async (_name, token) => {
      await expect(strategy.refresh(token as string)).rejects.toStrictEqual(new TypeError('"refreshToken" must be a non-empty string'));
      expect(amazon.calls.token).toBe(0);
      expect(amazon.requests).toEqual([]);
    },
  );
});

describe('a leg that rejects with a non-Error value', () => {
  test('error() gets an Error with the fixed message and the value as its cause', async () => {
    // A store (or a library under it) may reject with anything: here a bare string.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const store: StateStore = { save: () => Promise.reject('disk full'), take: () => Promise.resolve(undefined) };
    const target = new LoginWithAmazonOAuth2Strategy({ ...codeGrantOptions(amazon, CALLBACK_URL), store }, toUser);
    const seen = await run({ query: {}, res: { append: () => undefined } }, {}, target);
    expect(seen.map(([action]) => action)).toEqual(['error']);
    const err = seen[0]?.[1] as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('authentication failed with a non-Error value');
    expect(err.cause).toBe('disk full');
  });
});

describe('a Passport action that throws', () => {
  test('an error() that throws is not called again: the exception goes to req.next', async () => {
    const next = jest.fn();
    const seen = await run({ query: null, next }, {}, strategy, ['error']);
    expect(seen.map(([action]) => action)).toEqual(['error']);
    expect((seen[0]?.[1] as Error).message).toMatch(new RegExp(`^${NO_SESSION_START}`));
    expect(next).toHaveBeenCalledTimes(1);
    expect(next).toHaveBeenCalledWith(new Error('error threw'));
  });
});

describe('scope given to authenticate() as a string', () => {
  test.each(['profile  postal_code', ' profile postal_code ', 'profile   postal_code  '])(
    '%o with extra spaces asks for the two scopes',
    async (scope) => {
      const { url } = await redirectLeg({ scope });
      expect(url.searchParams.get('scope')).toBe('profile postal_code');
    },
  );
});

describe('the callback\'s code', () => {
  test('the empty code fails "authorization code missing" (400) without a call to Amazon', async () => {
    const { session, state } = await pendingSignIn();
    const seen = await run({ session, query: { state, code: '' } });
    expect(seen).toEqual([['fail', [{ message: CALLBACK_MESSAGES.noCode }, 400]]]);
    expect(amazon.calls.token).toBe(0);
  });

  test('a code of 2049 characters fails "authorization code missing" (400) without a call to Amazon', async () => {
    const { session, state } = await pendingSignIn();
    const seen = await run({ session, query: { state, code: 'A'.repeat(2049) } });
    expect(seen).toEqual([['fail', [{ message: CALLBACK_MESSAGES.noCode }, 400]]]);
    expect(amazon.calls.token).toBe(0);
  });

  test('a code of 2048 characters is sent to Amazon (which rejects it: invalid grant, 401)', async () => {
    const { session, state } = await pendingSignIn();
    const seen = await run({ session, query: { state, code: 'A'.repeat(2048) } });
    expect(seen).toEqual([['fail', [{ message: CALLBACK_MESSAGES.invalidGrant }, 401]]]);
    expect(amazon.calls.token).toBe(1);
  });

  test('Amazon\'s own code signs in', async () => {
    const { session, state, code } = await pendingSignIn();
    const seen = await run({ session, query: { state, code } });
    expect(seen.map(([action]) => action)).toEqual(['success']);
    expect(amazon.calls.token).toBe(1);
  });
});

describe('the callback\'s error=', () => {
  const MESSAGE = 'Amazon\'s authorization page answered with an error';

  async function errorOf(error: unknown): Promise<LoginWithAmazonError> {
    const { session, state } = await pendingSignIn();
    const seen = await run({ session, query: { state, error } });
    expect(seen.map(([action]) => action)).toEqual(['error']);
    const err = seen[0]?.[1] as LoginWithAmazonError;
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    expect(err.code).toBe('LWA_AUTHORIZATION_ERROR');
    expect(err.message).toBe(MESSAGE);
    return err;
  }

  test('an error code is reported as upstreamError, with the fixed message', async () => {
    expect((await errorOf('server_error')).upstreamError).toBe('server_error');
  });

  test.each(['!server_error', 'server_error!', ' server_error', 'server_error\n'])('%o is not an error code: no upstreamError', async (error) => {
    const err = await errorOf(error);
    expect(err.upstreamError).toBeUndefined();
  });

  test('an error= given twice (an array) is not an error code: no upstreamError', async () => {
    const err = await errorOf(['server_error']);
    expect(err.upstreamError).toBeUndefined();
  });

  test('access_denied fails "access denied" (401)', async () => {
    const { session, state } = await pendingSignIn();
    expect(await run({ session, query: { state, error: 'access_denied' } })).toEqual([['fail', [{ message: CALLBACK_MESSAGES.accessDenied }, 401]]]);
  });
});
