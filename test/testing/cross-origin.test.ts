/**
 * The fake against hostile pages, in headless Chromium (names mapped to 127.0.0.1 with
 * --host-resolver-rules): a page on another site that tries each route of the fake reads nothing,
 * gets no consent, and makes it issue nothing; a page whose name was rebound to 127.0.0.1 (DNS
 * rebinding, so that the fake is "same-origin" to it) gets a 403 on every route. The customer's
 * own click on the fake's consent page still signs in.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';

jest.setTimeout(60_000);

const APP = 'amzn://com.example.shop';
let amazon: FakeAmazon;
let attacker: http.Server;
let attackerPort = 0;
let browser: Browser;
let attackerHTML = '';
const callback = (): string => `http://127.0.0.1:${String(attackerPort)}/cb`;

beforeAll(async () => {
  attacker = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(req.url?.startsWith('/cb') === true ? '<title>callback</title>' : attackerHTML);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  amazon = await createFakeAmazon({ tokenRoute: true, consent: 'page', redirectURIs: [APP, callback()] });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--host-resolver-rules=MAP attacker.test 127.0.0.1, MAP rebind.test 127.0.0.1',
      // The rebinding page's document is handed over by the test (page.route), from no address: without this,
      // Chromium's Local Network Access checks would block its requests before the fake could refuse them.
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'],
  });
});
afterAll(async () => {
  await browser.close();
  await amazon.close();
  await new Promise((resolve) => attacker.close(resolve));
});

const query = (): string => new URLSearchParams({ client_id: amazon.clientID, redirect_uri: callback(), response_type: 'code', scope: 'profile', state: 's' }).toString();

/** The attacks a page runs: each route of the fake, read with CORS and sent blind (no-cors); what each could read. */
const ATTACKS = `
window.attack = async (fake, query) => {
  const routes = [['POST', '/tokens?kind=valid'], ['POST', '/app-codes?redirect_uri=amzn%3A%2F%2Fcom.example.shop'], ['GET', '/ap/oa?' + query],
    ['GET', '/ap/oa?' + query + '&decision=allow'], ['POST', '/ap/oa'], ['GET', '/auth/o2/tokeninfo?access_token=x'], ['GET', '/user/profile'], ['POST', '/auth/o2/token']];
  const results = [];
  for (const [method, path] of routes) {
    let read;
    try { const res = await fetch(fake + path, { method }); read = res.status + ' ' + (await res.text()); } catch (e) { read = 'blocked: ' + e.name; }
    let blind;
    try { const res = await fetch(fake + path, { method, mode: 'no-cors' }); blind = res.type; } catch (e) { blind = 'blocked: ' + e.name; }
    results.push({ route: method + ' ' + path.split('?')[0], read, blind });
  }
  return results;
};`;

async function openAttacker(url: string, html: string, route?: (page: Page) => Promise<void>): Promise<Page> {
  attackerHTML = html;
  const page = await browser.newPage();
  await route?.(page);
  await page.goto(url);
  return page;
}

describe('a page on another site (attacker.test)', () => {
  test('tries each route with and without CORS: reads nothing, and the fake issues no token and no code', async () => {
    const issueToken = jest.spyOn(amazon, 'issueToken');
    const authorizeApp = jest.spyOn(amazon, 'authorizeApp');
    amazon.reset();
    const page = await openAttacker(`http://attacker.test:${String(attackerPort)}/`, `<script>${ATTACKS}</script>`);
    const results = await page.evaluate<{ route: string; read: string; blind: string }[]>(`window.attack(${JSON.stringify(amazon.url)}, ${JSON.stringify(query())})`);
    expect(results.map((r) => r.read)).toEqual(results.map(() => 'blocked: TypeError'));
    expect(results.map((r) => r.blind)).toEqual(results.map(() => 'opaque'));
    expect(issueToken).not.toHaveBeenCalled();
    expect(authorizeApp).not.toHaveBeenCalled();
    expect(amazon.calls.token).toBe(2); // answered invalid_request: no code, no credentials
    await page.close();
    jest.restoreAllMocks();
  });

  test('frames the consent page to trick a click: the browser refuses to show it', async () => {
    const page = await openAttacker(`http://attacker.test:${String(attackerPort)}/`, `<iframe id="f" src="${amazon.url}/ap/oa?${query()}"></iframe>`);
    await page.waitForLoadState('load');
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(await frame?.locator('button').count()).toBe(0);
    await page.close();
  });

  test.each([
    ['GET /ap/oa?decision=allow, as a link', (): string => `<a id="go" href="${amazon.url}/ap/oa?${query()}&decision=allow">win</a>`, 'GET'],
    ['POST /ap/oa with a guessed consent token, as a form', (): string => `<form id="go" method="post" action="${amazon.url}/ap/oa">`
      + '<input name="consent_token" value="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"><input name="decision" value="allow"></form>', 'POST'],
  ])('%s: no redirect to the callback, no code', async (_name, html, method) => {
    const page = await openAttacker(`http://attacker.test:${String(attackerPort)}/`, html());
    const navigated = page.waitForURL((url) => url.origin === amazon.url);
    await page.evaluate('(() => { const go = document.getElementById("go"); if (go.tagName === "FORM") go.submit(); else go.click(); })()');
    await navigated;
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname).toBe('/ap/oa');
    expect(page.url()).not.toContain('code=');
    expect(await page.content()).toContain(method === 'GET' ? '>Allow</button>' : 'Consent is given on the fake\'s own consent page only');
    await page.close();
  });
});

describe('a page whose name was rebound to 127.0.0.1 (rebind.test on the fake\'s port)', () => {
  test('is "same-origin" to the fake and reads every answer: each is the 403, nothing issued', async () => {
    const issueToken = jest.spyOn(amazon, 'issueToken');
    const authorizeApp = jest.spyOn(amazon, 'authorizeApp');
    amazon.reset();
    const origin = `http://rebind.test:${new URL(amazon.url).port}`;
    // The attacker's server answered the first lookup; the name now points at the fake.
    const page = await openAttacker(`${origin}/`, '', async (p) => {
      await p.route(`${origin}/`, (route) => route.fulfill({ contentType: 'text/html', body: `<script>${ATTACKS}</script>` }));
    });
    const results = await page.evaluate<{ route: string; read: string }[]>(`window.attack(${JSON.stringify(origin)}, ${JSON.stringify(query())})`);
    const refused = '403 {"error":"invalid_request","error_description":"the fake answers requests to localhost, 127.0.0.1, [::1] or its allowedHosts only"}';
    expect(results.map((r) => [r.route, r.read])).toEqual(results.map((r) => [r.route, refused]));
    expect(issueToken).not.toHaveBeenCalled();
    expect(authorizeApp).not.toHaveBeenCalled();
    expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
    await page.close();
    jest.restoreAllMocks();
  });
});

describe('the customer on the fake\'s own page', () => {
  test('Allow on the consent page redirects to the callback with a code', async () => {
    const page = await browser.newPage();
    await page.goto(`${amazon.url}/ap/oa?${query()}`);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.pathname === '/cb');
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/^AN/);
    await page.close();
  });
});
