/**
 * The same sign-in app in each framework: `/auth/amazon` (redirect leg), `/auth/amazon/callback`
 * (success: `/me`; failure: `/login`), `/me` (200 with the user from the session, else 401),
 * `/login` (401). Each listens on 127.0.0.1 and registers its callback with the fake.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Authenticator } from '@fastify/passport';
import secureSession from '@fastify/secure-session';
import Router from '@koa/router';
import Fastify from 'fastify';
import Koa from 'koa';
import { KoaPassport } from 'koa-passport';
import koaSession from 'koa-session';
import { fastifyReplyHook, LoginWithAmazonOAuth2Strategy, type StateStore } from '../../lib/index.js';
import type { FakeAmazon } from '../../lib/testing/index.js';
import { codeGrantOptions, startCodeGrantApp, toUser } from './code-grant-app.js';

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/**
 * Off the default path: an app's own `store`, and no session middleware at all (then the callback
 * answers 200 with the user itself instead of redirecting to `/me`).
 */
export interface FrameworkOptions {
  store?: StateStore;
  sessions?: boolean;
  /** Fastify only: leave out `fastifyReplyHook` (the strategy then cannot set a cookie). */
  noReplyHook?: boolean;
}

async function listen(server: Server): Promise<string> {
  await once(server, 'listening');
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

/** Express 4 or 5 with express-session (test/helpers/code-grant-app.ts). */
export async function startExpress(amazon: FakeAmazon, version: 4 | 5, o: FrameworkOptions = {}): Promise<RunningApp> {
  const sessions = o.sessions !== false;
  const app = await startCodeGrantApp(amazon, { express: version, successRedirect: sessions, noSession: !sessions, options: o.store ? { store: o.store } : {} });
  return { url: app.url, close: () => app.close() };
}

export async function startKoa(amazon: FakeAmazon, o: FrameworkOptions = {}): Promise<RunningApp> {
  const sessions = o.sessions !== false;
  const koa = new Koa();
  koa.keys = ['koa-test-key-0123456789'];
  // Koa composes its middleware in callback(): listen first (for the port), attach the app last.
  const server = createServer().listen(0, '127.0.0.1');
  const url = await listen(server);
  amazon.allowRedirectURI(`${url}/auth/amazon/callback`);
  const passport = new KoaPassport();
  passport.use(new LoginWithAmazonOAuth2Strategy({ ...codeGrantOptions(amazon, `${url}/auth/amazon/callback`), ...(o.store ? { store: o.store } : {}) }, toUser));
  passport.serializeUser((user, done) => { done(null, user); });
  passport.deserializeUser((user: Express.User, done) => { done(null, user); });
  const router = new Router();
  router.get('/auth/amazon', passport.authenticate('amazon', { session: sessions }));
  if (sessions) router.get('/auth/amazon/callback', passport.authenticate('amazon', { successRedirect: '/me', failureRedirect: '/login' }));
  else router.get('/auth/amazon/callback', passport.authenticate('amazon', { session: false, failureRedirect: '/login' }), (ctx) => { ctx.body = { user: (ctx.state as { user?: unknown }).user }; });
  router.get('/me', (ctx) => {
    const user = (ctx.state as { user?: unknown }).user;
    ctx.status = user ? 200 : 401;
    ctx.body = { user: user ?? null };
  });
  router.get('/login', (ctx) => { ctx.status = 401; ctx.body = { signedIn: false }; });
  if (sessions) koa.use(koaSession({}, koa));
  koa.use(passport.initialize());
  if (sessions) koa.use(passport.session());
  koa.use(router.routes());
  const handle = koa.callback();
  server.on('request', (req, res) => { void handle(req, res); });
  return { url, close: async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); } };
}

/** With an app's own store or none, the strategy sets its own cookies: fastifyReplyHook gives it the reply. */
export async function startFastify(amazon: FakeAmazon, o: FrameworkOptions = {}): Promise<RunningApp> {
  const sessions = o.sessions !== false;
  const fastify = Fastify();
  const passport = new Authenticator();
  if (o.noReplyHook !== true) fastify.addHook('onRequest', fastifyReplyHook);
  if (sessions) await fastify.register(secureSession, { key: Buffer.alloc(32, 'fastify-test-key'), cookie: { path: '/', httpOnly: true } });
  // @fastify/passport registers @fastify/flash, which insists on a `session` decorator: a sessionless app declares an empty one.
  else fastify.decorateRequest('session', null as never); // typed by @fastify/secure-session's augmentation, not loaded here
  await fastify.register(passport.initialize());
  if (sessions) await fastify.register(passport.secureSession());
  passport.registerUserSerializer((user) => Promise.resolve(JSON.stringify(user)));
  passport.registerUserDeserializer((text: string) => Promise.resolve(JSON.parse(text) as unknown));
  // Routes before listen (Fastify's rule); the strategy is looked up by name per request, so it can come after.
  fastify.get('/auth/amazon', { preValidation: passport.authenticate('amazon', { session: sessions }) }, () => ({}));
  if (sessions) fastify.get('/auth/amazon/callback', { preValidation: passport.authenticate('amazon', { successRedirect: '/me', failureRedirect: '/login' }) }, () => ({}));
  else fastify.get('/auth/amazon/callback', { preValidation: passport.authenticate('amazon', { session: false, failureRedirect: '/login' }) }, (request) => ({ user: request.user }));
  fastify.get('/me', async (request, reply) => reply.code(request.user ? 200 : 401).send({ user: request.user ?? null }));
  fastify.get('/login', async (_request, reply) => reply.code(401).send({ signedIn: false }));
  const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  amazon.allowRedirectURI(`${url}/auth/amazon/callback`);
  passport.use('amazon', new LoginWithAmazonOAuth2Strategy({ ...codeGrantOptions(amazon, `${url}/auth/amazon/callback`), ...(o.store ? { store: o.store } : {}) }, toUser));
  return { url, close: () => fastify.close() };
}
