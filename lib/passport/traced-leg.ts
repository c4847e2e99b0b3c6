import { traceAuthenticate, type TracedAction } from '../diagnostics/authenticate-trace.js';

/**
 * How one asynchronous `authenticate()` is traced and settled. The action is the flow's own; the
 * trace reads only what a {@link TracedAction} has of it (`userId`, `status`, `code`, `error`),
 * never a URL, a message or a token it may carry.
 */
export interface TracedLeg<A extends TracedAction> {
  /** The strategy's name, for the trace's `strategy`. */
  strategy: string;
  /** The leg: the Passport action it ends in. Started inside the trace (its upstream calls are the trace's children). */
  run: () => Promise<A>;
  /** The action for a leg that threw or rejected. */
  failed: (err: unknown) => A;
  /** Performs the action, once. */
  settle: (action: A) => void;
}

/**
 * Runs a flow's asynchronous `authenticate()` leg inside the `authenticate` trace, as the token
 * strategy is traced: `start`/`end` around starting it, then the outcome, and `asyncStart`/
 * `asyncEnd` around the Passport action. Nobody listening: no trace, no cost. A leg that throws or
 * rejects settles as `failed(err)`; the action is settled exactly once.
 */
export function traceLeg<A extends TracedAction>({ strategy, run, failed, settle }: TracedLeg<A>): void {
  const trace = traceAuthenticate(strategy);
  const done = (action: A): void => {
    if (trace) trace.settle(action, () => { settle(action); });
    else settle(action);
  };
  const start = (): void => {
    new Promise<A>((resolve) => { resolve(run()); }).then(done, (err: unknown) => { done(failed(err)); });
  };
  if (trace) trace.run(start);
  else start();
}
