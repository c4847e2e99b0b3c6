/**
 * CallGate: at most `limit` calls under way; the rest wait, oldest first, as functions, and leave
 * on their timeout or cancel. Driven with hand-made calls whose settling the test decides; and gateOf,
 * one gate per agent and origin.
 */
import { describe, expect, test } from '@jest/globals';
import { CallGate, cancelledWhileWaiting, gateOf, socketWaitTimedOut, type PendingCall } from '../../lib/amazon/gate.js';

interface Manual {
  /** The `remainingMs` each started call was given, in start order, with its name. */
  started: [string, number][];
  cancelled: string[];
  settle: Map<string, (value: string) => void>;
  fail: Map<string, (error: Error) => void>;
  start: (name: string) => (remainingMs: number) => PendingCall<string>;
}

function manual(): Manual {
  const m: Manual = {
    started: [], cancelled: [], settle: new Map(), fail: new Map(),
    start: (name) => (remainingMs) => {
      m.started.push([name, remainingMs]);
      const promise = new Promise<string>((resolve, reject) => { m.settle.set(name, resolve); m.fail.set(name, reject); });
      return { promise, cancel: () => { m.cancelled.push(name); } };
    },
  };
  return m;
}

const expired = (): Error => new Error('expired');
const cancelled = (): Error => new Error('cancelled');
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const names = (m: Manual): string[] => m.started.map(([name]) => name);

describe('CallGate', () => {
  test('starts at most `limit` calls; the rest start one by one as calls settle, oldest first', async () => {
    const gate = new CallGate(2);
    const m = manual();
    const calls = ['a', 'b', 'c', 'd', 'e'].map((name) => gate.run(m.start(name), 60_000, expired, cancelled));
    expect(names(m)).toEqual(['a', 'b']);
    expect(gate.counts).toEqual({ active: 2, waiting: 3 });
    m.settle.get('b')?.('B');
    await expect(calls[1]?.promise).resolves.toBe('B');
    await tick();
    expect(names(m)).toEqual(['a', 'b', 'c']);
    m.fail.get('a')?.(new Error('A failed'));
    await expect(calls[0]?.promise).rejects.toThrow('A failed');
    await tick();
    expect(names(m)).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.counts).toEqual({ active: 2, waiting: 1 });
    m.settle.get('c')?.('C');
    m.settle.get('d')?.('D');
    await expect(calls[2]?.promise).resolves.toBe('C');
    await expect(calls[3]?.promise).resolves.toBe('D');
    await tick();
    expect(names(m)).toEqual(['a', 'b', 'c', 'd', 'e']);
    m.settle.get('e')?.('E');
    await expect(calls[4]?.promise).resolves.toBe('E');
    await tick();
    expect(gate.counts).toEqual({ active: 0, waiting: 0 });
  });

  test('a call that starts at once gets the whole timeout; one that waited gets what is left of it', async () => {
    const gate = new CallGate(1);
    const m = manual();
    gate.run(m.start('first'), 1000, expired, cancelled);
    const second = gate.run(m.start('second'), 1000, expired, cancelled);
    await sleep(120);
    m.settle.get('first')?.('1');
    await tick();
    expect(m.started[0]).toEqual(['first', 1000]);
    const [name, left] = m.started[1] ?? ['', 0];
    expect(name).toBe('second');
    expect(left).toBeLessThanOrEqual(1000 - 120);
    expect(left).toBeGreaterThan(0);
    expect(Number.isInteger(left)).toBe(true);
    m.settle.get('second')?.('2');
    await expect(second.promise).resolves.toBe('2');
  });

  test('a waiting call is given up after its timeout with the `expired` error, and never starts', async () => {
    const gate = new CallGate(1);
    const m = manual();
    gate.run(m.start('holder'), 60_000, expired, cancelled);
    const waiting = gate.run(m.start('late'), 30, () => new Error('waited too long'), cancelled);
    await expect(waiting.promise).rejects.toThrow('waited too long');
    expect(gate.counts).toEqual({ active: 1, waiting: 0 });
    m.settle.get('holder')?.('done');
    await tick();
    expect(names(m)).toEqual(['holder']);
    expect(gate.counts).toEqual({ active: 0, waiting: 0 });
  });

  test('cancelling a waiting call rejects it with the `cancelled` error and frees its place; cancelling a started one cancels the call', async () => {
    const gate = new CallGate(1);
    const m = manual();
    const holder = gate.run(m.start('holder'), 60_000, expired, cancelled);
    const dropped = gate.run(m.start('dropped'), 60_000, expired, () => new Error('left the queue'));
    const next = gate.run(m.start('next'), 60_000, expired, cancelled);
    dropped.cancel();
    await expect(dropped.promise).rejects.toThrow('left the queue');
    expect(gate.counts).toEqual({ active: 1, waiting: 1 });
    holder.cancel();
    expect(m.cancelled).toEqual(['holder']);
    m.settle.get('holder')?.('h');
    await tick();
    expect(names(m)).toEqual(['holder', 'next']);
    next.cancel();
    expect(m.cancelled).toEqual(['holder', 'next']);
    m.fail.get('next')?.(new Error('next cancelled'));
    await expect(next.promise).rejects.toThrow('next cancelled');
  });

  test('a start that throws when a slot is free throws to the caller and gives the slot back', () => {
    const gate = new CallGate(1);
    expect(() => gate.run(() => { throw new Error('bad options'); }, 1000, expired, cancelled)).toThrow('bad options');
    expect(gate.counts).toEqual({ active: 0, waiting: 0 });
  });

  test('a start that throws after waiting rejects that call only, and the next waiting call starts', async () => {
    const gate = new CallGate(1);
    const m = manual();
    gate.run(m.start('holder'), 60_000, expired, cancelled);
    const broken = gate.run(() => { throw new Error('bad options later'); }, 60_000, expired, cancelled);
    const after = gate.run(m.start('after'), 60_000, expired, cancelled);
    m.settle.get('holder')?.('h');
    await expect(broken.promise).rejects.toThrow('bad options later');
    await tick();
    expect(names(m)).toEqual(['holder', 'after']);
    m.settle.get('after')?.('a');
    await expect(after.promise).resolves.toBe('a');
    await tick();
    expect(gate.counts).toEqual({ active: 0, waiting: 0 });
  });

  test('a call that waited, then started, keeps its own outcome past its queue timeout', async () => {
    const gate = new CallGate(1);
    const m = manual();
    gate.run(m.start('holder'), 60_000, expired, cancelled);
    const late = gate.run(m.start('late'), 80, expired, cancelled);
    m.settle.get('holder')?.('h');
    await tick();
    expect(names(m)).toEqual(['holder', 'late']);
    // Its queue timer would have fired by now: the started call is not given up.
    await sleep(150);
    m.settle.get('late')?.('answered');
    await expect(late.promise).resolves.toBe('answered');
  });

  test('a start that throws a non-Error after waiting rejects with an Error that keeps it as cause', async () => {
    const gate = new CallGate(1);
    const m = manual();
    gate.run(m.start('holder'), 60_000, expired, cancelled);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test: a start that throws a non-Error
    const odd = gate.run(() => { throw 'not an Error'; }, 60_000, expired, cancelled);
    m.settle.get('holder')?.('h');
    await expect(odd.promise).rejects.toBeInstanceOf(Error);
    await expect(odd.promise).rejects.toMatchObject({ message: 'the call could not start', cause: 'not an Error' });
  });

  test('a cancel after the call expired, or after it settled, changes nothing', async () => {
    const gate = new CallGate(1);
    const m = manual();
    const holder = gate.run(m.start('holder'), 60_000, expired, cancelled);
    const late = gate.run(m.start('late'), 20, expired, cancelled);
    await expect(late.promise).rejects.toThrow('expired');
    late.cancel();
    expect(gate.counts).toEqual({ active: 1, waiting: 0 });
    m.settle.get('holder')?.('h');
    await expect(holder.promise).resolves.toBe('h');
    await tick();
    expect(gate.counts).toEqual({ active: 0, waiting: 0 });
    expect(names(m)).toEqual(['holder']);
  });
});

