/**
 * The checks of lib/website/state-store.ts: which requests carry a session, which sessions are read
 * through get/set and which through their properties, what a session holds under SESSION_KEY when it
 * is not an object, and which store answers have the shape of a pending sign-in (isStoredState).
 */
import { describe, expect, jest, test } from '@jest/globals';
import fc from 'fast-check';
import { isStoredState, SESSION_KEY, sessionOf, sessionStore, type StoredState } from '../../lib/website/state-store.js';

const RECORD: StoredState = { verifierSeed: 'v'.repeat(43), redirectURI: 'https://a.example/cb', expiresAt: 1, requestedScope: ['profile'] };
const CONTEXT = { strategy: 'amazon', callbackURL: 'https://a.example/cb' };

describe('sessionOf', () => {
  test.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'req'],
    ['a number', 42],
    ['an object without a session', {}],
    ['an object whose session is null', { session: null }],
    ['an object whose session is a string (a session id)', { session: 'sid' }],
    ['an object whose session is a number', { session: 1 }],
    ['an object whose session is true', { session: true }],
    ['an object whose session is a function', { session: () => ({}) }],
  ])('a request that is %s has no session (undefined, not null, not the value)', (_name, req) => {
    expect(sessionOf(req)).toBeUndefined();
  });

  test('an object session is the request\'s own session object', () => {
    const session = { user: 'ada' };
    expect(sessionOf({ session })).toBe(session);
  });
});

describe('sessionStore with sessions of odd shapes', () => {
  test.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string session id', 'sid'],
    ['a number', 1],
  ])('a session that is %s: save rejects with "no session", take finds nothing', async (_name, session) => {
    const req = { session };
    await expect(sessionStore('amazon').save(req, 's1', RECORD, CONTEXT)).rejects.toThrow(new Error('no session'));
    await expect(sessionStore('amazon').take(req, 's1', CONTEXT)).resolves.toBeUndefined();
    expect(req.session).toBe(session);
  });

  test('a session with get but no set is a property session: records go in its SESSION_KEY property, get is never called', async () => {
    const get = jest.fn(() => ({ amazon: { s1: { ...RECORD, verifierSeed: 'from get' } } }));
    const session: Record<string, unknown> = { get };
    const store = sessionStore('amazon');
    await store.save({ session }, 's1', RECORD, CONTEXT);
    expect(session[SESSION_KEY]).toEqual({ amazon: { s1: RECORD } });
    await expect(store.take({ session }, 's1', CONTEXT)).resolves.toEqual(RECORD);
    expect(session[SESSION_KEY]).toEqual({ amazon: {} });
    expect(get).not.toHaveBeenCalled();
  });

  test('a session with set but no get is a property session: records go in its SESSION_KEY property, set is never called', async () => {
    const set = jest.fn();
    const session: Record<string, unknown> = { set };
    const store = sessionStore('amazon');
    await store.save({ session }, 's1', RECORD, CONTEXT);
    expect(session[SESSION_KEY]).toEqual({ amazon: { s1: RECORD } });
    await expect(store.take({ session }, 's1', CONTEXT)).resolves.toEqual(RECORD);
    expect(session[SESSION_KEY]).toEqual({ amazon: {} });
    expect(set).not.toHaveBeenCalled();
  });

  test('a session with get and set is read and written through them only', async () => {
    const data = new Map<string, unknown>();
    const get = jest.fn((key: string) => data.get(key));
    const set = jest.fn((key: string, value: unknown) => { data.set(key, value); });
    const session: Record<string, unknown> = { get, set };
    await sessionStore('amazon').save({ session }, 's1', RECORD, CONTEXT);
    expect(get.mock.calls).toEqual([[SESSION_KEY]]);
    expect(set.mock.calls).toEqual([[SESSION_KEY, { amazon: { s1: RECORD } }]]);
    expect(Object.keys(session)).toEqual(['get', 'set']);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['a string', 'garbage'],
    ['a number', 7],
  ])('a property session holding %s under SESSION_KEY: take finds nothing, save starts afresh', async (_name, held) => {
    const session: Record<string, unknown> = { [SESSION_KEY]: held };
    const store = sessionStore('amazon');
    await expect(store.take({ session }, 's1', CONTEXT)).resolves.toBeUndefined();
    expect(session[SESSION_KEY]).toBe(held); // nothing found, nothing written
    await store.save({ session }, 's1', RECORD, CONTEXT);
    expect(session[SESSION_KEY]).toEqual({ amazon: { s1: RECORD } });
  });

  test('an accessor session whose get answers null: take finds nothing, save starts afresh', async () => {
    const set = jest.fn();
    const session = { get: () => null, set };
    const store = sessionStore('amazon');
    await expect(store.take({ session }, 's1', CONTEXT)).resolves.toBeUndefined();
    expect(set).not.toHaveBeenCalled();
    await store.save({ session }, 's1', RECORD, CONTEXT);
    expect(set.mock.calls).toEqual([[SESSION_KEY, { amazon: { s1: RECORD } }]]);
  });
});

