/** The bounded store calls (lib/token/store-calls.ts) on their own: no timer outlives a call, and none keeps the process alive. */
import { afterEach, expect, jest, test } from '@jest/globals';
import { BoundedStore } from '../../lib/token/store-calls.js';

afterEach(() => { jest.useRealTimers(); });

test.each([
  ['an answer', () => Promise.resolve('value'), 'value'],
  ['a rejection', () => Promise.reject(new Error('down')), undefined],
])('%s clears the call\'s timeout timer', async (_name, operation, expected) => {
  jest.useFakeTimers();
  const calls = new BoundedStore({ get: () => undefined, set: () => undefined }, 5000);
  const answered = calls.run('get', operation);
  await jest.advanceTimersByTimeAsync(0);
  expect(await answered).toBe(expected);
  expect(jest.getTimerCount()).toBe(0);
});

test('the timeout timer of a call under way does not keep the process alive', async () => {
  const created: NodeJS.Timeout[] = [];
  const real = globalThis.setTimeout;
  const spy = jest.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms: number) => {
    const timer = real(callback, ms);
    created.push(timer);
    return timer;
  }) as typeof setTimeout);
  const calls = new BoundedStore({ get: () => undefined, set: () => undefined }, 20);
  const answered = calls.run('get', () => new Promise(() => undefined));
  expect(created.map((timer) => timer.hasRef())).toEqual([false]);
  spy.mockRestore();
  expect(await answered).toBeUndefined(); // the timeout still fires: a miss
});
