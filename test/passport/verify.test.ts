/** The verify callback: both styles, passReqToCallback, first-settled wins, errors. */
import { describe, expect, jest, test } from '@jest/globals';
import { LoginWithAmazonStrategy, UNDEFINED_USER_MESSAGE, type VerifyDone, type VerifyFunction, type VerifyFunctionWithRequest } from '../../lib/index.js';
import { runVerify, type VerifyOutcome, messageOf } from '../../lib/passport/verify.js';
import { CLIENT_ID, TOKEN, mockAmazon, tokenInfoBody } from '../helpers/amazon-nock.js';

type Action = ['success', unknown, unknown] | ['fail', unknown, unknown] | ['error', unknown] | ['pass'] | ['redirect'];

/** Runs one authentication the way Passport does (on Object.create(strategy)); resolves at the first action. */
function run(strategy: LoginWithAmazonStrategy, req: Record<string, unknown>, settleMs = 30): Promise<Action[]> {
  return new Promise((resolve) => {
    const actions: Action[] = [];
    const ctx = Object.create(strategy) as LoginWithAmazonStrategy & Record<string, unknown>;
    const record = (action: Action): void => {
      actions.push(action);
      // Wait a little longer so that a second (forbidden) action would be seen too.
      if (actions.length === 1) setTimeout(() => resolve(actions), settleMs);
    };
    ctx.success = (user: unknown, info: unknown) => record(['success', user, info]);
    ctx.fail = ((challenge: unknown, status?: unknown) => record(['fail', challenge, status])) as typeof ctx.fail;
    ctx.error = (err: unknown) => record(['error', err]);
    ctx.pass = () => record(['pass']);
    ctx.redirect = () => record(['redirect']);
    ctx.authenticate(req);
  });
}

/** What `req.authInfo` gets when verify passes no info: the tokeninfo answer. */
const AUTH_INFO = { tokenInfo: tokenInfoBody() };

const req = (): Record<string, unknown> => ({ headers: { authorization: `Bearer ${TOKEN}` }, body: { refresh_token: 'Atzr|refresh' } });
const make = (verify: VerifyFunction): LoginWithAmazonStrategy =>
  new LoginWithAmazonStrategy({ clientID: CLIENT_ID, cache: false }, verify);

