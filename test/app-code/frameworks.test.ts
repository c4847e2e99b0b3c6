/**
 * The app-code flow in Express 4 and 5, Koa 3 (koa-passport, @koa/bodyparser) and Fastify 5
 * (@fastify/passport, @fastify/formbody): the body as JSON and as a form, a refused field, a
 * browser's cross-site request, a spent code and Amazon failing, against the fake Amazon. NestJS is in nestjs.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ANDROID_REDIRECT, bodyOf, post } from '../helpers/app-code.js';
import { startExpressBackend, startFastifyBackend, startKoaBackend, type RunningBackend } from '../helpers/app-code-frameworks.js';

const ADA = { user_id: 'amzn1.account.AAPPFRAMEWORK', name: 'Ada Lovelace' };
/** The installed version (read from node_modules: not every package exports its package.json). */
const versionOf = (name: string): string => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;

let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.appframeworks', user: ADA, redirectURIs: [ANDROID_REDIRECT] }); });
afterAll(async () => { await amazon.close(); });

const frameworks: [string, (a: FakeAmazon) => Promise<RunningBackend>][] = [
  [`Express ${versionOf('express4')}`, (a) => startExpressBackend(a, 4)],
  [`Express ${versionOf('express')}`, (a) => startExpressBackend(a, 5)],
  [`Koa ${versionOf('koa')} + koa-passport ${versionOf('koa-passport')} + @koa/bodyparser ${versionOf('@koa/bodyparser')}`, startKoaBackend],
  [`Fastify ${versionOf('fastify')} + @fastify/passport ${versionOf('@fastify/passport')} + @fastify/formbody ${versionOf('@fastify/formbody')}`, startFastifyBackend],
];

describe.each(frameworks)('%s', (_name, start) => {
  let backend: RunningBackend;
  beforeAll(async () => { backend = await start(amazon); });
  afterAll(async () => { await backend.close(); });
  afterEach(() => { amazon.reset(); });
  const endpoint = (): string => `${backend.url}/auth/amazon/app`;

  test.each(['json', 'form'] as const)('signs in with the app\'s code in a %s body: two calls to Amazon', async (as) => {
    const res = await post(endpoint(), bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })), as);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ user: { id: ADA.user_id, name: ADA.name }, authInfo: { token: { tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number) } } });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });

  test('a malformed verifier is answered 400 without a call to Amazon', async () => {
    const res = await post(endpoint(), bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }), { code_verifier: 'short' }));
    expect(res.status).toBe(400);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test('a code already spent is answered 401 after one call', async () => {
    const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    expect((await post(endpoint(), body)).status).toBe(200);
    amazon.reset();
    expect((await post(endpoint(), body)).status).toBe(401);
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
  });

  test('a browser\'s cross-site POST is answered 403 without a call; the route\'s own origin signs in', async () => {
    const body = (): Record<string, unknown> => bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    expect((await post(endpoint(), body(), 'form', { origin: 'https://attacker.example' })).status).toBe(403);
    expect((await post(endpoint(), body(), 'form', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(amazon.calls.token).toBe(0);
    expect((await post(endpoint(), body(), 'form', { origin: backend.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(amazon.calls.token).toBe(1);
  });

  test('Amazon down is answered 502 with the error code, the request answered', async () => {
    amazon.fault('token', { status: 503, times: 1 });
    const res = await post(endpoint(), bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
    expect(res).toEqual({ status: 502, json: { code: 'LWA_UPSTREAM_STATUS' } });
    expect(amazon.calls.token).toBe(1);
  });
});
