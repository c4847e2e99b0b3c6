/**
 * Cookie tossing, in headless Chromium (only a browser enforces the `__Host-` prefix), issue 24.
 * The app is served over https as `www.site.test` (mapped to loopback, a self-signed certificate
 * made here). The attacker starts a sign-in in their own browser, stops at Amazon's redirect back,
 * and plants their pending sign-in's cookie in the victim's browser in one of two ways: (a) from a
 * sibling subdomain, with `Domain=site.test`; (b) from a plain-http service on the same host (another
 * port). The victim then opens the attacker's callback URL: the bad-state 403, nobody signed in, no
 * code exchanged. For both stores: `cookieStateStore`, and an app's state-keyed store (binding cookie).
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import { Passport } from 'passport';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { cookieStateStore, LoginWithAmazonOAuth2Strategy, type StateStore } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { codeGrantOptions, toUser } from '../helpers/code-grant-app.js';
import { stateKeyedStore } from '../helpers/state-keyed-store.js';

jest.setTimeout(60_000);

const ADA = { user_id: 'amzn1.account.ATOSSING0ADA', name: 'Ada Lovelace' };
const HOST = 'www.site.test';
const SIBLING = 'evil.site.test';

let amazon: FakeAmazon;
let browser: Browser;
let tls: { key: string; cert: string };

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lwa-tossing-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
      '-subj', '/CN=site.test', '-days', '1', '-addext', 'subjectAltName=DNS:site.test,DNS:*.site.test'], { cwd: dir, stdio: 'ignore' });
    tls = { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.tossing', user: ADA });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--ignore-certificate-errors', '--host-resolver-rules=MAP site.test 127.0.0.1, MAP *.site.test 127.0.0.1'],
  });
});
afterAll(async () => {
  await browser.close();
  await amazon.close();
});
afterEach(() => { amazon.reset(); });

/** Answers `/plant?name=…&value=…[&domain=…]` with a Set-Cookie for `name` and for `name` without `__Host-`, Path=/. */
const plant: RequestHandler = (req, res) => {
  const { name = '', value = '', domain = '' } = req.query as Record<string, string | undefined>;
  const secure = req.protocol === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
  const attributes = `Path=/; Max-Age=600; SameSite=Lax${domain ? `; Domain=${domain}` : ''}${secure ? '; Secure' : ''}`;
  res.append('Set-Cookie', `${name}=${value}; ${attributes}`);
  if (name.startsWith('__Host-')) res.append('Set-Cookie', `${name.slice('__Host-'.length)}=${value}; ${attributes}`);
  res.type('text/plain').send('planted');
};

interface Site { url: string; httpURL: string; close(): Promise<void> }

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** The app over https at `www.site.test`, with `/plant` on any host name (the sibling), and a plain-http `/plant` on another port. */
async function startSite(store: StateStore): Promise<Site> {
  const app = express();
  const https = createHttpsServer(tls, app);
  const port = await listen(https);
  const url = `https://${HOST}:${String(port)}`;
  amazon.allowRedirectURI(`${url}/auth/amazon/callback`);
  const passport = new Passport();
  passport.use(new LoginWithAmazonOAuth2Strategy({ ...codeGrantOptions(amazon, `${url}/auth/amazon/callback`), store }, toUser));
  app.get('/auth/amazon', passport.authenticate('amazon', { session: false }) as RequestHandler);
  app.get('/auth/amazon/callback', passport.authenticate('amazon', { session: false }) as RequestHandler, (req, res) => { res.json({ user: req.user }); });
  app.get('/plant', plant);
  const http = createHttpServer(express().get('/plant', plant));
  const httpPort = await listen(http);
  return {
    url, httpURL: `http://${HOST}:${String(httpPort)}`,
    close: async () => {
      https.closeAllConnections();
      http.closeAllConnections();
      await Promise.all([new Promise((resolve) => https.close(resolve)), new Promise((resolve) => http.close(resolve))]);
    },
  };
}