describe('callback style', () => {
  test('passes the access token, the refresh token field, the profile and done', async () => {
    mockAmazon();
    const verify = jest.fn<VerifyFunction>((_a, _r, profile, done) => done(null, { id: profile.id }));
    const actions = await run(make(verify), req());
    expect(actions).toEqual([['success', { id: 'amzn1.account.K2LI23KL2LK2' }, AUTH_INFO]]);
    const [accessToken, refreshToken, profile, done] = verify.mock.calls[0] ?? [];
    expect(accessToken).toBe(TOKEN);
    expect(refreshToken).toBe('Atzr|refresh');
    expect(profile).toMatchObject({ provider: 'amazon', id: 'amzn1.account.K2LI23KL2LK2', displayName: 'Mork Hashimoto' });
    expect(typeof done).toBe('function');
  });

  test('gives refreshToken undefined (never the access token) when no refresh_token field is sent', async () => {
    mockAmazon();
    const verify = jest.fn<VerifyFunction>((_a, _r, _p, done) => done(null, {}));
    await run(make(verify), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(verify.mock.calls[0]?.[1]).toBeUndefined();
  });

  test('turns done(err) into error(err)', async () => {
    mockAmazon();
    const boom = new Error('db down');
    expect(await run(make((_a, _r, _p, done) => done(boom)), req())).toEqual([['error', boom]]);
  });

  test('turns done(null, false, info) into a 401 invalid_token challenge with the message', async () => {
    mockAmazon();
    const actions = await run(make((_a, _r, _p, done) => done(null, false, { message: 'banned' })), req());
    expect(actions).toEqual([['fail', 'Bearer realm="Users", error="invalid_token", error_description="banned"', undefined]]);
  });

  test('accepts a string info as the message', async () => {
    mockAmazon();
    const actions = await run(make((_a, _r, _p, done) => done(null, false, 'banned')), req());
    expect(actions[0]?.[1]).toBe('Bearer realm="Users", error="invalid_token", error_description="banned"');
  });

  test('ignores every call of done after the first', async () => {
    mockAmazon();
    const actions = await run(make((_a, _r, _p, done) => {
      done(null, { id: 1 });
      done(null, false);
      done(new Error('late'));
    }), req());
    expect(actions).toEqual([['success', { id: 1 }, AUTH_INFO]]);
  });

  test('turns a synchronous throw into error()', async () => {
    mockAmazon();
    const boom = new Error('bug');
    expect(await run(make(() => { throw boom; }), req())).toEqual([['error', boom]]);
  });

  test('a throw after done has been called does not add a second action', async () => {
    mockAmazon();
    const actions = await run(make((_a, _r, _p, done) => {
      done(null, { id: 1 });
      throw new Error('after');
    }), req());
    expect(actions).toEqual([['success', { id: 1 }, AUTH_INFO]]);
  });
});

describe('promise style', () => {
  test('settles with the resolved user', async () => {
    mockAmazon();
    expect(await run(make(async (_a, _r, p) => ({ id: p.id })), req())).toEqual([['success', { id: 'amzn1.account.K2LI23KL2LK2' }, AUTH_INFO]]);
  });

  test('a promise of false fails with 401 invalid_token', async () => {
    mockAmazon();
    expect(await run(make(async () => false), req())).toEqual([['fail', 'Bearer realm="Users", error="invalid_token"', undefined]]);
  });

  test('a rejection becomes error()', async () => {
    mockAmazon();
    const boom = new Error('rejected');
    expect(await run(make(() => Promise.reject(boom)), req())).toEqual([['error', boom]]);
  });

  test('a rejection with no reason still becomes an Error', async () => {
    mockAmazon();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const actions = await run(make(() => Promise.reject(undefined)), req());
    expect(actions[0]?.[0]).toBe('error');
    expect(actions[0]?.[1]).toBeInstanceOf(Error);
  });

  test('done called before the promise settles wins', async () => {
    mockAmazon();
    const actions = await run(make(async (_a, _r, _p, done) => {
      done(null, { from: 'done' });
      return { from: 'promise' };
    }), req());
    expect(actions).toEqual([['success', { from: 'done' }, AUTH_INFO]]);
  });

  test('a promise that settles before done wins, and the later done is ignored', async () => {
    mockAmazon();
    let later: VerifyDone | undefined;
    const actions = await run(make((_a, _r, _p, done) => {
      later = done;
      return Promise.resolve({ from: 'promise' });
    }), req(), 10);
    later?.(null, { from: 'done' });
    expect(actions).toEqual([['success', { from: 'promise' }, AUTH_INFO]]);
  });

  test('any thenable counts, not only native promises', async () => {
    mockAmazon();
    const thenable = { then: (resolve: (v: unknown) => void) => resolve({ id: 'thenable' }) };
    expect(await run(make(() => thenable), req())).toEqual([['success', { id: 'thenable' }, AUTH_INFO]]);
  });
});

describe('passReqToCallback', () => {
  test('gives the request first', async () => {
    mockAmazon();
    const request = req();
    const verify = jest.fn<VerifyFunctionWithRequest>((r, a, _rt, p, done) => done(null, { same: r === request, a, id: p.id }));
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT_ID, passReqToCallback: true, cache: false } as never, verify);
    expect(await run(strategy, request)).toEqual([['success', { same: true, a: TOKEN, id: 'amzn1.account.K2LI23KL2LK2' }, AUTH_INFO]]);
    expect(verify.mock.calls[0]?.[2]).toBe('Atzr|refresh');
  });
});

