import type { Endpoint } from '../core/errors.js';

/** One of the Login with Amazon API endpoints (the library's own `Endpoint`). */
export type FakeEndpoint = Endpoint;

/**
 * A programmed failure of one endpoint. With only `delayMs` the real answer comes late; `status`
 * and/or `body` replace the answer; `drop` destroys the connection without an answer.
 */
export interface FaultOptions {
  /** HTTP status to answer. Without `body`, a 4xx/5xx gets Amazon's error body for it. Default: 200 with a `body`, else the real status. */
  status?: number;
  /** Body to answer: a string is sent as is (`text/html` when it starts with `<`), anything else as JSON. */
  body?: unknown;
  /** Extra response headers (they override the defaults). */
  headers?: Readonly<Record<string, string>>;
  /** Milliseconds to wait before answering or dropping, on top of `latencyMs`. Default `0`. */
  delayMs?: number;
  /** Destroy the connection instead of answering (the client sees a reset). Default `false`. */
  drop?: boolean;
  /** How many of the next calls it applies to. Default: every call until `reset()`. */
  times?: number;
}

interface QueuedFault {
  options: FaultOptions;
  remaining: number;
}

function integerIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function checkFault(options: unknown): FaultOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('"fault" options must be an object');
  const o = options as Record<string, unknown>;
  if (o.status !== undefined && !integerIn(o.status, 200, 599)) {
    throw new TypeError('"status" must be an integer from 200 to 599');
  }
  if (o.delayMs !== undefined && !(typeof o.delayMs === 'number' && o.delayMs >= 0 && Number.isFinite(o.delayMs))) {
    throw new TypeError('"delayMs" must be a non-negative number');
  }
  if (o.times !== undefined && !integerIn(o.times, 1, Infinity)) {
    throw new TypeError('"times" must be a positive integer');
  }
  if (o.drop !== undefined && typeof o.drop !== 'boolean') throw new TypeError('"drop" must be a boolean');
  if (o.headers !== undefined && (typeof o.headers !== 'object' || o.headers === null)) {
    throw new TypeError('"headers" must be an object');
  }
  return { ...o };
}

function isEndpoint(value: unknown): value is FakeEndpoint {
  return value === 'tokeninfo' || value === 'profile' || value === 'token';
}

/** Faults waiting per endpoint, applied first-in first-out. */
export class FaultQueue {
  private readonly queues: Record<FakeEndpoint, QueuedFault[]> = { tokeninfo: [], profile: [], token: [] };

  /** Queues a fault behind the ones already waiting for this endpoint. */
  add(endpoint: unknown, options: unknown): void {
    if (!isEndpoint(endpoint)) {
      throw new TypeError('"endpoint" must be \'tokeninfo\', \'profile\' or \'token\'');
    }
    const fault = checkFault(options);
    this.queues[endpoint].push({ options: fault, remaining: fault.times ?? Infinity });
  }

  /** The fault for the next call of `endpoint`, used up as it is taken. */
  take(endpoint: FakeEndpoint): FaultOptions | undefined {
    const queue = this.queues[endpoint];
    const next = queue[0];
    if (next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next.options;
  }

  /** Forgets every fault. */
  clear(): void {
    this.queues.tokeninfo = [];
    this.queues.profile = [];
    this.queues.token = [];
  }
}
