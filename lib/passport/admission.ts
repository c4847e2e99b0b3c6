/**
 * The bound on work waiting for Amazon, one per strategy: at most `maxWaitingForAmazon` requests
 * wait at once; the next is refused at once (`LWA_OVERLOADED`, 503 with `Retry-After`), without a
 * call to Amazon and without keeping anything of it. Each admitted request gets its answer within
 * the upstream deadline, whatever the sockets, the agent's queue or Amazon do.
 */
import { RETRY_DELAY_MS } from '../amazon/http.js';
import { asError, LoginWithAmazonError } from '../core/errors.js';
import { MAX_TIMEOUT } from '../core/option-checks.js';
import { headerWriterOf } from './response.js';

/** What an admission needs from the resolved options. */
export interface AdmissionOptions {
  maxWaitingForAmazon: number;
  timeout: number;
  retries: number;
  /** The token cache's `storeTimeout` when a shared store is read first; else absent. */
  storeTimeout?: number;
}

/**
 * Milliseconds the strategy's own timer waits past the promise below: got's timeout of the last
 * attempt normally answers first, with the endpoint that timed out (and its trace ends first).
 */
export const DEADLINE_GRACE_MS = 250;

/**
 * Milliseconds within which the upstream part of one authentication answers:
 * `storeTimeout + timeout × (retries + 1) + 50 ms × retries` (at most Node's largest timer). Past
 * it the request gets `LWA_TIMEOUT` (504).
 */
export function upstreamDeadline({ timeout, retries, storeTimeout = 0 }: Omit<AdmissionOptions, 'maxWaitingForAmazon'>): number {
  return Math.min(MAX_TIMEOUT, storeTimeout + timeout * (retries + 1) + retries * RETRY_DELAY_MS);
}

/**
 * Counts the requests of one strategy that wait for Amazon (a cache miss, a coalesced lookup, a
 * code exchange and its profile). A slot is taken before any upstream work and given back when
 * that work has settled, on every path; the app's verify runs after, outside the count.
 */
export class Admission {
  private waiting = 0;
  private readonly max: number;
  /** The promise plus {@link DEADLINE_GRACE_MS}, at most Node's largest timer. */
  private readonly deadline: number;
  /** `Retry-After` of a refused request: the seconds the requests already waiting take at most. */
  readonly retryAfter: number;

  constructor(options: AdmissionOptions) {
    this.max = options.maxWaitingForAmazon;
    const promise = upstreamDeadline(options);
    this.deadline = Math.min(MAX_TIMEOUT, promise + DEADLINE_GRACE_MS);
    this.retryAfter = Math.max(1, Math.ceil(promise / 1000));
  }

  /** Requests waiting for Amazon now. */
  get size(): number {
    return this.waiting;
  }

  /**
   * Runs `work` (the request's upstream part) if a slot is free, else rejects at once with
   * `LWA_OVERLOADED` and sets `Retry-After` on the response where the request leads to one. The
   * answer comes within the deadline; the slot is held until `work` itself settles, so that work
   * still under way (a request left in an agent's queue) stays counted.
   */
  run<T>(req: unknown, work: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.max) return Promise.reject(this.refuse(req));
    this.waiting += 1;
    let done: Promise<T>;
    try {
      done = work();
    } catch (err) {
      done = Promise.reject(asError(err, 'the upstream work threw a non-Error value'));
    }
    void Promise.resolve(done).then(this.release, this.release);
    return this.within(Promise.resolve(done));
  }

  private readonly release = (): void => {
    this.waiting -= 1;
  };

  private refuse(req: unknown): LoginWithAmazonError {
    const { retryAfter } = this;
    try {
      headerWriterOf(req, 'set')?.('retry-after', String(retryAfter));
    } catch {
      // A response that refuses the header: the error still carries it in `headers`.
    }
    return new LoginWithAmazonError('LWA_OVERLOADED', 'too many requests are waiting for Amazon', { retryAfter });
  }

  /** `work`'s outcome, or `LWA_TIMEOUT` when the deadline comes first. */
  private within<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new LoginWithAmazonError('LWA_TIMEOUT', 'Amazon did not answer within the deadline'));
      }, this.deadline);
      timer.unref();
      work.then(resolve, reject).finally(() => { clearTimeout(timer); });
    });
  }
}
