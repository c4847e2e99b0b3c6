/**
 * The authenticate trace on its own (lib/diagnostics/authenticate-trace.ts): what each outcome
 * puts in the context, and the keys it leaves out when it has nothing to say.
 */
import dc from 'node:diagnostics_channel';
import { afterEach, expect, test } from '@jest/globals';
import { AUTHENTICATE_CHANNEL, LoginWithAmazonError, type AuthenticateContext } from '../../lib/index.js';
import { traceAuthenticate, type TracedAction } from '../../lib/diagnostics/authenticate-trace.js';
import { recordTracing, type Recorded } from '../helpers/channels.js';

let recorded: Recorded<AuthenticateContext> | undefined;
afterEach(() => {
  recorded?.stop();
  recorded = undefined;
});

/** The context at asyncEnd of one traced authentication that ends in `action`. */
function ended(action: TracedAction, cache?: 'hit'): AuthenticateContext | undefined {
  recorded = recordTracing<AuthenticateContext>(AUTHENTICATE_CHANNEL);
  const trace = traceAuthenticate('amazon-token');
  if (trace === undefined) throw new Error('expected a trace while someone listens');
  trace.run(() => undefined);
  if (cache !== undefined) trace.note.cache = cache;
  trace.settle(action, () => undefined);
  return recorded.events.find((e) => e.phase === 'asyncEnd')?.snapshot;
}

test('a trace exactly when someone listens (other files of a jest worker may have left a subscriber)', () => {
  const listening = dc.tracingChannel(AUTHENTICATE_CHANNEL).hasSubscribers;
  expect(traceAuthenticate('amazon-token') !== undefined).toBe(listening);
});

const appError = new TypeError('app failed');
const lwaError = new LoginWithAmazonError('LWA_TIMEOUT', 'tokeninfo request timed out', { endpoint: 'tokeninfo' });

test.each<[string, TracedAction, AuthenticateContext]>([
  ['success', { kind: 'success', userId: 'amzn1.account.U' }, { strategy: 'amazon-token', outcome: 'success', status: 200, userId: 'amzn1.account.U' }],
  ['a fail without status or code', { kind: 'fail' }, { strategy: 'amazon-token', outcome: 'fail', status: 401 }],
  ['a fail with both', { kind: 'fail', status: 403, code: 'LWA_INSUFFICIENT_SCOPE' }, { strategy: 'amazon-token', outcome: 'fail', status: 403, code: 'LWA_INSUFFICIENT_SCOPE' }],
  ['a redirect', { kind: 'redirect' }, { strategy: 'amazon-token', outcome: 'redirect', status: 302 }],
  ['an app error', { kind: 'error', error: appError }, { strategy: 'amazon-token', outcome: 'error', status: 500, error: appError }],
  ['a LoginWithAmazonError', { kind: 'error', error: lwaError }, { strategy: 'amazon-token', outcome: 'error', status: 504, code: 'LWA_TIMEOUT', error: lwaError }],
])('%s: exactly these keys', (_name, action, context) => {
  expect(ended(action)).toStrictEqual(context);
});

test('the cache answer the validator noted', () => {
  expect(ended({ kind: 'success', userId: 'u' }, 'hit')).toStrictEqual({ strategy: 'amazon-token', outcome: 'success', status: 200, userId: 'u', cache: 'hit' });
});
