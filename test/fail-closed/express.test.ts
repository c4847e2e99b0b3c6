/**
 * Nothing the app throws lets a request through, and nothing thrown after the strategy settled is
 * lost: Express 4 and 5, real servers on 127.0.0.1, the fake Amazon.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy, UNDEFINED_USER_MESSAGE, type LoginWithAmazonStrategyOptions, type VerifyFunction } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { get, startExpress, watchProcess, type MisbehavingApp, type ThrowOn } from './helpers.js';

let amazon: FakeAmazon;
const apps: MisbehavingApp[] = [];
watchProcess();

beforeAll(async () => {
  amazon = await createFakeAmazon();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await amazon.close();
});

async function start(version: 4 | 5, verify: VerifyFunction, options: Partial<LoginWithAmazonStrategyOptions> = {}): Promise<MisbehavingApp> {
  const strategy = new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, retries: 0, ...options }, verify);
  const app = await startExpress(version, strategy);
  apps.push(app);
  return app;
}

/* eslint-disable @typescript-eslint/only-throw-error -- the point: apps throw things that are not Errors */
describe.each([4, 5] as const)('Express %i: a falsy or odd value thrown by the app', (version) => {
  test.each<[string, VerifyFunction, unknown]>([
    ['throw false', () => { throw false; }, false],
    ['throw undefined', () => { throw undefined; }, undefined],
    ['throw null', () => { throw null; }, null],
    ['throw 0', () => { throw 0; }, 0],
    ['throw a string', () => { throw 'oops'; }, 'oops'],
    ['throw a plain object', () => { throw { code: 'E_APP' }; }, { code: 'E_APP' }],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    ["Promise.reject('')", () => Promise.reject(''), ''],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    ['Promise.reject(undefined)', () => Promise.reject(undefined), undefined],
    ["done('not an Error')", (_a, _r, _p, done) => { done('not an Error'); }, 'not an Error'],
  ])('verify that does %s reaches the error handler as a real Error with the value as cause, never the route', async (_name, verify, thrown) => {
    const app = await start(version, verify);
    const answer = await get(`${app.url}/protected`, amazon.issueToken());
    expect(answer).toEqual({ status: 500, body: { handled: true, message: expect.any(String) } });
    expect(app.reached).toBe(0);
    expect(app.errors).toHaveLength(1);
    const [err] = app.errors as [Error];
    expect(err).toBeInstanceOf(Error);
    // The thrown value itself is the cause, `undefined` included: an own property, strictly equal.
    expect(Object.hasOwn(err, 'cause')).toBe(true);
    expect(err.cause).toStrictEqual(thrown);
  });

  test('a tokenFromRequest that throws undefined reaches the error handler as a real Error, never the route', async () => {
    const app = await start(version, (_a, _r, p, done) => { done(null, p); }, { tokenFromRequest: () => { throw undefined; } });
    const before = amazon.calls;
    expect(await get(`${app.url}/protected`, amazon.issueToken())).toMatchObject({ status: 500, body: { handled: true } });
    expect(app.reached).toBe(0);
    expect(app.errors[0]).toBeInstanceOf(Error);
    expect(Object.hasOwn(app.errors[0] as Error, 'cause')).toBe(true);
    expect((app.errors[0] as Error).cause).toBeUndefined();
    expect(amazon.calls).toEqual(before); // no token, no question to Amazon
  });

  test('a promise-style verify that resolves to undefined (a missing return) is an error that says so', async () => {
    const app = await start(version, async () => { /* forgot `return user` */ });
    expect(await get(`${app.url}/protected`, amazon.issueToken())).toEqual({
      status: 500, body: { handled: true, message: UNDEFINED_USER_MESSAGE },
    });
    expect(app.errors[0]).toBeInstanceOf(TypeError);
    expect(app.reached).toBe(0);
  });

  test.each([['false', false], ['null', null]])('a promise-style verify that resolves to %s rejects the token with 401', async (_name, value) => {
    const app = await start(version, () => Promise.resolve(value));
    expect((await get(`${app.url}/protected`, amazon.issueToken())).status).toBe(401);
    expect(app.errors).toEqual([]);
    expect(app.reached).toBe(0);
  });
});
/* eslint-enable @typescript-eslint/only-throw-error */