describe('isStoredState', () => {
  const VALID = { verifierSeed: 'seed', redirectURI: 'https://a.example/cb', expiresAt: 1, requestedScope: ['profile'] };
  const without = (key: keyof typeof VALID): Record<string, unknown> => Object.fromEntries(Object.entries(VALID).filter(([k]) => k !== key));

  test.each<[string, unknown]>([
    ['the four required fields', VALID],
    ['a record that asked for no scope', { ...VALID, requestedScope: [] }],
    ['several scopes', { ...VALID, requestedScope: ['profile', 'postal_code'] }],
    ['a binding', { ...VALID, binding: 'hash' }],
    ['a binding present but undefined', { ...VALID, binding: undefined }],
    ['an appState of any kind', { ...VALID, appState: { returnTo: '/' } }],
    ['an expiry already past (the caller checks the time)', { ...VALID, expiresAt: 0 }],
  ])('accepts %s', (_name, value) => {
    expect(isStoredState(value)).toBe(true);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'record'],
    ['a number', 1],
    ['a record of an older version (the verifier itself, no verifierSeed)', { ...without('verifierSeed'), verifier: 'v'.repeat(43) }],
    ['verifierSeed missing', without('verifierSeed')],
    ['verifierSeed empty', { ...VALID, verifierSeed: '' }],
    ['verifierSeed a number', { ...VALID, verifierSeed: 42 }],
    ['verifierSeed an array of one string', { ...VALID, verifierSeed: ['seed'] }],
    ['redirectURI missing', without('redirectURI')],
    ['redirectURI a number', { ...VALID, redirectURI: 42 }],
    ['redirectURI null', { ...VALID, redirectURI: null }],
    ['redirectURI a URL object', { ...VALID, redirectURI: new URL('https://a.example/cb') }],
    ['expiresAt missing', without('expiresAt')],
    ['expiresAt a numeric string', { ...VALID, expiresAt: '1' }],
    ['expiresAt null', { ...VALID, expiresAt: null }],
    ['requestedScope missing', without('requestedScope')],
    ['requestedScope a string', { ...VALID, requestedScope: 'profile' }],
    ['requestedScope an array-like object', { ...VALID, requestedScope: { 0: 'profile', length: 1 } }],
    ['requestedScope with a number after a string', { ...VALID, requestedScope: ['profile', 1] }],
    ['requestedScope with a number before a string', { ...VALID, requestedScope: [1, 'profile'] }],
    ['requestedScope of one number', { ...VALID, requestedScope: [1] }],
    ['requestedScope with null', { ...VALID, requestedScope: [null] }],
    ['binding a number', { ...VALID, binding: 42 }],
    ['binding null', { ...VALID, binding: null }],
    ['binding an object', { ...VALID, binding: { hash: 'x' } }],
  ])('refuses %s', (_name, value) => {
    expect(isStoredState(value)).toBe(false);
  });

  test('any one field of a well-formed record replaced by a value of another type is refused', () => {
    const wrong: Record<keyof typeof VALID | 'binding', (v: unknown) => boolean> = {
      verifierSeed: (v) => typeof v !== 'string' || v === '',
      redirectURI: (v) => typeof v !== 'string',
      expiresAt: (v) => typeof v !== 'number',
      requestedScope: (v) => !Array.isArray(v) || v.some((s) => typeof s !== 'string'),
      binding: (v) => v !== undefined && typeof v !== 'string',
    };
    const field = fc.constantFrom(...(Object.keys(wrong) as (keyof typeof wrong)[]));
    const value = fc.oneof(fc.anything(), fc.array(fc.oneof(fc.string(), fc.anything()), { minLength: 1 }), fc.constant(''));
    fc.assert(fc.property(field, value, (key, v) => {
      fc.pre(wrong[key](v));
      expect(isStoredState({ ...VALID, [key]: v })).toBe(false);
    }), { numRuns: 300 });
  });
});