describe('gateOf', () => {
  test('one gate per agent and origin, at the agent\'s maxSockets (1 included); none without a finite cap', () => {
    const agent = { maxSockets: 1 };
    const gate = gateOf(agent, 'https://api.amazon.com/auth/o2/tokeninfo');
    expect(gate).toBeInstanceOf(CallGate);
    expect(gateOf(agent, 'https://api.amazon.com/user/profile')).toBe(gate);
    expect(gateOf(agent, 'https://api.amazon.co.uk/user/profile')).not.toBe(gate);
    expect(gateOf({ maxSockets: 1 }, 'https://api.amazon.com/user/profile')).not.toBe(gate);
    for (const maxSockets of [Infinity, 0, -1, Number.NaN, undefined]) {
      expect(gateOf({ maxSockets }, 'https://api.amazon.com/user/profile')).toBeUndefined();
    }
  });

  test('a gate of 1 lets one call through at a time', () => {
    const gate = gateOf({ maxSockets: 1 }, 'https://api.amazon.com/user/profile');
    const m = manual();
    gate?.run(m.start('one'), 60_000, expired, cancelled);
    gate?.run(m.start('two'), 60_000, expired, cancelled).promise.catch(() => undefined);
    expect(names(m)).toEqual(['one']);
    expect(gate?.counts).toEqual({ active: 1, waiting: 1 });
  });

  test('the errors of a waiting call look like got\'s: a TimeoutError with ETIMEDOUT, a CancelError with ERR_CANCELED', () => {
    expect(socketWaitTimedOut()).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', message: 'timed out waiting for a socket' });
    expect(cancelledWhileWaiting()).toMatchObject({ name: 'CancelError', code: 'ERR_CANCELED', message: 'cancelled while waiting for a socket' });
  });
});
