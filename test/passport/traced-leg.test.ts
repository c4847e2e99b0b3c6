/**
 * traceLeg on its own: whatever the leg does (resolves, rejects with anything, throws before its
 * first await), the action is settled exactly once, with a listener on the channel or without, and
 * the trace records only what a TracedAction has (never the rest of the flow's action).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { AuthenticateContext } from '../../lib/index.js';
import { traceLeg } from '../../lib/passport/traced-leg.js';
import { recordAuthenticate, type Recorded } from '../helpers/channels.js';

type Action = { kind: 'redirect'; url: string } | { kind: 'error'; error: Error };

let auth: Recorded<AuthenticateContext> | undefined;
afterEach(() => { auth?.stop(); auth = undefined; });

function settleOf(run: () => Promise<Action>): Promise<Action[]> {
  const settled: Action[] = [];
  return new Promise((resolve) => {
    traceLeg<Action>({
      strategy: 'leg',
      run,
      failed: (err) => ({ kind: 'error', error: err instanceof Error ? err : new Error('non-Error') }),
      settle: (action) => { settled.push(action); setImmediate(() => { resolve(settled); }); },
    });
  });
}

const legs: [string, () => Promise<Action>, string][] = [
  ['resolves', () => Promise.resolve({ kind: 'redirect', url: 'https://example.com/?state=SECRETSTATE' }), 'redirect'],
  ['rejects with an Error', () => Promise.reject(new Error('boom')), 'error'],
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what an app's code may do
  ['rejects with undefined', () => Promise.reject(undefined), 'error'],
  ['throws before its first await', () => { throw new Error('sync'); }, 'error'],
];

describe.each([['nobody listening', false], ['a listener on the channel', true]])('traceLeg with %s', (_name, listen) => {
  test.each(legs)('a leg that %s settles exactly once', async (_leg, run, kind) => {
    if (listen) auth = recordAuthenticate<AuthenticateContext>();
    const settled = await settleOf(run);
    expect(settled.map((a) => a.kind)).toEqual([kind]);
    if (!auth) return;
    const ends = auth.events.filter((e) => e.phase === 'asyncEnd').map((e) => e.snapshot);
    expect(ends).toHaveLength(1);
    expect(ends[0]?.outcome).toBe(kind);
    expect(JSON.stringify(auth.events.map((e) => e.snapshot))).not.toContain('SECRETSTATE');
  });
});
