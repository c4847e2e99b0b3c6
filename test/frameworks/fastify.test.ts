/** Fastify 5 with @fastify/passport (and the session plugin it needs): examples/fastify through inject. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import type { LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { createApp } from '../../examples/fastify/app.js';
import { ADA, CLIENT_ID, bearer, describeDropIn, expectBodyAndQueryTokens, strategyOptions, toReply, type Harness } from './helpers.js';

/** examples/fastify with its log captured; errors are what Fastify's onError hook saw. */
async function start(options: LoginWithAmazonStrategyOptions): Promise<Harness & { fastify: FastifyInstance; lines: string[] }> {
  const lines: string[] = [];
  const errors: unknown[] = [];
  const fastify = await createApp(options, { logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } });
  fastify.addHook('onError', async (_request, _reply, err) => {
    errors.push(err);
  });
  await fastify.ready();
  return {
    fastify,
    lines,
    errors,
    logged: () => lines.join(''),
    call: async (call = {}) => {
      const response = await fastify.inject({
        method: (call.method ?? 'GET') as 'GET' | 'POST',
        url: call.path ?? '/api/me',
        headers: call.headers ?? {},
        ...(call.body === undefined ? {} : { payload: call.body }),
      });
      const header = (name: string): string | null => {
        const value = response.headers[name.toLowerCase()];
        return value === undefined ? null : String(value);
      };
      return toReply(response.statusCode, header, response.body);
    },
    close: () => fastify.close(),
  };
}

describe('Fastify: examples/fastify', () => {
  describeDropIn(start);
});

describe('Fastify: token places, default error handler and log', () => {
  let amazon: FakeAmazon;
  let app: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    amazon = await createFakeAmazon({ clientID: CLIENT_ID });
    app = await start(strategyOptions(amazon));
  });

  afterAll(async () => {
    await app.close();
    await amazon.close();
  });

  test('reads access_token from a JSON body and a form body (@fastify/formbody), and ignores the query (off by default)', async () => {
    await expectBodyAndQueryTokens(app, amazon);
  });

  test('Fastify\'s default error handler answers 502 with the error\'s code and logs it at error level', async () => {
    amazon.fault('tokeninfo', { status: 500, times: 1 });
    app.lines.length = 0;
    const reply = await app.call(bearer(amazon.issueToken(ADA)));
    expect(reply.status).toBe(502);
    expect(reply.json).toEqual({ statusCode: 502, code: 'LWA_UPSTREAM_STATUS', error: 'Bad Gateway', message: expect.any(String) });
    const entries = app.lines.map((line) => JSON.parse(line) as { level: number; err?: { code?: string; status?: number } });
    expect(entries.filter((entry) => entry.level === 50).map((entry) => entry.err)).toEqual([
      expect.objectContaining({ code: 'LWA_UPSTREAM_STATUS', status: 502 }),
    ]);
  });

  test('a 401 answer sets the challenge and no cookie (the session plugin stays unused)', async () => {
    const token = amazon.issueToken(ADA);
    amazon.revoke(token);
    const reply = await app.call(bearer(token));
    expect(reply.status).toBe(401);
    expect(reply.header('www-authenticate')).toMatch(/^Bearer realm="Users", error="invalid_token"/);
    expect(reply.header('set-cookie')).toBeNull();
    const ok = await app.call(bearer(amazon.issueToken(ADA)));
    expect(ok.header('set-cookie')).toBeNull();
  });
});
