/** Load against one app: autocannon runs, the burst and the malformed mix. Upstream calls come from the fake's counters. */
import http from 'node:http';
import autocannon from 'autocannon';
import type { FakeAmazon } from '../lib/testing/index.js';
import { CONNECTIONS, MALFORMED_CONNECTIONS, MALFORMED_REQUESTS } from './config.js';

/** Where requests carry the token: `Authorization: Bearer`, or the `access_token` query field. */
export type TokenPlace = 'bearer' | 'query';

/** A GET /me carrying `token` where the app's strategy looks for it. */
function requestFor(place: TokenPlace, token: string): { path: string; headers: Record<string, string> } {
  return place === 'bearer'
    ? { path: '/me', headers: { authorization: `Bearer ${token}` } }
    : { path: `/me?access_token=${encodeURIComponent(token)}`, headers: {} };
}

/** One autocannon run. */
export interface Round {
  /** Latencies of the 2xx responses, milliseconds (sub-millisecond resolution). */
  latencies: number[];
  /** Responses received. */
  responses: number;
  /** Requests written, including those still in flight when the run stopped (the app still serves them). */
  sent: number;
  errors: number;
  statusCounts: Record<string, number>;
  /** Wall-clock seconds of the run. */
  seconds: number;
}

/** Several rounds of one scenario, summed up. */
export interface LoadResult {
  responses: number;
  sent: number;
  errors: number;
  /** 2xx responses per wall-clock second, over all rounds. */
  reqPerSec: number;
  p50: number;
  p99: number;
  statusCounts: Record<string, number>;
}

/** Responses per status code. */
function countsOf(result: autocannon.Result): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, (stat as { count: number }).count]),
  );
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/**
 * Runs autocannon against the app for `seconds`. `fresh`: every request carries a token issued
 * just for it (in setupRequest, so no token is ever sent twice); otherwise all carry `token`.
 */
export async function round(
  port: number,
  amazon: FakeAmazon,
  opts: { place: TokenPlace; fresh: boolean; token: string; seconds: number },
): Promise<Round> {
  const request = {
    method: 'GET' as const,
    ...requestFor(opts.place, opts.token),
    ...(opts.fresh
      ? {
          setupRequest: (req: Record<string, unknown>) => ({ ...req, ...requestFor(opts.place, amazon.issueToken()) }),
        }
      : {}),
  };
  const latencies: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${String(port)}`,
        connections: CONNECTIONS,
        duration: opts.seconds,
        requests: [request as autocannon.Request],
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  return {
    latencies,
    responses: result.requests.total,
    sent: (result.requests as { sent?: number }).sent ?? result.requests.total,
    errors: result.errors + result.timeouts,
    statusCounts: countsOf(result),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Sums rounds up: throughput over their total time, percentiles over all their latencies. */
export function summarize(rounds: readonly Round[]): LoadResult {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const sum = (pick: (r: Round) => number): number => rounds.reduce((total, r) => total + pick(r), 0);
  const statusCounts: Record<string, number> = {};
  for (const r of rounds) {
    for (const [code, n] of Object.entries(r.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + n;
  }
  return {
    responses: sum((r) => r.responses),
    sent: sum((r) => r.sent),
    errors: sum((r) => r.errors),
    reqPerSec: latencies.length / sum((r) => r.seconds),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statusCounts,
  };
}

/** `count` GETs at once, each on its own connection; resolves with the status codes seen. */
export async function burst(port: number, place: TokenPlace, token: string, count: number): Promise<Record<string, number>> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const { path: target, headers } = requestFor(place, token);
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: target, headers, agent, timeout: 30_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('burst request timed out')));
      req.on('error', reject);
    });
  const statuses = await Promise.all(Array.from({ length: count }, one));
  agent.destroy();
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Calls to both endpoints since the last `amazon.reset()`. */
export function upstream(amazon: FakeAmazon): number {
  const { tokeninfo, profile } = amazon.calls;
  return tokeninfo + profile;
}

/**
 * The malformed mix, one of each per round: control characters (in the query, a TAB inside
 * x-amz-access-token, a percent-encoded NUL in the bearer), a 2,100-byte token, the token in two
 * places (bearer + query, bearer + x-amz-access-token; real, valid tokens), and a bare `Bearer`.
 */
function malformedRequests(amazon: FakeAmazon): autocannon.Request[] {
  const valid = amazon.issueToken();
  const other = amazon.issueToken();
  const body = valid.slice('Atza|'.length);
  return [
    { method: 'GET', path: `/me?access_token=Atza%7C${body.slice(0, 100)}%01${body.slice(100)}` },
    { method: 'GET', path: '/me', headers: { 'x-amz-access-token': `Atza|${body.slice(0, 100)}\t${body.slice(100)}` } },
    { method: 'GET', path: '/me', headers: { authorization: `Bearer Atza|${body.slice(0, 100)}%00${body.slice(100)}` } },
    { method: 'GET', path: '/me', headers: { authorization: `Bearer Atza|IwEBI${'A'.repeat(2100)}` } },
    { method: 'GET', path: `/me?access_token=${encodeURIComponent(other)}`, headers: { authorization: `Bearer ${valid}` } },
    { method: 'GET', path: '/me', headers: { authorization: `Bearer ${valid}`, 'x-amz-access-token': other } },
    { method: 'GET', path: '/me', headers: { authorization: 'Bearer' } },
  ];
}

/** Sends the malformed mix {@link MALFORMED_REQUESTS} times and counts the upstream calls it caused. */
export async function malformed(port: number, amazon: FakeAmazon): Promise<{ upstream: number; statusCounts: Record<string, number>; errors: number }> {
  const requests = malformedRequests(amazon);
  amazon.reset();
  const result = await autocannon({
    url: `http://127.0.0.1:${String(port)}`,
    connections: MALFORMED_CONNECTIONS,
    amount: MALFORMED_REQUESTS,
    requests,
  });
  const statusCounts = countsOf(result);
  return { upstream: upstream(amazon), statusCounts, errors: result.errors + result.timeouts };
}
