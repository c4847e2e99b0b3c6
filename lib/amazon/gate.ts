/**
 * The calls to one host that wait for a socket, held as a function to call instead of as a started
 * request. A got request waiting in an agent's queue costs about 20 KB (its options, hooks, streams
 * and `ClientRequest`); a call waiting here costs its closure and a timer. Under a flood against a
 * silent Amazon, nearly every admitted request waits for a socket, so this is most of what a
 * waiting request costs.
 */

import { asError } from '../core/errors.js';

/** A call under way: its answer, and a way to stop it. */
export interface PendingCall<T> {
  promise: Promise<T>;
  cancel: () => void;
}

/** Starts the call, with the milliseconds it has left of its first attempt's `timeout`. */
export type StartCall<T> = (remainingMs: number) => PendingCall<T>;

interface Waiter {
  /** Starts the call now that a slot is free. */
  start: () => void;
}

/**
 * At most `limit` calls under way at once (the agent's sockets for the host); the rest wait in
 * arrival order. A waiting call is given up after `timeout` milliseconds, which is what the agent's
 * queue did (got's `timeout` covers the wait for a socket), with the error of `expired`; a
 * cancelled one leaves the queue at once. A call that starts gets what is left of `timeout` for
 * its first attempt.
 */
export class CallGate {
  private active = 0;
  /** Waiting calls, oldest first (a Set keeps insertion order and deletes in O(1)). */
  private readonly queue = new Set<Waiter>();

  constructor(private readonly limit: number) {}

  /** Calls under way, and calls waiting for a slot. */
  get counts(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.queue.size };
  }

  run<T>(start: StartCall<T>, timeout: number, expired: () => Error, cancelled: () => Error): PendingCall<T> {
    if (this.active < this.limit) return this.started(start, timeout);
    const enqueuedAt = performance.now();
    let call: PendingCall<T> | undefined;
    let leave: (error: Error) => void = () => undefined;
    const promise = new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          try {
            call = this.started(start, timeout - (performance.now() - enqueuedAt));
          } catch (error) {
            reject(asError(error, 'the call could not start'));
            return;
          }
          call.promise.then(resolve, reject);
        },
      };
      leave = (error) => {
        clearTimeout(timer);
        this.queue.delete(waiter);
        reject(error);
      };
      const timer = setTimeout(() => { leave(expired()); }, timeout);
      this.queue.add(waiter);
    });
    return {
      promise,
      cancel: () => {
        if (call) call.cancel();
        else leave(cancelled());
      },
    };
  }

  private started<T>(start: StartCall<T>, remainingMs: number): PendingCall<T> {
    this.active += 1;
    let call: PendingCall<T>;
    try {
      call = start(Math.max(1, Math.floor(remainingMs)));
    } catch (error) {
      this.release();
      throw error;
    }
    call.promise.then(this.release, this.release);
    return call;
  }

  private readonly release = (): void => {
    this.active -= 1;
    const [next] = this.queue;
    if (next === undefined) return;
    this.queue.delete(next);
    next.start();
  };
}

/**
 * The gates of each agent with a finite `maxSockets` (the defaults, and a proxy agent given one),
 * one per origin, as the agent's own pools are: shared by every strategy that uses the agent.
 */
const gates = new WeakMap<object, Map<string, CallGate>>();

export function gateOf(agent: { maxSockets?: number }, url: string): CallGate | undefined {
  const limit = agent.maxSockets;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 1) return undefined;
  let byOrigin = gates.get(agent);
  if (byOrigin === undefined) {
    byOrigin = new Map();
    gates.set(agent, byOrigin);
  }
  const { origin } = new URL(url);
  let gate = byOrigin.get(origin);
  if (gate === undefined) {
    gate = new CallGate(limit);
    byOrigin.set(origin, gate);
  }
  return gate;
}

/** What a call given up while waiting for a socket fails with: got's timeout, as the agent's queue gave it. */
export function socketWaitTimedOut(): Error {
  return Object.assign(new Error('timed out waiting for a socket'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

/** What a call cancelled while waiting for a socket fails with, as got's `cancel()` would. */
export function cancelledWhileWaiting(): Error {
  return Object.assign(new Error('cancelled while waiting for a socket'), { name: 'CancelError', code: 'ERR_CANCELED' });
}
