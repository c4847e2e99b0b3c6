/**
 * The pending sign-ins of LoginWithAmazonOAuth2Strategy checked to the letter, as Passport drives
 * the strategy: what is recorded on the redirect leg, which callback states reach the store, the
 * expiry boundary, and the store's deadline timer left behind by none.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { CALLBACK_MESSAGES, LoginWithAmazonOAuth2Strategy, type LoginWithAmazonAuthenticateOptions, type StateStore, type StoredState } from '../../lib/index.js';

const OPTIONS = {
  clientID: 'amzn1.application-oa2-client.pendingchecks',
  clientSecret: 'amzn1.oa2-cs.v1.pending-checks-0123456789abcdef0123456789abcdef',
  callbackURL: 'https://app.example.com/auth/amazon/callback',
  stateTTL: 60_000,
};
const BAD_STATE: Seen = ['fail', [{ message: CALLBACK_MESSAGES.badState }, 403]];
const NO_CODE: Seen = ['fail', [{ message: CALLBACK_MESSAGES.noCode }, 400]];
/** A request with an Express-like response, for the binding cookie of an app's own store. */
const withResponse = (query: Record<string, unknown>): Record<string, unknown> => ({ query, res: { append: () => undefined } });

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

type Seen = [string, unknown];

/** Runs authenticate() on a Passport-style copy of `target`; resolves with the first action (args of fail() as a pair). */
function firstAction(target: LoginWithAmazonOAuth2Strategy, req: unknown, options: LoginWithAmazonAuthenticateOptions = {}): Promise<Seen> {
  return new Promise((resolve) => {
    const copy = Object.create(target) as LoginWithAmazonOAuth2Strategy & Record<string, (...args: unknown[]) => void>;
    for (const action of ['success', 'fail', 'redirect', 'error', 'pass']) {
      copy[action] = (...args: unknown[]) => { resolve([action, action === 'fail' ? [args[0], args[1]] : args[0]]); };
    }
    copy.authenticate(req, options);
  });
}

/** An app's own store that records what it is given and finds nothing. */
function recordingStore(): { store: StateStore; saved: StoredState[]; take: jest.Mock<() => Promise<undefined>> } {
  const saved: StoredState[] = [];
  const take = jest.fn(() => Promise.resolve(undefined));
  return { store: { save: (_req, _state, record) => { saved.push(record); return Promise.resolve(); }, take }, saved, take };
}

describe('the record of the redirect leg', () => {
  test('without authenticate()\'s state, the record has no appState at all', async () => {
    const { store, saved } = recordingStore();
    const target = new LoginWithAmazonOAuth2Strategy({ ...OPTIONS, store }, () => false);
    expect((await firstAction(target, withResponse({})))[0]).toBe('redirect');
    expect(saved).toHaveLength(1);
    expect(Object.keys(saved[0] ?? {})).not.toContain('appState');
  });

  test('with authenticate()\'s state, the record keeps it as appState', async () => {
    const { store, saved } = recordingStore();
    const target = new LoginWithAmazonOAuth2Strategy({ ...OPTIONS, store }, () => false);
    expect((await firstAction(target, withResponse({}), { state: { returnTo: '/cart' } }))[0]).toBe('redirect');
    expect(saved[0]?.appState).toEqual({ returnTo: '/cart' });
  });
});

describe('which callback states reach the store', () => {
  test('the empty state is refused without asking the store', async () => {
    const { store, take } = recordingStore();
    const target = new LoginWithAmazonOAuth2Strategy({ ...OPTIONS, store }, () => false);
    expect(await firstAction(target, withResponse({ state: '', code: 'c' }))).toEqual(BAD_STATE);
    expect(take).not.toHaveBeenCalled();
  });

  test('a state of 512 characters is looked up in the store', async () => {
    const { store, take } = recordingStore();
    const target = new LoginWithAmazonOAuth2Strategy({ ...OPTIONS, store }, () => false);
    const state = 'S'.repeat(512);
    expect(await firstAction(target, withResponse({ state, code: 'c' }))).toEqual(BAD_STATE);
    expect(take).toHaveBeenCalledTimes(1);
    expect(take.mock.calls[0]).toEqual([expect.anything(), state, expect.anything()]);
  });

  test('a state of 513 characters is refused without asking the store', async () => {
    const { store, take } = recordingStore();
    const target = new LoginWithAmazonOAuth2Strategy({ ...OPTIONS, store }, () => false);
    expect(await firstAction(target, withResponse({ state: 'S'.repeat(513), code: 'c' }))).toEqual(BAD_STATE);
    expect(take).not.toHaveBeenCalled();
  });
});

describe('expiry', () => {
  /** A redirect leg at `t0` on a session; the state of its pending sign-in. */
  async function startAt(target: LoginWithAmazonOAuth2Strategy, session: Record<string, unknown>, t0: number): Promise<string> {
    jest.spyOn(Date, 'now').mockReturnValue(t0);
    const [action, url] = await firstAction(target, { session, query: {} });
    expect(action).toBe('redirect');
    return new URL(url as string).searchParams.get('state') ?? '';
  }

  test('a pending sign-in whose expiry is now is expired: 403', async () => {
    const target = new LoginWithAmazonOAuth2Strategy(OPTIONS, () => false);
    const session: Record<string, unknown> = {};
    const t0 = 1_700_000_000_000;
    const state = await startAt(target, session, t0);
    jest.spyOn(Date, 'now').mockReturnValue(t0 + OPTIONS.stateTTL);
    expect(await firstAction(target, { session, query: { state } })).toEqual(BAD_STATE);
  });

  test('one millisecond before its expiry it is found (and, without a code, fails "authorization code missing")', async () => {
    const target = new LoginWithAmazonOAuth2Strategy(OPTIONS, () => false);
    const session: Record<string, unknown> = {};
    const t0 = 1_700_000_000_000;
    const state = await startAt(target, session, t0);
    jest.spyOn(Date, 'now').mockReturnValue(t0 + OPTIONS.stateTTL - 1);
    expect(await firstAction(target, { session, query: { state } })).toEqual(NO_CODE);
  });
});

describe('the store\'s deadline', () => {
  test('a store that answers in time leaves no timer behind', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const target = new LoginWithAmazonOAuth2Strategy({ ...OPTIONS, timeout: 5000 }, () => false);
    expect(jest.getTimerCount()).toBe(0);
    expect((await firstAction(target, { session: {}, query: {} }))[0]).toBe('redirect');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a store that answers late: error() once the timeout has passed, and no timer left', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const store: StateStore = { save: () => new Promise<void>(() => undefined), take: () => Promise.resolve(undefined) };
    const target = new LoginWithAmazonOAuth2Strategy({ ...OPTIONS, store, timeout: 5000 }, () => false);
    const action = firstAction(target, withResponse({}));
    await jest.advanceTimersByTimeAsync(5000);
    const [kind, err] = await action;
    expect(kind).toBe('error');
    expect((err as Error).message).toBe('the state store\'s save() did not answer within "timeout" (5000 ms)');
    expect(jest.getTimerCount()).toBe(0);
  });
});
