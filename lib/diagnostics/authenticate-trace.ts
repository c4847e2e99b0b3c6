import { authenticateChannel, listening, runTrace, settleTrace, type AuthenticateContext, type ValidationNote } from './channels.js';
import { LoginWithAmazonError } from '../core/errors.js';

/** What the trace needs to know of the Passport action an authentication ends in. */
export type TracedAction =
  | { kind: 'success'; userId: string }
  | { kind: 'fail'; status?: number; code?: string }
  | { kind: 'redirect' }
  | { kind: 'error'; error: Error };

/** The `authenticate` trace of one request. */
export interface AuthenticateTrace {
  /** Filled in by the validator. */
  note: ValidationNote;
  /** Runs the synchronous part of `authenticate()` between `start` and `end`. */
  run(body: () => void): void;
  /** Records the outcome, then runs `deliver` between `asyncStart` and `asyncEnd`. */
  settle(action: TracedAction, deliver: () => void): void;
}

function describe(context: AuthenticateContext, action: TracedAction): void {
  context.outcome = action.kind;
  switch (action.kind) {
    case 'success':
      context.status = 200;
      context.userId = action.userId;
      return;
    case 'fail':
      context.status = action.status ?? 401;
      if (action.code !== undefined) context.code = action.code;
      return;
    case 'redirect':
      context.status = 302;
      return;
    case 'error': {
      const { error } = action;
      const known = error instanceof LoginWithAmazonError;
      context.status = known ? error.status : 500;
      if (known) context.code = error.code;
      context.error = error;
    }
  }
}

/** The trace of an `authenticate()` call, or `undefined` (and no cost) when nobody listens. */
export function traceAuthenticate(strategy: string): AuthenticateTrace | undefined {
  const channel = authenticateChannel;
  if (!listening(channel)) return undefined;
  const context: AuthenticateContext = { strategy };
  const note: ValidationNote = {};
  return {
    note,
    run(body) {
      runTrace(channel, context, body);
    },
    settle(action, deliver) {
      describe(context, action);
      if (note.cache !== undefined) context.cache = note.cache;
      settleTrace(channel, context, deliver);
    },
  };
}
