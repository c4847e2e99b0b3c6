/**
 * `NODE_DEBUG=passport-login-with-amazon`: one line on stderr per `fail()` and `error()` of any of
 * the three strategies (and per action a strategy has a hint for), with the strategy's name, the
 * outcome, the status and the reason, so that a refusal says why without a custom callback.
 * Node's `util.debuglog`: while the section is off, a call costs one property read.
 *
 * A line never holds a token, a code, a verifier or a secret: it is built from the action's fixed
 * message, its challenge, its error's code, name and message (the library's are fixed strings that
 * name fields, never their values), never from a request's query, body or headers.
 */
import { debuglog } from 'node:util';
import { LoginWithAmazonError } from '../core/errors.js';

/** The `NODE_DEBUG` section of the library. */
export const DEBUG_SECTION = 'passport-login-with-amazon';

// Created once: debuglog reads NODE_DEBUG on the first call, and `enabled` is free afterwards.
const debug = debuglog(DEBUG_SECTION);

/** A line's longest length: a verify's message could be anything. */
const MAX_LINE = 600;

/** What the log reads of a Passport action (every flow's action has this shape). */
export interface LoggedAction {
  kind: string;
  status?: number;
  /** A `fail()`'s message (website and app-code flows). */
  message?: string;
  /** A `fail()`'s RFC 6750 challenge (token flow). */
  challenge?: string;
  /** What the log says instead of the message: a likelier cause the client must not be told. */
  reason?: string;
  error?: Error;
}

/** `invalid_token: token expired` out of a challenge; `no token in the request` for a bare one. */
function fromChallenge(challenge: string): string {
  const error = /error="([^"]*)"/.exec(challenge)?.[1];
  if (error === undefined) return 'no token in the request';
  const description = /error_description="((?:[^"\\]|\\.)*)"/.exec(challenge)?.[1];
  return description === undefined ? error : `${error}: ${description}`;
}

function errorLine(error: Error | undefined): { status: number; reason: string } {
  if (error instanceof LoginWithAmazonError) {
    const upstream = error.upstreamError === undefined ? '' : ` (Amazon's error: ${error.upstreamError})`;
    return { status: error.status, reason: `${error.code}: ${error.message}${upstream}` };
  }
  return { status: 500, reason: error === undefined ? 'no error' : `${error.name}: ${error.message}` };
}

/** The line for an action, or `undefined` for one that is not logged (a success, a plain redirect). */
export function debugLine(strategy: string, action: LoggedAction): string | undefined {
  let status: number;
  let reason: string;
  if (action.kind === 'error') {
    ({ status, reason } = errorLine(action.error));
  } else if (action.kind === 'fail') {
    status = action.status ?? 401;
    reason = action.reason ?? action.message ?? (action.challenge === undefined ? 'no reason given' : fromChallenge(action.challenge));
  } else if (action.reason !== undefined) {
    status = action.status ?? (action.kind === 'redirect' ? 302 : 200);
    reason = action.reason;
  } else {
    return undefined;
  }
  // One line whatever the message holds: no control characters, bounded.
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return `${strategy} ${action.kind} ${String(status)}: ${reason}`.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, MAX_LINE);
}

/** Whether `NODE_DEBUG` names the section: a flow builds a reason of its own only then. */
export function debugEnabled(): boolean {
  return debug.enabled;
}

/** Writes the action's line when `NODE_DEBUG` names the section; nothing (and no work) otherwise. */
export function logOutcome(strategy: string, action: LoggedAction): void {
  if (!debug.enabled) return;
  const line = debugLine(strategy, action);
  if (line !== undefined) debug('%s', line);
}
