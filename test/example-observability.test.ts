// examples/observability as a user runs it (tsx, its own process): drive a cache miss, a hit and
// failures, then scrape /metrics and find each metric with the counts that were sent.
import { afterEach, expect, jest, test } from '@jest/globals';
import { startExample, stopExamples, waitFor } from './helpers/example-process.js';

jest.setTimeout(30_000);
afterEach(stopExamples);

/** The value of the sample `name{labels…}` (labels in any order, others allowed), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([\w:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const exact = Object.entries(labels).every(([k, v]) => have.get(k) === v) &&
      ['lwa_cache', 'error_type'].every((k) => k in labels || !have.has(k));
    if (exact) return Number(match[3]);
  }
  return undefined;
}

test('after a miss, a hit, a revoked token and a request without a token, /metrics counts each', async () => {
  const server = startExample('observability', { PORT: '0' });
  const [, url] = await waitFor(server, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
  const token = async (revoked = false): Promise<string> =>
    ((await (await fetch(`${String(url)}/demo/token${revoked ? '?revoked=1' : ''}`, { method: 'POST' })).json()) as { access_token: string }).access_token;
  const me = async (bearer?: string): Promise<number> =>
    (await fetch(`${String(url)}/api/me`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })).status;
  const good = await token();
  expect([await me(good), await me(good), await me(await token(true)), await me()]).toEqual([200, 200, 401, 401]);

  const res = await fetch(`${String(url)}/metrics`);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  expect(sample(text, 'lwa_cache_lookups_total', { lwa_cache: 'miss' })).toBe(2);
  expect(sample(text, 'lwa_cache_lookups_total', { lwa_cache: 'hit' })).toBe(1);
  const duration = (labels: Record<string, string>): number | undefined => sample(text, 'lwa_authenticate_duration_count', labels);
  expect(duration({ lwa_outcome: 'success', lwa_cache: 'miss' })).toBe(1);
  expect(duration({ lwa_outcome: 'success', lwa_cache: 'hit' })).toBe(1);
  expect(duration({ lwa_outcome: 'fail', lwa_cache: 'miss' })).toBe(1);
  expect(duration({ lwa_outcome: 'fail' })).toBe(1); // no token: no lookup
  const upstream = (labels: Record<string, string>): number | undefined => sample(text, 'lwa_upstream_duration_count', labels);
  expect(upstream({ lwa_endpoint: 'tokeninfo', http_response_status_code: '200' })).toBe(1);
  expect(upstream({ lwa_endpoint: 'profile', http_response_status_code: '200' })).toBe(1);
  expect(upstream({ lwa_endpoint: 'tokeninfo', http_response_status_code: '400', error_type: '400' })).toBe(1);
  expect(text).toMatch(/^# UNIT lwa_authenticate_duration s$/m);
  expect(text).not.toContain(good);
});
