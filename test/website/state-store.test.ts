/** The default state store: pending sign-ins in the request's session, whatever the session library. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { MAX_PENDING_PER_SESSION, SESSION_KEY, sessionStore, type StoredState } from '../../lib/website/state-store.js';
import { doc } from '../helpers/readme-blocks.js';
import { stateKeyedStore } from '../helpers/state-keyed-store.js';

const record = (n: number): StoredState => ({ verifierSeed: `v${String(n)}`.padEnd(43, 'x'), redirectURI: 'https://a.example/cb', expiresAt: n, requestedScope: ['profile'] });
const CONTEXT = { strategy: 'amazon', callbackURL: 'https://a.example/cb' };

/** @fastify/secure-session's shape: get/set, and a change is seen only through set. */
function accessorSession(): { get(key: string): unknown; set(key: string, value: unknown): void; data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (key) => data.get(key), set: (key, value) => { data.set(key, value); } };
}

describe('sessionStore', () => {
  test('keeps records under SESSION_KEY, per strategy name, in a property session (express-session, koa-session, cookie-session)', async () => {
    const req = { session: {} as Record<string, unknown> };
    await sessionStore('amazon').save(req, 's1', record(1), CONTEXT);
    await sessionStore('other').save(req, 's1', record(2), CONTEXT);
    expect(req.session[SESSION_KEY]).toEqual({ amazon: { s1: record(1) }, other: { s1: record(2) } });
    await expect(sessionStore('amazon').take(req, 's1', CONTEXT)).resolves.toEqual(record(1));
    await expect(sessionStore('amazon').take(req, 's1', CONTEXT)).resolves.toBeUndefined(); // single-use
    await expect(sessionStore('other').take(req, 's1', CONTEXT)).resolves.toEqual(record(2));
  });

  test('uses get/set when the session has them (@fastify/secure-session)', async () => {
    const session = accessorSession();
    await sessionStore('amazon').save({ session }, 's1', record(1), CONTEXT);
    expect(session.data.get(SESSION_KEY)).toEqual({ amazon: { s1: record(1) } });
    await expect(sessionStore('amazon').take({ session }, 's1', CONTEXT)).resolves.toEqual(record(1));
    expect(session.data.get(SESSION_KEY)).toEqual({ amazon: {} });
  });

  test(`keeps the ${String(MAX_PENDING_PER_SESSION)} most recent pending sign-ins per session`, async () => {
    const req = { session: {} };
    const store = sessionStore('amazon');
    for (let n = 1; n <= MAX_PENDING_PER_SESSION + 2; n += 1) await store.save(req, `s${String(n)}`, record(n), CONTEXT);
    await expect(store.take(req, 's1', CONTEXT)).resolves.toBeUndefined();
    await expect(store.take(req, 's2', CONTEXT)).resolves.toBeUndefined();
    await expect(store.take(req, 's3', CONTEXT)).resolves.toEqual(record(3));
    await expect(store.take(req, `s${String(MAX_PENDING_PER_SESSION + 2)}`, CONTEXT)).resolves.toEqual(record(MAX_PENDING_PER_SESSION + 2));
  });

  test('an inherited key is not a record (take("__proto__"), take("constructor"))', async () => {
    const req = { session: {} };
    await sessionStore('amazon').save(req, 's1', record(1), CONTEXT);
    await expect(sessionStore('amazon').take(req, '__proto__', CONTEXT)).resolves.toBeUndefined();
    await expect(sessionStore('amazon').take(req, 'constructor', CONTEXT)).resolves.toBeUndefined();
  });

  test('without a session: save rejects, take finds nothing', async () => {
    for (const req of [{}, { session: null }, null, 'req']) {
      await expect(sessionStore('amazon').save(req, 's1', record(1), CONTEXT)).rejects.toThrow('no session');
      await expect(sessionStore('amazon').take(req, 's1', CONTEXT)).resolves.toBeUndefined();
    }
  });
});

describe('the StateStore example of the README and the JSDoc (test/helpers/state-keyed-store.ts)', () => {
  const EXPIRY_LINE = 'for (const [key, r] of pending) { if (r.expiresAt > now) break; pending.delete(key); } // oldest first';
  const CAP_LINE = 'if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);';

  test('is bounded: expired records are dropped at the next save, and the oldest go past the cap', async () => {
    const store = stateKeyedStore(3);
    const now = Date.now();
    await store.save({}, 'old1', { ...record(1), expiresAt: now - 2 }, CONTEXT);
    await store.save({}, 'old2', { ...record(2), expiresAt: now - 1 }, CONTEXT);
    await store.save({}, 'a', { ...record(3), expiresAt: now + 60_000 }, CONTEXT);
    expect([...store.pending.keys()]).toEqual(['a']);
    for (const key of ['b', 'c', 'd']) await store.save({}, key, { ...record(4), expiresAt: now + 60_000 }, CONTEXT);
    expect([...store.pending.keys()]).toEqual(['b', 'c', 'd']);
    await expect(store.take({}, 'b', CONTEXT)).resolves.toBeDefined();
    await expect(store.take({}, 'b', CONTEXT)).resolves.toBeUndefined();
  });

  test('the website guide and the JSDoc show the same two bounding lines', () => {
    const jsdoc = readFileSync(new URL('../../lib/website/state-store.ts', import.meta.url), 'utf8');
    for (const line of [EXPIRY_LINE, CAP_LINE]) {
      expect(doc('website')).toContain(line);
      expect(jsdoc).toContain(line);
    }
  });
});
