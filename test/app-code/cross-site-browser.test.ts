/**
 * The reviewer's login CSRF through the app-code route, in headless Chromium: a page on another
 * site auto-submits a form carrying the attacker's own fresh code and verifier (from the fake's
 * `/app-codes`) to a victim app that keeps a session after sign-in (Passport's default
 * `session: true`, express-session). Names map to loopback with `--host-resolver-rules`.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { LoginWithAmazonCodeExchangeStrategy } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';

/** What the fake's `POST /app-codes` answers: the body an app posts to its backend as it is. */
interface AppCodeBody { code: string; code_verifier: string; redirect_uri: string }
import { ANDROID_REDIRECT, appCodeOptions } from '../helpers/app-code.js';

jest.setTimeout(30_000);

const ATTACKER = { user_id: 'amzn1.account.ATTACKER0CSRF', name: 'Mallory Attacker' };
let amazon: FakeAmazon;
let browser: Browser;
let context: BrowserContext | undefined;
let servers: Server[] = [];

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.crosssite', user: ATTACKER, redirectURIs: [ANDROID_REDIRECT], tokenRoute: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--host-resolver-rules=MAP victim.test 127.0.0.1, MAP victim.localhost 127.0.0.1, MAP attacker.example 127.0.0.1'],
  });
});
afterAll(async () => {
  await browser.close();
  await amazon.close();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
  amazon.reset();
});

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** The attacker's own fresh code and verifier, as their app would get them (the fake's `/app-codes`). */
async function attackersCode(): Promise<AppCodeBody> {
  const res = await fetch(`${amazon.url}/app-codes?redirect_uri=${encodeURIComponent(ANDROID_REDIRECT)}`, { method: 'POST' });
  expect(res.status).toBe(200);
  const body = await res.json() as AppCodeBody;
  expect(Object.keys(body).sort()).toEqual(['code', 'code_verifier', 'redirect_uri']);
  return body;
}

/**
 * The victim's app: express-session, Passport's default `session: true`, a form route
 * (`express.urlencoded()`) and a JSON route whose parser also takes `text/plain` (as apps that
 * accept `sendBeacon` do), and `GET /me`. It records the headers each sign-in request carried.
 */
async function victimApp(allowedOrigins?: string[]): Promise<{ port: number; seen: IncomingHttpHeaders[] }> {
  const passport = new Passport();
  passport.use(new LoginWithAmazonCodeExchangeStrategy(appCodeOptions(amazon, allowedOrigins ? { allowedOrigins } : {}),
    (_a, _r, profile, done) => { done(null, { id: profile.id }); }));
  passport.serializeUser((user, done) => { done(null, user); });
  passport.deserializeUser((user: Express.User, done) => { done(null, user); });
  const seen: IncomingHttpHeaders[] = [];
  const app = express();
  app.use(session({ secret: 'victim-session-secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize() as RequestHandler, passport.session() as RequestHandler);
  const signIn = passport.authenticate('amazon-code') as RequestHandler; // session: true, Passport's default
  const record: RequestHandler = (req, _res, next) => { seen.push(req.headers); next(); };
  app.post('/auth/amazon/app-form', record, express.urlencoded({ extended: false }), signIn, (_req, res) => { res.json({ ok: true }); });
  app.post('/auth/amazon/app-json', record, express.json({ type: ['application/json', 'text/plain'] }), signIn, (_req, res) => { res.json({ ok: true }); });
  app.get('/me', (req, res) => { res.status(req.user ? 200 : 401).json({ user: req.user ?? null }); });
  return { port: await listen(createServer(app)), seen };
}

/** The attacker's page: a form that submits itself on load (a text/plain form body that is JSON for the JSON route). */
function attackPage(target: string, auth: AppCodeBody, as: 'form' | 'json'): string {
  const fields = { code: auth.code, code_verifier: auth.code_verifier, redirect_uri: auth.redirect_uri };
  const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const inputs = as === 'form'
    ? Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${attr(name)}" value="${attr(value)}">`).join('')
    : `<input type="hidden" name="${attr(`${JSON.stringify(fields).slice(0, -1)},"pad":"`)}" value="${attr('"}')}">`;
  const enctype = as === 'form' ? 'application/x-www-form-urlencoded' : 'text/plain';
  return `<!doctype html><title>win a prize</title><form method="POST" action="${attr(target)}" enctype="${enctype}">${inputs}</form>`
    + '<script>document.forms[0].submit()</script>';
}

async function attackerSite(html: () => string): Promise<number> {
  return listen(createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end(html()); }));
}

