/**
 * End to end: a real Express server instrumented by @opentelemetry/instrumentation-http, in its own
 * Node process (test/fixtures/otel-http-app.ts). The HTTP server span is the parent of the
 * authentication span, which is the parent of the calls to Amazon.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@jest/globals';

interface SpanJson {
  name: string;
  kind: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

test('GET /api/me: the HTTP server span -> lwa.authenticate -> one CLIENT span per call to Amazon, all in one trace', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/otel-http-app.ts'], { env, timeout: 30_000 });
  const { status, spans } = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { status: number; spans: SpanJson[] };
  expect(status).toBe(200);
  // The fake Amazon is an instrumented server too: the app's server span is the one for /api/me.
  const server = spans.find((s) => s.kind === 'SERVER' && s.attributes['url.path'] === '/api/me');
  expect(server).toBeDefined();
  const auth = spans.find((s) => s.name === 'lwa.authenticate');
  expect(auth).toMatchObject({ kind: 'INTERNAL', parentSpanId: server?.spanId, traceId: server?.traceId });
  const calls = spans.filter((s) => s.kind === 'CLIENT' && s.attributes['lwa.endpoint'] !== undefined);
  expect(calls.map((c) => c.attributes['lwa.endpoint']).sort()).toEqual(['profile', 'tokeninfo']);
  for (const call of calls) expect(call).toMatchObject({ parentSpanId: auth?.spanId, traceId: server?.traceId });
}, 40_000);
