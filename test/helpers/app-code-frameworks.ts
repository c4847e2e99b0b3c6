/**
 * The same app backend in each framework: `POST /auth/amazon/app` (JSON or form body) runs
 * `passport.authenticate('amazon-code', { session: false })` and answers `{ user, authInfo }`; a
 * `LoginWithAmazonError` is answered with its status and code. Each listens on 127.0.0.1, port 0.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyFormbody from '@fastify/formbody';
import { Authenticator } from '@fastify/passport';
import secureSession from '@fastify/secure-session';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import express5, { type RequestHandler } from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { KoaPassport } from 'koa-passport';
import { Passport } from 'passport';
import { LoginWithAmazonCodeExchangeStrategy, LoginWithAmazonError } from '../../lib/index.js';
import type { FakeAmazon } from '../../lib/testing/index.js';
import { appCodeOptions, toUser } from './app-code.js';

const express4 = createRequire(import.meta.url)('express4') as typeof express5;

export interface RunningBackend {
  url: string;
  close(): Promise<void>;
}

const strategyOn = (amazon: FakeAmazon): LoginWithAmazonCodeExchangeStrategy => new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon), toUser);

async function listen(server: Server): Promise<RunningBackend> {
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); },
  };
}

/** Express 4 or 5 with express.json() and express.urlencoded(). */
export function startExpressBackend(amazon: FakeAmazon, version: 4 | 5): Promise<RunningBackend> {
  const express = version === 4 ? express4 : express5;
  const passport = new Passport();
  passport.use(strategyOn(amazon));
  const app = express();
  app.post('/auth/amazon/app', express.json(), express.urlencoded({ extended: false }),
    passport.authenticate('amazon-code', { session: false }) as RequestHandler,
    (req, res) => { res.json({ user: req.user, authInfo: req.authInfo }); });
  app.use((err: { status?: number; code?: string }, _req: unknown, res: express5.Response, _next: unknown) => {
    res.status(err instanceof LoginWithAmazonError ? err.status : 500).json({ code: err.code ?? null });
  });
  return listen(app.listen(0, '127.0.0.1'));
}

/** Koa 3 with koa-passport, @koa/router and @koa/bodyparser (JSON and form). */
export function startKoaBackend(amazon: FakeAmazon): Promise<RunningBackend> {
  const passport = new KoaPassport();
  passport.use(strategyOn(amazon));
  const koa = new Koa();
  koa.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof LoginWithAmazonError)) throw err;
      ctx.status = err.status;
      ctx.body = { code: err.code };
    }
  });
  koa.use(bodyParser({ enableTypes: ['json', 'form'] }));
  koa.use(passport.initialize());
  const router = new Router();
  router.post('/auth/amazon/app', passport.authenticate('amazon-code', { session: false }), (ctx) => {
    const state = ctx.state as { user?: unknown; authInfo?: unknown }; // koa-passport keeps both in ctx.state
    ctx.body = { user: state.user, authInfo: state.authInfo };
  });
  koa.use(router.routes());
  const handle = koa.callback();
  return listen(createServer((req, res) => { void handle(req, res); }).listen(0, '127.0.0.1'));
}

/** Fastify 5 with @fastify/passport and @fastify/formbody (JSON is built in). */
export async function startFastifyBackend(amazon: FakeAmazon): Promise<RunningBackend> {
  const fastify = Fastify();
  const passport = new Authenticator();
  await fastify.register(fastifyFormbody);
  await fastify.register(secureSession, { key: Buffer.alloc(32, 'fastify-app-code'), cookie: { path: '/', httpOnly: true } });
  await fastify.register(passport.initialize());
  passport.use('amazon-code', strategyOn(amazon));
  fastify.post('/auth/amazon/app', { preValidation: passport.authenticate('amazon-code', { session: false }) },
    (request, reply) => reply.send({ user: request.user, authInfo: (request as { authInfo?: unknown }).authInfo }));
  fastify.setErrorHandler((err, _request, reply) => reply.code(err instanceof LoginWithAmazonError ? err.status : 500).send({ code: (err as { code?: string }).code ?? null }));
  const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => fastify.close() };
}