/** The victim, browsing: opens the attacker's page (which posts), then asks the victim app who they are. */
async function attack(victimPort: number, as: 'form' | 'json', auth: AppCodeBody, victimHost = 'victim.test'): Promise<{ me: number; user: unknown }> {
  const target = `http://${victimHost}:${String(victimPort)}/auth/amazon/app-${as}`;
  const attackerPort = await attackerSite(() => attackPage(target, auth, as));
  context = await browser.newContext();
  const page = await context.newPage();
  const posted = page.waitForResponse((res) => res.url() === target);
  await page.goto(`http://attacker.example:${String(attackerPort)}/`);
  await posted;
  const me = await page.goto(`http://${victimHost}:${String(victimPort)}/me`);
  return { me: me?.status() ?? 0, user: ((await me?.json()) as { user: unknown } | undefined)?.user };
}

describe.each(['form', 'json'] as const)('a page on another site auto-submits the attacker\'s code to the %s route', (as) => {
  test('the victim is not signed in, and no code was exchanged', async () => {
    const victim = await victimApp();
    const result = await attack(victim.port, as, await attackersCode());
    expect(result).toEqual({ me: 401, user: null });
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
    // Chromium's cross-site POST carried an Origin that is not the route's own.
    expect(victim.seen).toHaveLength(1);
    expect(victim.seen[0]?.origin).toMatch(/^http:\/\/attacker\.example:\d+$/);
  });

  test('on a potentially trustworthy victim (victim.localhost), Chromium also sends Sec-Fetch-Site: cross-site; refused the same', async () => {
    const victim = await victimApp();
    const result = await attack(victim.port, as, await attackersCode(), 'victim.localhost');
    expect(result).toEqual({ me: 401, user: null });
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
    expect(victim.seen.map((h) => h['sec-fetch-site'])).toEqual(['cross-site']);
  });

  test('control: with the attacker\'s origin in allowedOrigins, the same page signs the victim in as the attacker', async () => {
    const auth = await attackersCode();
    // The attacker's site gets its port first, so that the victim app can admit its origin.
    const holder: { target: string } = { target: '' };
    const attackerPort = await attackerSite(() => attackPage(holder.target, auth, as));
    const victim = await victimApp([`http://attacker.example:${String(attackerPort)}`]);
    holder.target = `http://victim.test:${String(victim.port)}/auth/amazon/app-${as}`;
    context = await browser.newContext();
    const page = await context.newPage();
    const posted = page.waitForResponse((res) => res.url() === holder.target);
    await page.goto(`http://attacker.example:${String(attackerPort)}/`);
    expect((await posted).status()).toBe(200);
    const me = await page.goto(`http://victim.test:${String(victim.port)}/me`);
    expect(me?.status()).toBe(200);
    expect(await me?.json()).toEqual({ user: { id: ATTACKER.user_id } });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });
});

test('a native-style request (no Origin, no Sec-Fetch-Site) to the same routes still signs in: 200', async () => {
  const victim = await victimApp();
  for (const as of ['form', 'json'] as const) {
    const auth = await attackersCode();
    const fields = { code: auth.code, code_verifier: auth.code_verifier, redirect_uri: auth.redirect_uri };
    const res = await fetch(`http://127.0.0.1:${String(victim.port)}/auth/amazon/app-${as}`, {
      method: 'POST',
      headers: { 'content-type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: as === 'form' ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
    });
    expect(res.status).toBe(200);
  }
  expect(victim.seen.map((h) => [h.origin, h['sec-fetch-site']])).toEqual([[undefined, undefined], [undefined, undefined]]);
  expect(amazon.calls).toMatchObject({ token: 2, profile: 2 });
});
