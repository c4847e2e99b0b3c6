import type { ServerResponse } from 'node:http';
import type { FaultOptions } from './faults.js';
import { contentType } from './responses.js';

/** Writes one answer of the fake: JSON (or a fault's raw text) with Amazon's request id header. */
export function send(res: ServerResponse, status: number, body: unknown, headers: FaultOptions['headers'], requestId: string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType(body),
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
    ...headers,
  });
  res.end(text);
}

/** Delayed answers (latency, fault delays), all dropped at once when the fake closes. */
export class Timers {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `action` after `ms` milliseconds, or now when `ms` is not positive. */
  later(ms: number, action: () => void): void {
    if (ms <= 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  /** Drops every pending answer. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