/** One GET without following redirects; `www.site.test` is reached on loopback, its self-signed certificate accepted. */
function get(url: string): Promise<{ location: string; setCookie: string[] }> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: target.port, path: `${target.pathname}${target.search}`, headers: { host: target.host }, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve({ location: res.headers.location ?? '', setCookie: res.headers['set-cookie'] ?? [] });
    }).on('error', reject).end();
  });
}

/** The attacker: a sign-in started in their own browser, stopped at Amazon's redirect back; the callback URL and their cookie. */
async function attackerSignIn(site: Site, prefix: string): Promise<{ callback: string; name: string; value: string }> {
  const start = await get(`${site.url}/auth/amazon`);
  const [pair = ''] = (start.setCookie.find((line) => line.includes(prefix)) ?? '').split(';');
  const { location: callback } = await get(start.location);
  expect(callback).toContain('code=');
  return { callback, name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1) };
}

/** The victim's browser: the attacker's cookie planted from `plantURL`, then the attacker's callback URL opened. */
async function victimOpens(plantURL: string, callback: string): Promise<{ status: number; body: string; planted: string[]; context: BrowserContext }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(plantURL);
  const planted = (await context.cookies()).map((c) => c.name);
  const res = await page.goto(callback);
  return { status: res?.status() ?? 0, body: (await res?.text()) ?? '', planted, context };
}

const STORES: [string, string, () => StateStore][] = [
  ['cookieStateStore', 'lwa_state_', () => cookieStateStore({ secret: 'cookie-tossing-secret-0123456789abcdef' })],
  ['a state-keyed store (binding cookie)', 'lwa_bind_', () => stateKeyedStore()],
];

describe.each(STORES)('%s on https', (_name, prefix, makeStore) => {
  let site: Site;
  beforeAll(async () => { site = await startSite(makeStore()); });
  afterAll(async () => { await site.close(); });

  test('the ordinary sign-in in Chromium ends 200; the pending sign-in\'s cookie is __Host-, Secure, Path=/, no Domain', async () => {
    const context = await browser.newContext();
    try {
      const res = await (await context.newPage()).goto(`${site.url}/auth/amazon`);
      expect(res?.status()).toBe(200);
      expect(JSON.parse((await res?.text()) ?? '{}')).toMatchObject({ user: { id: ADA.user_id } });
      expect(amazon.calls.token).toBe(1);
    } finally {
      await context.close();
    }
    const { setCookie } = await get(`${site.url}/auth/amazon`);
    expect(setCookie.filter((line) => line.includes(prefix))).toEqual([
      expect.stringMatching(new RegExp(`^__Host-${prefix}[\\w-]{16}=[^;]+; Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$`)),
    ]);
  });

  test.each([
    ['a sibling subdomain, with Domain=site.test', (site: Site) => `https://${SIBLING}:${new URL(site.url).port}/plant`, 'site.test'],
    ['a plain-http service on the same host, another port', (site: Site) => `${site.httpURL}/plant`, ''],
  ])('cookie tossing from %s: the attacker\'s callback URL in the victim\'s browser is the bad-state 403, nobody signed in, no code exchanged', async (_how, plantAt, domain) => {
    const attacker = await attackerSignIn(site, prefix);
    expect(attacker.name).toMatch(new RegExp(`${prefix}[\\w-]{16}$`));
    const plantURL = `${plantAt(site)}?${new URLSearchParams({ name: attacker.name, value: attacker.value, domain }).toString()}`;
    const victim = await victimOpens(plantURL, attacker.callback);
    try {
      // The browser refused the __Host- cookie; it took the plain name, which the app never reads on https.
      expect(victim.planted).toEqual([attacker.name.replace(/^__Host-/, '')]);
      expect(victim.body).not.toContain(ADA.user_id);
      expect(victim.status).toBe(403);
      expect(amazon.calls.token).toBe(0);
    } finally {
      await victim.context.close();
    }
  });
});
