/**
 * The soak's request mix: which token each request carries, what it must get back, and the
 * upstream fault injected before it. Deterministic (a seeded PRNG), so a failing run repeats.
 */
import type { FakeAmazon, FaultOptions } from '../lib/testing/index.js';

/** What a request carries. `fault` requests carry a valid token and have a fault queued before them. */
export type Kind = 'valid' | 'expired' | 'wrong-audience' | 'malformed' | 'fault';

/** Status each kind must get when no injected fault lands on it. */
export const EXPECTED_STATUS: Readonly<Record<Kind, number>> = {
  valid: 200,
  fault: 200,
  expired: 401,
  'wrong-audience': 401,
  malformed: 400,
};

/** What goes on the wire: headers and a query string (with its `?`, or `''`). */
export interface Wire {
  headers: Record<string, string>;
  query: string;
}

/**
 * One request of the plan. `wire()` builds the headers when the request is sent, so that the plan
 * holds no per-request strings (V8 flattens a concatenated string in place once it is sent, which
 * would show up as heap growth of the soak harness itself).
 */
export interface Planned {
  kind: Kind;
  wire: () => Wire;
  /** The user a 200 must name (valid tokens only). */
  userId?: string;
  /** The fault queued on tokeninfo just before this request is sent. */
  fault?: FaultOptions;
}

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every 50th request has a fault: exactly 2 %. */
export const FAULT_EVERY = 50;

/**
 * The injected faults, in rotation. Each replaces tokeninfo's answer (so it decides the request
 * whatever its token) and none is retried with `retries: 0`, so each ends exactly one request in a
 * 502 or 504. `timeoutMs` is the strategy's upstream timeout.
 */
export function faultKinds(timeoutMs: number): { name: string; fault: FaultOptions; status: number; code: string }[] {
  return [
    { name: '500', fault: { status: 500, times: 1 }, status: 502, code: 'LWA_UPSTREAM_STATUS' },
    { name: '429', fault: { status: 429, times: 1 }, status: 502, code: 'LWA_UPSTREAM_STATUS' },
    { name: 'HTML 200', fault: { body: '<html><body>Bad Gateway</body></html>', times: 1 }, status: 502, code: 'LWA_BAD_RESPONSE' },
    { name: 'reset', fault: { drop: true, times: 1 }, status: 502, code: 'LWA_NETWORK' },
    { name: 'no answer in time', fault: { delayMs: timeoutMs * 1.5, times: 1 }, status: 504, code: 'LWA_TIMEOUT' },
  ];
}

const MALFORMED: ((token: string) => Wire)[] = [
  () => ({ headers: { authorization: 'Bearer Atza|has"quote' }, query: '' }),
  () => ({ headers: { authorization: `Bearer Atza|${'a'.repeat(2100)}` }, query: '' }),
  (token) => ({ headers: { authorization: `Bearer ${token} extra` }, query: '' }),
  (token) => ({ headers: { authorization: `Bearer ${token}` }, query: `?access_token=${encodeURIComponent(token)}` }),
  () => ({ headers: {}, query: '?access_token=a&access_token=b' }),
  () => ({ headers: { 'x-amz-access-token': 'Atza%7' }, query: '' }),
];

/** Issues the tokens and lays out `total` requests. */
export function plan(amazon: FakeAmazon, total: number, timeoutMs: number, seed = 20_000): Planned[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const users = Array.from({ length: 500 }, (_, i) => `amzn1.account.SOAK${String(i).padStart(6, '0')}`);
  const valid = users.map((userId) => ({ userId, token: amazon.issueToken({ user_id: userId, name: 'Soak' }) }));
  const expired = Array.from({ length: 100 }, () => amazon.issueToken({}, { expiresIn: 0 }));
  const otherApp = Array.from({ length: 100 }, () => amazon.issueToken({}, { aud: 'amzn1.application-oa2-client.someoneelse', app_id: null }));
  const faults = faultKinds(timeoutMs);
  const bearer = (token: string) => (): Wire => ({ headers: { authorization: `Bearer ${token}` }, query: '' });
  const requests: Planned[] = [];
  for (let i = 0; i < total; i += 1) {
    if (i % FAULT_EVERY === FAULT_EVERY / 2) {
      const { token, userId } = pick(valid);
      const { fault } = faults[(i / FAULT_EVERY | 0) % faults.length] as { fault: FaultOptions };
      requests.push({ kind: 'fault', wire: bearer(token), userId, fault });
      continue;
    }
    const roll = random();
    if (roll < 0.7) {
      const { token, userId } = pick(valid);
      requests.push({ kind: 'valid', wire: bearer(token), userId });
    } else if (roll < 0.8) {
      requests.push({ kind: 'expired', wire: bearer(pick(expired)) });
    } else if (roll < 0.9) {
      const token = pick(otherApp);
      requests.push({ kind: 'wrong-audience', wire: () => ({ headers: { 'x-amz-access-token': token }, query: '' }) });
    } else {
      const build = pick(MALFORMED);
      const { token } = pick(valid);
      requests.push({ kind: 'malformed', wire: () => build(token) });
    }
  }
  return requests;
}
