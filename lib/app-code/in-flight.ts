import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import type { CodeToRedeem } from '../passport/grant.js';

/**
 * Exchanges in flight, keyed by a hash of the code, the verifier and the redirect URI: a double
 * tap (the same request twice at once) shares one exchange, and so one outcome, instead of the
 * second spending the single-use code again and failing. A key lives only while its exchange
 * runs; the raw code and verifier are never kept, and `util.inspect` shows only the count.
 */
export class InFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  /** The running exchange for these secrets, or a new one from `start`. */
  run(secrets: CodeToRedeem, start: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(JSON.stringify([secrets.code, secrets.verifier, secrets.redirectURI])).digest('base64url');
    const running = this.#running.get(key);
    if (running !== undefined) return running;
    const started = start().finally(() => { this.#running.delete(key); });
    this.#running.set(key, started);
    return started;
  }

  /** How many exchanges run now. */
  get size(): number {
    return this.#running.size;
  }

  [inspect.custom](): string {
    return `InFlight { size: ${String(this.#running.size)} }`;
  }

  toJSON(): Record<string, unknown> {
    return { size: this.#running.size };
  }
}
