/** deliver(): the Passport action runs outside every guard, and nothing it throws is lost. */
import { describe, expect, jest, test } from '@jest/globals';
import { deliver, raiseUncaught } from '../../lib/passport/action.js';

const boom = (message: string) => (): void => { throw new Error(message); };
/** A recorder for the last resort: every test says whether it was reached, and with what. */
const lastResort = (): jest.Mock<(error: Error) => void> => jest.fn<(error: Error) => void>();

describe('deliver()', () => {
  test('runs the action once and nothing else when it does not throw', () => {
    const perform = jest.fn();
    const error = jest.fn();
    const uncaught = lastResort();
    deliver({ perform, error, isError: false, req: {}, sync: false, uncaught });
    expect(perform).toHaveBeenCalledTimes(1);
    expect(error).not.toHaveBeenCalled();
    expect(uncaught).not.toHaveBeenCalled();
  });

  test('an error action that does not throw is run once, and nothing else', () => {
    const perform = jest.fn();
    const error = jest.fn();
    const uncaught = lastResort();
    expect(() => { deliver({ perform, error, isError: true, req: {}, sync: true, uncaught }); }).not.toThrow();
    expect([perform.mock.calls.length, error.mock.calls.length, uncaught.mock.calls.length]).toEqual([1, 0, 0]);
  });

  test('an action that throws goes to error(), wrapped when it is not an Error', () => {
    const error = jest.fn<(err: Error) => void>();
    const uncaught = lastResort();
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    expect(() => { deliver({ perform: () => { throw false; }, error, isError: false, req: {}, sync: true, uncaught }); }).not.toThrow();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    expect(error.mock.calls[0]?.[0].message).toBe('a Passport action threw a non-Error value');
    expect(error.mock.calls[0]?.[0].cause).toBe(false);
    expect(uncaught).not.toHaveBeenCalled();
  });

  test('an Error thrown by the action reaches error() as it is', () => {
    const thrown = new RangeError('res.json threw');
    const error = jest.fn<(err: Error) => void>();
    deliver({ perform: () => { throw thrown; }, error, isError: false, req: { next: jest.fn() }, sync: false, uncaught: lastResort() });
    expect(error.mock.calls).toEqual([[thrown]]);
  });

  test('decided synchronously, an error() that throws is rethrown to the framework, never to the last resort', () => {
    const uncaught = lastResort();
    const next = jest.fn();
    expect(() => { deliver({ perform: boom('success threw'), error: boom('error threw'), isError: false, req: { next }, sync: true, uncaught }); }).toThrow('error threw');
    expect(() => { deliver({ perform: boom('error threw'), error: boom('never called'), isError: true, req: { next }, sync: true, uncaught }); }).toThrow('error threw');
    expect([next.mock.calls.length, uncaught.mock.calls.length]).toEqual([0, 0]);
  });

  test('a non-Error thrown by error() is wrapped before it is handed on', () => {
    const next = jest.fn<(err: Error) => void>();
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    deliver({ perform: boom('success threw'), error: () => { throw 'text'; }, isError: false, req: { next }, sync: false, uncaught: lastResort() });
    expect(next.mock.calls[0]?.[0]).toMatchObject({ message: 'Passport\'s error action threw a non-Error value', cause: 'text' });
  });

  test('later, an error() that throws goes to Express\'s req.next, not to the last resort', () => {
    const next = jest.fn<(err: Error) => void>();
    const uncaught = lastResort();
    deliver({ perform: boom('success threw'), error: boom('error threw'), isError: false, req: { next }, sync: false, uncaught });
    expect(next).toHaveBeenCalledTimes(1);
    expect(next.mock.calls[0]?.[0].message).toBe('error threw');
    expect(uncaught).not.toHaveBeenCalled();
  });

  test.each([
    ['no req.next', {}],
    ['a req.next that is not a function', { next: 'not a function' }],
    ['no request object', null],
    ['an undefined request', undefined],
    ['a request that is not an object', 'req'],
    ['a req.next that throws', { next: boom('next threw') }],
  ])('later, with %s, it goes to the last resort, once', (_, req) => {
    const uncaught = lastResort();
    deliver({ perform: boom('success threw'), error: boom('error threw'), isError: false, req, sync: false, uncaught });
    expect(uncaught.mock.calls.map(([e]) => e.message)).toEqual(['error threw']);
  });

  test('an error action that throws later goes to the last resort with its own exception', () => {
    const uncaught = lastResort();
    deliver({ perform: boom('error threw'), error: boom('never called'), isError: true, req: {}, sync: false, uncaught });
    expect(uncaught.mock.calls.map(([e]) => e.message)).toEqual(['error threw']);
  });
});

describe('raiseUncaught() (the default last resort)', () => {
  test('rethrows the error as an uncaught exception on the next tick, not before', () => {
    const ticks: (() => void)[] = [];
    const spy = jest.spyOn(process, 'nextTick').mockImplementation(((fn: () => void) => { ticks.push(fn); }) as typeof process.nextTick);
    const error = new Error('nothing can answer');
    try {
      expect(() => { raiseUncaught(error); }).not.toThrow();
    } finally {
      spy.mockRestore();
    }
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toThrow(error);
  });

  test('is what deliver() uses when no last resort is given', () => {
    const ticks: (() => void)[] = [];
    const spy = jest.spyOn(process, 'nextTick').mockImplementation(((fn: () => void) => { ticks.push(fn); }) as typeof process.nextTick);
    try {
      deliver({ perform: boom('error threw'), error: boom('never called'), isError: true, req: {}, sync: false });
    } finally {
      spy.mockRestore();
    }
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toThrow('error threw');
  });
});
