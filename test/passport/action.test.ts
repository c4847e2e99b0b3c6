/** deliver(): the Passport action runs outside every guard, and nothing it throws is lost. */
import { describe, expect, jest, test } from '@jest/globals';
import { deliver } from '../../lib/passport/action.js';

const boom = (message: string) => (): void => { throw new Error(message); };

describe('deliver()', () => {
  test('runs the action once and nothing else when it does not throw', () => {
    const perform = jest.fn();
    const error = jest.fn();
    deliver({ perform, error, isError: false, req: {}, sync: false });
    expect(perform).toHaveBeenCalledTimes(1);
    expect(error).not.toHaveBeenCalled();
  });

  test('an action that throws goes to error(), wrapped when it is not an Error', () => {
    const error = jest.fn<(err: Error) => void>();
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    deliver({ perform: () => { throw false; }, error, isError: false, req: {}, sync: false });
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    expect(error.mock.calls[0]?.[0].cause).toBe(false);
  });

  test('decided synchronously, an error() that throws is rethrown to the framework', () => {
    expect(() => { deliver({ perform: boom('success threw'), error: boom('error threw'), isError: false, req: {}, sync: true }); }).toThrow('error threw');
    expect(() => { deliver({ perform: boom('error threw'), error: boom('never called'), isError: true, req: {}, sync: true }); }).toThrow('error threw');
  });

  test('later, an error() that throws goes to Express\'s req.next', () => {
    const next = jest.fn<(err: Error) => void>();
    deliver({ perform: boom('success threw'), error: boom('error threw'), isError: false, req: { next }, sync: false });
    expect(next).toHaveBeenCalledTimes(1);
    expect(next.mock.calls[0]?.[0].message).toBe('error threw');
  });

  test('later, without req.next (or with one that throws), it is rethrown as an uncaught exception', () => {
    const ticks: (() => void)[] = [];
    const spy = jest.spyOn(process, 'nextTick').mockImplementation(((fn: () => void) => { ticks.push(fn); }) as typeof process.nextTick);
    try {
      deliver({ perform: boom('error threw'), error: boom('never called'), isError: true, req: {}, sync: false });
      deliver({ perform: boom('success threw'), error: boom('error threw'), isError: false, req: { next: boom('next threw') }, sync: false });
    } finally {
      spy.mockRestore();
    }
    expect(ticks).toHaveLength(2);
    expect(ticks[0]).toThrow('error threw');
    expect(ticks[1]).toThrow('error threw');
  });
});
