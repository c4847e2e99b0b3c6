/** `maxWaitingForAmazon`: the same option, default and checks in the three strategies; the admission's deadline and Retry-After. */
import { describe, expect, test } from '@jest/globals';
import {
  CODE_EXCHANGE_DEFAULTS, DEFAULTS, LoginWithAmazonCodeExchangeStrategy, LoginWithAmazonOAuth2Strategy, LoginWithAmazonStrategy,
  MAX_SOCKETS, OAUTH2_DEFAULTS, type VerifyFunction,
} from '../../lib/index.js';
import { DEFAULT_MAX_WAITING } from '../../lib/core/admission-option.js';
import { MAX_TIMEOUT } from '../../lib/core/option-checks.js';
import { Admission, upstreamDeadline } from '../../lib/passport/admission.js';
import { admissionOf } from './helpers.js';

const verify: VerifyFunction = (_a, _r, _p, done) => { done(null, {}); };
const build = {
  token: (extra: object) => new LoginWithAmazonStrategy({ clientID: 'client', ...extra }, verify),
  website: (extra: object) => new LoginWithAmazonOAuth2Strategy({ clientID: 'client', clientSecret: 'secret', callbackURL: 'https://example.com/cb', ...extra }, verify),
  'app-code': (extra: object) => new LoginWithAmazonCodeExchangeStrategy({ clientID: 'client', redirectURIs: ['amzn://com.example.shop'], ...extra }, verify),
};

describe.each(Object.entries(build))('maxWaitingForAmazon (%s strategy)', (_flow, make) => {
  test.each([0, -1, 1.5, '10', null, Number.NaN, Infinity, 1_000_001])('%p is a TypeError naming the option', (value) => {
    expect(() => make({ maxWaitingForAmazon: value })).toThrow(new TypeError('"maxWaitingForAmazon" must be an integer from 1 to 1000000'));
  });

  test('defaults to 20 × MAX_SOCKETS; takes 1 to 1,000,000', () => {
    expect(DEFAULT_MAX_WAITING).toBe(20 * MAX_SOCKETS);
    expect(() => make({ maxWaitingForAmazon: 1 })).not.toThrow();
    expect(() => make({ maxWaitingForAmazon: 1_000_000 })).not.toThrow();
  });

  test('admits maxWaitingForAmazon requests, refuses the next, and counts back to zero', async () => {
    const admission = admissionOf(make({ maxWaitingForAmazon: 2 }));
    const held: Array<() => void> = [];
    const hold = (): Promise<void> => new Promise<void>((resolve) => { held.push(resolve); });
    const admitted = [admission.run(undefined, hold), admission.run(undefined, hold)];
    expect(admission.size).toBe(2);
    await expect(admission.run(undefined, hold)).rejects.toMatchObject({ code: 'LWA_OVERLOADED', status: 503 });
    expect(held).toHaveLength(2);
    held.forEach((resolve) => { resolve(); });
    await Promise.all(admitted);
    expect(admission.size).toBe(0);
  });
});

test('the exported defaults say 1000 for every strategy', () => {
  expect([DEFAULTS.maxWaitingForAmazon, OAUTH2_DEFAULTS.maxWaitingForAmazon, CODE_EXCHANGE_DEFAULTS.maxWaitingForAmazon]).toEqual([1000, 1000, 1000]);
});

describe('Admission', () => {
  test('the deadline is storeTimeout + timeout × (retries + 1) + 50 ms × retries, at most Node\'s largest timer', () => {
    expect(upstreamDeadline({ timeout: 5000, retries: 1 })).toBe(10_050);
    expect(upstreamDeadline({ timeout: 5000, retries: 1, storeTimeout: 100 })).toBe(10_150);
    expect(upstreamDeadline({ timeout: 3000, retries: 0 })).toBe(3000);
    expect(upstreamDeadline({ timeout: MAX_TIMEOUT, retries: 10 })).toBe(MAX_TIMEOUT);
  });

  test('Retry-After is the deadline in whole seconds, rounded up, at least 1', () => {
    expect(new Admission({ maxWaitingForAmazon: 1, timeout: 5000, retries: 1 }).retryAfter).toBe(11);
    expect(new Admission({ maxWaitingForAmazon: 1, timeout: 1, retries: 0 }).retryAfter).toBe(1);
    expect(admissionOf(build.token({ cache: { store: new Map(), secret: 'x'.repeat(32) } })).retryAfter).toBe(11);
  });

  test('work that throws synchronously is a rejection and gives its slot back', async () => {
    const admission = new Admission({ maxWaitingForAmazon: 1, timeout: 1000, retries: 0 });
    await expect(admission.run(undefined, () => { throw new Error('sync'); })).rejects.toThrow('sync');
    expect(admission.size).toBe(0);
  });

  test('a response that refuses the header still gets the error, which carries it', async () => {
    const admission = new Admission({ maxWaitingForAmazon: 1, timeout: 1000, retries: 0 });
    const held = admission.run(undefined, () => new Promise<void>((resolve) => { setTimeout(resolve, 10); }));
    const req = { res: { set: () => { throw new Error('headers already sent'); } } };
    await expect(admission.run(req, () => Promise.resolve())).rejects.toMatchObject({ code: 'LWA_OVERLOADED', headers: { 'retry-after': '1' } });
    await held;
  });
});