/** How a request ends before the custom callback sees it. */
type Driver = 'success' | 'fail by verify' | 'fail by Amazon' | 'error by verify' | 'error by Amazon';
const OUTCOME: Record<Driver, 'success' | 'fail' | 'error'> = {
  success: 'success',
  'fail by verify': 'fail',
  'fail by Amazon': 'fail',
  'error by verify': 'error',
  'error by Amazon': 'error',
};

/** The error that reaches the handler when the callback passes an error on. */
const ERROR_MESSAGE: Partial<Record<Driver, string>> = {
  'error by verify': 'verify failed',
  'error by Amazon': 'tokeninfo answered an unexpected HTTP status',
};

function verifyFor(driver: Driver, style: 'callback' | 'promise'): VerifyFunction {
  const decide = (profile: { id: string }): unknown => {
    if (driver === 'error by verify') throw new Error('verify failed');
    return driver === 'fail by verify' ? false : { id: profile.id };
  };
  if (style === 'promise') return async (_a, _r, profile) => decide(profile);
  return (_a, _r, profile, done) => {
    let user: unknown;
    try {
      user = decide(profile);
    } catch (err) {
      done(err);
      return;
    }
    done(null, user);
  };
}

const CASES = ([4, 5] as const).flatMap((version) => (['callback', 'promise'] as const).flatMap((style) =>
  (['success', 'fail', 'error', 'all'] as const).flatMap((throwOn) =>
    (Object.keys(OUTCOME) as Driver[]).flatMap((driver) =>
      (driver.endsWith('Amazon') ? ['miss'] as const : ['miss', 'hit'] as const).map((cache) => ({ version, style, throwOn, driver, cache }))))));

describe('a custom callback that throws after the strategy settled', () => {
  test.each(CASES)('Express $version, $style verify, throws on $throwOn, $driver, cache $cache: the error handler answers',
    async ({ version, style, throwOn, driver, cache }: { version: 4 | 5; style: 'callback' | 'promise'; throwOn: ThrowOn; driver: Driver; cache: 'miss' | 'hit' }) => {
      const app = await start(version, verifyFor(driver, style));
      const token = amazon.issueToken();
      if (driver === 'fail by Amazon') amazon.revoke(token);
      if (driver === 'error by Amazon') amazon.fault('tokeninfo', { status: 500, times: 1 });
      if (cache === 'hit') {
        await get(`${app.url}/custom/none`, token); // warms the cache with Amazon's approval
        app.reset();
      }
      const calls = amazon.calls.tokeninfo;
      const answer = await get(`${app.url}/custom/${throwOn}`, token);
      // A hit asks Amazon nothing more; a miss asks tokeninfo exactly once.
      expect(amazon.calls.tokeninfo - calls).toBe(cache === 'hit' ? 0 : 1);
      const outcome = OUTCOME[driver];
      const throws = throwOn === 'all' || throwOn === outcome;
      // The callback first sees exactly the outcome the driver makes. When it throws there, the
      // strategy hands that error to error(), which calls the callback once more with it: with
      // 'all' it throws again and that second error reaches the handler.
      const seen = !throws || outcome === 'error' ? [outcome] : [outcome, 'error'];
      const handled = throws ? `custom callback throws on ${throwOn === 'all' ? 'error' : outcome}` : undefined;
      expect({
        seen: app.seen,
        status: answer.status,
        reached: app.reached,
        errors: app.errors.map((e) => (e as Error).message),
      }).toEqual({
        seen,
        status: throws || outcome === 'error' ? 500 : { success: 200, fail: 401 }[outcome],
        reached: !throws && outcome === 'success' ? 1 : 0,
        errors: handled !== undefined ? [handled] : ERROR_MESSAGE[driver] === undefined ? [] : [ERROR_MESSAGE[driver]],
      });
      expect(answer.body).toMatchObject(throws || outcome === 'error' ? { handled: true } : { outcome });
    });
});