describe('the strategy object', () => {
  test('is named amazon-token unless options.name says otherwise', () => {
    const verify: VerifyFunction = () => undefined;
    expect(new LoginWithAmazonStrategy({ clientID: CLIENT_ID }, verify).name).toBe('amazon-token');
    expect(new LoginWithAmazonStrategy({ clientID: CLIENT_ID, name: 'lwa' }, verify).name).toBe('lwa');
  });

  test('is the default export too', async () => {
    const mod = await import('../../lib/index.js');
    expect(mod.default).toBe(LoginWithAmazonStrategy);
  });

  test('an extractor that throws is an error, not a crash', async () => {
    const boom = new Error('extractor bug');
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT_ID, tokenFromRequest: () => { throw boom; } }, () => undefined);
    expect(await run(strategy, req())).toEqual([['error', boom]]);
  });

  test('a custom extractor replaces tokenSources', async () => {
    mockAmazon();
    const strategy = new LoginWithAmazonStrategy({
      clientID: CLIENT_ID, cache: false, tokenFromRequest: (r: { headers: Record<string, string> }) => r.headers['x-token'],
    }, (_a: string, _r: unknown, p: { id: string }, done: VerifyDone) => done(null, { id: p.id }));
    const actions = await run(strategy, { headers: { 'x-token': TOKEN, authorization: 'Bearer other' } });
    expect(actions[0]?.[0]).toBe('success');
    expect(await run(strategy, { headers: {} })).toEqual([['fail', 'Bearer realm="Users"', undefined]]);
    expect((await run(strategy, { headers: { 'x-token': 'bad token' } }))[0]?.[2]).toBe(400);
  });
});

describe('runVerify on its own', () => {
  const settleOf = async (invoke: Parameters<typeof runVerify>[0]): Promise<VerifyOutcome[]> => {
    const outcomes: VerifyOutcome[] = [];
    runVerify(invoke, (outcome) => { outcomes.push(outcome); });
    await new Promise((resolve) => setTimeout(resolve, 20));
    return outcomes;
  };

  test.each<[string, unknown]>([
    ['undefined', undefined], ['null', null], ['a number', 42], ['a string', 'ok'], ['an object without then', { then: 'not a function' }],
    ['a function', () => undefined], ['an array', []],
  ])('a callback-style verify that returns %s and calls done later is not taken for a promise', async (_name, returned) => {
    const outcomes = await settleOf((done) => { setImmediate(() => { done(null, { id: 1 }); }); return returned; });
    expect(outcomes).toEqual([{ kind: 'success', user: { id: 1 }, info: undefined }]);
  });

  test('a thenable function counts as a promise', async () => {
    const thenable = Object.assign(() => undefined, { then: (resolve: (v: unknown) => void) => { resolve({ id: 'fn' }); } });
    expect(await settleOf(() => thenable)).toEqual([{ kind: 'success', user: { id: 'fn' }, info: undefined }]);
  });

  test.each<[string, Parameters<typeof runVerify>[0], string]>([
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    ['throws', () => { throw 'x'; }, 'verify threw a non-Error value'],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    ['rejects', () => Promise.reject('x'), 'verify rejected with a non-Error value'],
    ['calls done', (done) => { done('x'); }, 'verify called done with a non-Error value'],
  ])('a verify that %s with a non-Error gets an Error whose message says so', async (_name, invoke, message) => {
    const [outcome] = await settleOf(invoke);
    expect(outcome?.kind).toBe('error');
    expect((outcome as { error: Error }).error.message).toBe(message);
    expect((outcome as { error: Error }).error.cause).toBe('x');
  });

  test('the missing-return message says what to do', async () => {
    expect(UNDEFINED_USER_MESSAGE).toBe('verify resolved to undefined without calling done: return the user, or false to reject the token');
    const [outcome] = await settleOf(async () => undefined);
    expect(outcome).toEqual({ kind: 'error', error: new TypeError(UNDEFINED_USER_MESSAGE) });
  });
});

describe('messageOf(): the message of verify\'s info, only when it is a string', () => {
  test.each<[string, unknown, string | undefined]>([
    ['a string', 'banned', 'banned'],
    ['{ message } with a string', { message: 'banned' }, 'banned'],
    ['{ message } with a number', { message: 42 }, undefined],
    ['{ message } with an object', { message: { toString: () => 'x' } }, undefined],
    ['an object without message', {}, undefined],
    ['null', null, undefined],
    ['undefined', undefined, undefined],
    ['a number', 7, undefined],
  ])('%s', (_name, info, expected) => {
    expect(messageOf(info)).toBe(expected);
  });
});
