// Drives the Express example's page in headless Chromium (Debian's `chromium`, via playwright-core).
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startExample, type RunningExample } from '../examples/express/start.js';

jest.setTimeout(30_000);

/** Where the screenshots go (look at them when changing the page). */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? os.tmpdir();

let browser: Browser;
let page: Page;
let offHost: string[];
let pageErrors: string[];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser.close();
});

/** A fresh page that may only reach 127.0.0.1; anything else is aborted and remembered. */
async function openPage(url: string): Promise<void> {
  page = await browser.newPage();
  offHost = [];
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.hostname === '127.0.0.1') return route.continue();
    offHost.push(target.href);
    return route.abort();
  });
  await page.goto(url);
}

describe('the demo page (embedded fake Amazon)', () => {
  let example: RunningExample;
  beforeEach(async () => {
    example = await startExample({ port: 0 });
    await openPage(`${example.url}/`);
  });
  afterEach(async () => {
    await page.close();
    await example.close();
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('shows the profile after clicking "Sign in (demo)"', async () => {
    await expect(page.title()).resolves.toBe('passport-login-with-amazon · Express example');
    await page.getByRole('button', { name: 'Sign in (demo)' }).click();
    const result = page.locator('#result .card.ok');
    await result.waitFor();
    expect(await result.locator('h2').textContent()).toBe('Signed in as Ada Lovelace');
    expect(await result.locator('dd').allTextContents())
      .toEqual(['Ada Lovelace', 'ada@example.com', 'amzn1.account.DEMO0ADA0LOVELACE', 'Amazon (2 calls)', expect.stringMatching(/^\d+\.\d ms$/)]);
    expect(example.fake?.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
    expect(await page.content()).not.toContain('Atza|'); // the page never shows the token
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-signed-in.png'), fullPage: true });
  });

  it('shows the 401 message when the fake answers invalid_token', async () => {
    example.fake?.fault('tokeninfo', {
      status: 400,
      body: { error: 'invalid_token', error_description: 'The request has an invalid parameter : access_token' },
    });
    await page.getByRole('button', { name: 'Sign in (demo)' }).click();
    const result = page.locator('#result .card.error');
    await result.waitFor();
    expect(await result.locator('h2').textContent()).toBe('401 invalid_token');
    expect(await result.locator('dd').allTextContents())
      .toEqual(['401', 'invalid_token', 'tokeninfo rejected the token', 'Amazon (2 calls)', expect.stringMatching(/ ms$/)]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-invalid-token.png'), fullPage: true });
  });

  it('shows the 401 message for a revoked token', async () => {
    await page.getByRole('button', { name: 'Try a revoked token' }).click();
    const result = page.locator('#result .card.error');
    await result.waitFor();
    expect(await result.locator('h2').textContent()).toBe('401 invalid_token');
  });

  it('shows a 502 when Amazon fails', async () => {
    example.fake?.fault('tokeninfo', { status: 500 });
    await page.getByRole('button', { name: 'Sign in (demo)' }).click();
    const result = page.locator('#result .card.error');
    await result.waitFor();
    // tokeninfo and its retry, and the profile call (abandoned once tokeninfo has failed)
    expect(await result.locator('dd').allTextContents())
      .toEqual(['502', 'LWA_UPSTREAM_STATUS', 'tokeninfo answered an unexpected HTTP status', 'Amazon (3 calls)', expect.stringMatching(/ ms$/)]);
  });

  it('the same token again is answered by the cache: no call to Amazon, and the time it took (from the strategy\'s channel)', async () => {
    await expect(page.getByRole('button', { name: 'Call /api/me again (same token)' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Sign in (demo)' }).click();
    await page.locator('#result .card.ok').waitFor();
    const rows = async (): Promise<string[]> => page.locator('#result dd').allTextContents();
    expect((await rows())[3]).toBe('Amazon (2 calls)');
    await page.getByRole('button', { name: 'Call /api/me again (same token)' }).click();
    await page.locator('#result dd', { hasText: 'the cache' }).waitFor();
    const [, , , answeredBy, took] = await rows();
    expect(answeredBy).toBe('the cache (no call to Amazon)');
    expect(Number(/^(\d+\.\d) ms$/.exec(took ?? '')?.[1])).toBeGreaterThanOrEqual(0);
    expect(example.fake?.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-cache-hit.png'), fullPage: true });
  });
});

describe('"Sign in with Amazon" on the website (code grant through the fake\'s consent page)', () => {
  let example: RunningExample;
  beforeEach(async () => {
    example = await startExample({ port: 0 });
    await openPage(`${example.url}/`);
    await page.getByRole('button', { name: 'Sign in with Amazon' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
  });
  afterEach(async () => {
    await page.close();
    await example.close();
    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Allow signs in: the account page shows the profile, and "Sign out" signs out', async () => {
    expect(new URL(page.url()).pathname).toBe('/ap/oa');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-consent.png'), fullPage: true });
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${example.url}/account`);
    expect(await page.locator('.card.ok h2').textContent()).toBe('Signed in as Ada Lovelace');
    expect(await page.locator('.card.ok dd').allTextContents())
      .toEqual(['Ada Lovelace', 'ada@example.com', 'amzn1.account.DEMO0ADA0LOVELACE', 'valid 3600 s from sign-in']);
    expect(example.fake?.calls).toEqual({ authorization: 2, token: 1, profile: 1, tokeninfo: 0 });
    expect(await page.content()).not.toMatch(/Atz[ar]\|/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-website-signed-in.png'), fullPage: true });
    const signedInCookies = (await page.context().cookies(example.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${example.url}/`);
    await expect(page.getByRole('button', { name: 'Sign in with Amazon' }).isVisible()).resolves.toBe(true);
    await page.goto(`${example.url}/account`);
    expect(await page.locator('.card.error h2').textContent()).toBe('Not signed in');
    // The session that was signed in is gone: its cookie, sent again, is nobody.
    expect((await fetch(`${example.url}/account`, { headers: { cookie: signedInCookies } })).status).toBe(401);
  });

  it('Cancel comes back signed out with "access denied" and no call to Amazon\'s API', async () => {
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(`${example.url}/account`);
    expect(await page.locator('.card.error h2').textContent()).toBe('Not signed in');
    expect(await page.locator('.card.error p').textContent()).toBe('access denied');
    expect(example.fake?.calls).toMatchObject({ token: 0, profile: 0 });
  });
});

describe('the page with a real client id (LWA_CLIENT_ID)', () => {
  it('offers "Sign in with Amazon" and loads Amazon\'s SDK (aborted here: no real network in tests)', async () => {
    const example = await startExample({ port: 0, clientID: 'amzn1.application-oa2-client.real' });
    try {
      await openPage(`${example.url}/`);
      await expect(page.getByRole('button', { name: 'Sign in with Amazon' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('button', { name: 'Sign in (demo)' }).count()).resolves.toBe(0);
      await expect(page.locator('#amazon-login-sdk').getAttribute('src'))
        .resolves.toBe('https://assets.loginwithamazon.com/sdk/na/login1.js');
      expect(offHost).toEqual(['https://assets.loginwithamazon.com/sdk/na/login1.js']);
      expect(pageErrors).toEqual([]);
      const demoRoute = await page.request.post(`${example.url}/demo/token`);
      expect(demoRoute.status()).toBe(404);
    } finally {
      await page.close();
      await example.close();
    }
  });
});
