/**
 * The replay store's pieces on their own (lib/website/used-states.ts): the key names strategy,
 * callbackURL and state, each of them; `null` is "absent" as `undefined` is; a write answered
 * `false` or a read-back of `null` refuses even when the rest looks fine; the option takes only an
 * object with get() and set() functions. (replay-store.test.ts drives the same code through sign-ins.)
 */
import { describe, expect, test } from '@jest/globals';
import { firstUse, REPLAY_STORE_FAILED, replayStoreOption, USED_STATE_KEY_PREFIX, usedStateKey } from '../../lib/website/used-states.js';

const context = { strategy: 'amazon', callbackURL: 'https://app.example/auth/amazon/callback' };

/** A map-backed store whose answers the test can bend. */
function store(bend: { absentAs?: null; setAnswers?: unknown; readBackAs?: null } = {}) {
  const data = new Map<string, unknown>();
  let reads = 0;
  return {
    data,
    get: (key: string): Promise<unknown> => {
      reads += 1;
      if (bend.readBackAs === null && reads % 2 === 0) return Promise.resolve(null);
      return Promise.resolve(data.has(key) ? data.get(key) : bend.absentAs);
    },
    set: (key: string, value: unknown): Promise<unknown> => {
      data.set(key, value);
      return Promise.resolve('setAnswers' in bend ? bend.setAnswers : true);
    },
  };
}

describe('usedStateKey', () => {
  test('differs when any of strategy, callbackURL or state differs, and never holds them in clear', () => {
    const base = usedStateKey(context, 'state-1');
    expect(base.startsWith(USED_STATE_KEY_PREFIX)).toBe(true);
    expect(base).not.toContain('state-1');
    expect(base).not.toContain('app.example');
    expect(usedStateKey(context, 'state-1')).toBe(base);
    const others = [
      usedStateKey(context, 'state-2'),
      usedStateKey({ ...context, strategy: 'amazon-eu' }, 'state-1'),
      usedStateKey({ ...context, callbackURL: 'https://other.example/auth/amazon/callback' }, 'state-1'),
    ];
    expect(new Set([base, ...others]).size).toBe(4);
  });
});

describe('firstUse', () => {
  test('two different states in one store are each a first use; the same state again is not', async () => {
    const s = store();
    await expect(firstUse(s, usedStateKey(context, 'a'), 60_000)).resolves.toBe(true);
    await expect(firstUse(s, usedStateKey(context, 'b'), 60_000)).resolves.toBe(true);
    await expect(firstUse(s, usedStateKey(context, 'a'), 60_000)).resolves.toBe(false);
  });

  test('a store that answers null for an absent key (as some do) still gets a first use', async () => {
    const s = store({ absentAs: null });
    await expect(firstUse(s, usedStateKey(context, 'a'), 60_000)).resolves.toBe(true);
    await expect(firstUse(s, usedStateKey(context, 'a'), 60_000)).resolves.toBe(false);
  });

  test('a write answered false is refused even though the read-back finds the nonce', async () => {
    const s = store({ setAnswers: false });
    await expect(firstUse(s, usedStateKey(context, 'a'), 60_000)).rejects.toThrow(REPLAY_STORE_FAILED);
    expect(s.data.size).toBe(1);
  });

  test('a read-back of null is refused as a failed store, not taken as a replay', async () => {
    const s = store({ readBackAs: null });
    await expect(firstUse(s, usedStateKey(context, 'a'), 60_000)).rejects.toThrow(REPLAY_STORE_FAILED);
  });

  test('a write answered with anything but false (undefined, a Keyv-style true, an object) passes when the read-back holds the nonce', async () => {
    for (const answer of [undefined, true, { ok: 1 }]) {
      await expect(firstUse(store({ setAnswers: answer }), usedStateKey(context, 'a'), 60_000)).resolves.toBe(true);
    }
  });
});

describe('replayStoreOption', () => {
  const message = '"replayStore" must be an object with get() and set() methods (a Keyv instance, for example)';
  const refused: [string, unknown][] = [
    ['a function carrying get and set', Object.assign(() => undefined, { get: () => undefined, set: () => undefined })],
    ['get that is not a function', { get: 1, set: () => undefined }],
    ['set that is not a function', { get: () => undefined, set: 'x' }],
    ['null', null],
    ['a string', 'redis://localhost'],
  ];
  test.each(refused)('%s is a TypeError naming the option', (_name, value) => {
    expect(() => replayStoreOption(value)).toThrow(new TypeError(message));
  });

  test('absent is no store; an object with get() and set() is taken as it is', () => {
    expect(replayStoreOption(undefined)).toBeUndefined();
    const s = store();
    expect(replayStoreOption(s)).toBe(s);
  });
});
