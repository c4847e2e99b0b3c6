/**
 * The PKCE verifier never reaches the browser, whatever holds the session. With a cookie-held
 * session (cookie-session with Express, koa-session's default cookie store) the pending sign-in
 * travels in a signed but readable cookie: the test decodes every cookie the browser holds while
 * at Amazon and checks that the verifier the token endpoint received is nowhere in them, and that
 * nothing in them hashes to the challenge (the verifier is derived under a key from the client
 * secret, which never leaves the server).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import cookieSession from 'cookie-session';
import express from 'express';
import Koa from 'koa';
import { KoaPassport } from 'koa-passport';
import koaSession from 'koa-session';
import { Passport } from 'passport';
import type { RequestHandler } from 'express';
import { codeChallenge } from '../../lib/amazon/pkce.js';
import { LoginWithAmazonOAuth2Strategy, type LoginWithAmazonOAuth2Options, type VerifyFunction } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';

const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };
let amazon: FakeAmazon;
/** A token endpoint in front of the fake's that records each form it forwards (the verifier included). */
let tokenProxy: Server;
let tokenURL: string;
const forms: URLSearchParams[] = [];

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.cookies', user: { user_id: 'amzn1.account.ACOOKIES' } });
  tokenProxy = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
    req.on('end', () => {
      forms.push(new URLSearchParams(body));
      const headers = { 'content-type': String(req.headers['content-type']), authorization: req.headers.authorization ?? '' };
      void fetch(amazon.codeGrant.tokenURL, { method: 'POST', body, headers }).then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(await answer.text());
      });
    });
  }).listen(0, '127.0.0.1');
  await once(tokenProxy, 'listening');
  tokenURL = `http://127.0.0.1:${String((tokenProxy.address() as AddressInfo).port)}/auth/o2/token`;
});
afterAll(async () => {
  tokenProxy.closeAllConnections();
  await new Promise((resolve) => tokenProxy.close(resolve));
  await amazon.close();
});
afterEach(() => { forms.length = 0; amazon.reset(); });

function strategyOptions(callbackURL: string): LoginWithAmazonOAuth2Options {
  amazon.allowRedirectURI(callbackURL);
  return { clientID: amazon.clientID, clientSecret: amazon.clientSecret, callbackURL, ...amazon.codeGrant, tokenURL, timeout: 1000 };
}

async function listen(server: Server): Promise<string> {
  await once(server, 'listening');
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

async function startCookieSessionExpress(): Promise<{ url: string; server: Server }> {
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  const url = await listen(server);
  const passport = new Passport();
  passport.use(new LoginWithAmazonOAuth2Strategy(strategyOptions(`${url}/auth/amazon/callback`), toUser));
  passport.serializeUser((user, done) => { done(null, user); });
  passport.deserializeUser((user: Express.User, done) => { done(null, user); });
  app.use(cookieSession({ name: 'session', keys: ['cookie-session-key-0123456789'] }));
  // cookie-session has no regenerate()/save(), which passport >= 0.6 calls at login: the usual shim.
  app.use((req, _res, next) => {
    const session = req.session as unknown as Record<string, unknown>;
    session.regenerate ??= (done: () => void) => { done(); };
    session.save ??= (done: () => void) => { done(); };
    next();
  });
  app.use(passport.session());
  app.get('/auth/amazon', passport.authenticate('amazon') as RequestHandler);
  app.get('/auth/amazon/callback', passport.authenticate('amazon', { failureRedirect: '/login' }) as RequestHandler, (req, res) => { res.json({ user: req.user }); });
  return { url, server };
}

async function startKoaSessionDefault(): Promise<{ url: string; server: Server }> {
  const koa = new Koa();
  koa.keys = ['koa-session-key-0123456789'];
  const server = createServer().listen(0, '127.0.0.1');
  const url = await listen(server);
  const passport = new KoaPassport();
  passport.use(new LoginWithAmazonOAuth2Strategy(strategyOptions(`${url}/auth/amazon/callback`), toUser));
  passport.serializeUser((user, done) => { done(null, user); });
  passport.deserializeUser((user: Express.User, done) => { done(null, user); });
  koa.use(koaSession({}, koa)); // the default store: the session itself is the cookie
  koa.use(passport.initialize());
  koa.use(passport.session());
  const start = passport.authenticate('amazon');
  const callback = passport.authenticate('amazon', { session: false, failureRedirect: '/login' });
  koa.use(async (ctx, next) => {
    if (ctx.path === '/auth/amazon') await start(ctx, next);
    else if (ctx.path === '/auth/amazon/callback') await callback(ctx, () => { ctx.body = { user: (ctx.state as { user?: unknown }).user }; return Promise.resolve(); });
    else ctx.status = 404;
  });
  const handle = koa.callback();
  server.on('request', (req, res) => { void handle(req, res); });
  return { url, server };
}

/** Every cookie value as sent, URI-decoded, and base64-decoded. */
function decoded(cookies: Map<string, string>): string[] {
  return [...cookies.values()].flatMap((value) => {
    const plain = decodeURIComponent(value);
    return [value, plain, Buffer.from(plain, 'base64').toString('utf8'), Buffer.from(plain, 'base64url').toString('utf8')];
  });
}

/** Every string inside the decoded cookies (JSON values included). */
function stringsIn(texts: string[]): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') found.push(value);
    else if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) walk(inner);
  };
  for (const text of texts) {
    found.push(text);
    try { walk(JSON.parse(text)); } catch { /* not JSON */ }
  }
  return found;
}

describe.each([
  ['Express + cookie-session', startCookieSessionExpress, 'session'],
  ['Koa + koa-session (default cookie store)', startKoaSessionDefault, 'koa.sess'],
])('%s', (_name, start, sessionCookie) => {
  test('no cookie the browser holds contains the verifier, or anything whose SHA-256 is the challenge', async () => {
    const { url, server } = await start();
    try {
      const browser = new CookieBrowser(url);
      const { stoppedAt, hops } = await browser.follow(`${url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
      const challenge = new URL(hops[0]?.location ?? '').searchParams.get('code_challenge') ?? '';
      expect(browser.cookies.has(sessionCookie)).toBe(true); // the pending sign-in is in the cookie-held session
      const held = new Map(browser.cookies);
      const { res } = await browser.follow(stoppedAt ?? '');
      expect(res.status).toBe(200);
      const verifier = forms[0]?.get('code_verifier') ?? '';
      expect(codeChallenge(verifier)).toBe(challenge); // the verifier Amazon (the fake) received
      const strings = stringsIn(decoded(held));
      expect(strings.join('\n')).toContain(new URL(stoppedAt ?? '').searchParams.get('state')); // the decoding works: the record is there
      for (const s of strings) {
        expect(s).not.toContain(verifier);
        expect(codeChallenge(s)).not.toBe(challenge);
      }
      expect(strings.join('\n')).not.toContain(amazon.clientSecret);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
