/**
 * Every quick start of the README runs against `npx passport-login-with-amazon fake` exactly as
 * printed, in two commands. The real CLI (the built bin) runs as a child process; for each quick
 * start the test takes the command line the fake prints for it and runs that line in a shell, in a
 * folder that holds the README's block under the file name the line names. Nothing is added to
 * the line: the app listens on the README's default port, 3000, the one the printed lines name.
 * Then the app is driven as the README says: the printed curl line and tokens for the token API,
 * Chromium for the website (Allow signs in, Sign out signs out, Cancel does not sign in), the
 * printed app-code one-liner for the mobile app.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { doc, markedBlocks } from './helpers/readme-blocks.js';
import { root } from './helpers/readme-run.js';

jest.setTimeout(60_000);
const sh = promisify(execFile);
const APP = 'http://localhost:3000';
const blocks = new Map(markedBlocks('runnable').map((block) => [block.name, block.code]));
/** The README's quick starts by the file name its text gives each. */
const FILES = { 'server.mjs': 'quick-start.mjs', 'server.ts': 'quick-start.ts', 'website.mjs': 'website.mjs', 'mobile-app.mjs': 'mobile-app.mjs' };

/** This environment without what would stand in for the printed line (jest's NODE_OPTIONS, any LWA_… or PORT). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'NODE_OPTIONS' || name === 'PORT' || name === 'SESSION_SECRET' || name.startsWith('LWA_')) continue;
    env[name] = value;
  }
  return env;
}

/** A process and everything it printed so far; started in a group of its own, so that a shell and its node stop together. */
class Running {
  output = '';
  readonly child: ChildProcess;
  constructor(command: string, args: string[], cwd: string) {
    this.child = spawn(command, args, { cwd, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk) => (this.output += String(chunk)));
    this.child.stderr?.on('data', (chunk) => (this.output += String(chunk)));
  }

  /** The first match of `pattern` in the output, waiting up to 20 s for it. */
  async printed(pattern: RegExp, what: string): Promise<RegExpExecArray> {
    for (let tries = 0; tries < 400; tries += 1) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${what} in the output:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    const exited = once(this.child, 'exit');
    process.kill(-this.child.pid, 'SIGKILL');
    await exited;
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => { resolve(false); });
    server.listen(port, () => { resolve(true); });
  });
  if (free) await new Promise((resolve) => server.close(resolve));
  return free;
}

let dir: string;
let fake: Running;
let app: Running | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!(await portIsFree(3000))) throw new Error('port 3000 is in use: the printed lines run the quick starts there');
  dir = mkdtempSync(join(root, '.readme-fake-'));
  for (const [file, block] of Object.entries(FILES)) writeFileSync(join(dir, file), blocks.get(block) ?? '');
  writeFileSync(join(dir, 'website-sessionless.mjs'), markedBlocks('runnable', doc('website'))[0]?.code ?? '');
  // The README's tsconfig.json for server.ts (it also keeps tsx from this repository's own `paths`).
  writeFileSync(join(dir, 'tsconfig.json'), markedBlocks('readme-tsconfig')[0]?.code ?? '');
  fake = new Running(process.execPath, [join(root, 'dist/cli/index.js'), 'fake'], dir);
  await fake.printed(/Ctrl-C/, 'start-up line');
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The line the fake printed that runs `file` (`LWA_…=… node file`; changed only as the docs say), and the app it starts, listening on 3000. */
async function runPrinted(file: string, replace?: [string, string], prefix = ''): Promise<string> {
  const escaped = file.replace('.', '\\.');
  const [, printedLine = ''] = await fake.printed(new RegExp(`^ +((?:[A-Z_]+=\\S+ )+node ${escaped})$`, 'm'), `line for ${file}`);
  const line = prefix + (replace ? printedLine.replace(replace[0], replace[1]) : printedLine);
  app = new Running('sh', ['-c', line], dir);
  await app.printed(/listening on http:\/\/localhost:3000/, `"listening" from ${file}`);
  return printedLine;
}

describe.each([
  ['server.mjs', undefined],
  ['server.ts', ['node server.mjs', 'npx tsx server.ts'] as [string, string]], // as the README says for server.ts
])('the token quick start (%s)', (file, replace) => {
  it('runs with the printed line; the printed curl line answers 200 and the user; 401 without a token and for the printed expired one', async () => {
    const line = await runPrinted('server.mjs', replace);
    expect(line).not.toMatch(/SECRET/); // the token API needs no secret
    const [, curl = '', token = ''] = await fake.printed(/^ +(curl -H 'Authorization: Bearer (Atza\|\S+)' http:\/\/localhost:3000\/api\/me)$/m, 'curl line');
    const { stdout } = await sh('sh', ['-c', curl], { env: cleanEnv() });
    expect(JSON.parse(stdout)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect((await fetch(`${APP}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${APP}/api/me`)).status).toBe(401);
    const [, more = ''] = await fake.printed(/^ +(curl -X POST '\S+\/tokens\?kind=expired')$/m, 'line for more tokens');
    const expired = (JSON.parse((await sh('sh', ['-c', more], { env: cleanEnv() })).stdout) as { token: string }).token;
    const refused = await fetch(`${APP}/api/me`, { headers: { authorization: `Bearer ${expired}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});

describe('the website quick start (website.mjs) in Chromium', () => {
  let page: Page;
  /** A fresh browser profile (no cookies) that reaches only this machine. */
  async function openApp(): Promise<void> {
    browser ??= await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext()).newPage();
    await page.route('**/*', (route) => (['localhost', '127.0.0.1'].includes(new URL(route.request().url()).hostname) ? route.continue() : route.abort()));
    await page.goto(`${APP}/`);
    await page.getByRole('link', { name: 'Sign in with Amazon' }).click();
  }

  it('runs with the printed line: Allow signs Ada in, Sign out signs her out', async () => {
    const line = await runPrinted('website.mjs');
    expect(line).toMatch(/LWA_CLIENT_SECRET=\S+ /);
    await openApp();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${APP}/`);
    expect(await page.locator('body').innerText()).toMatch(/^Hello, Ada Lovelace\./);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${APP}/`);
    await expect(page.getByRole('link', { name: 'Sign in with Amazon' }).isVisible()).resolves.toBe(true);
    await page.goto(`${APP}/`);
    expect(await page.locator('body').innerText()).not.toContain('Hello');
    await page.context().close();
  });

  it('runs with the printed line: Cancel signs nobody in', async () => {
    await runPrinted('website.mjs');
    await openApp();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(`${APP}/login`);
    expect(await page.locator('body').innerText()).toContain('Sign-in failed.');
    await page.goto(`${APP}/`);
    expect(await page.locator('body').innerText()).toBe('Sign in with Amazon');
    await page.context().close();
  });

  it('docs/website.md\'s sessionless block runs with the website line as that guide says (its secret added, its file named): Allow signs Ada in', async () => {
    await runPrinted('website.mjs', ['node website.mjs', 'node website-sessionless.mjs'], 'STATE_COOKIE_SECRET=$(openssl rand -hex 32) ');
    await openApp();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${APP}/auth/amazon/callback?**`);
    expect(JSON.parse(await page.locator('body').innerText())).toEqual({ user: { id: expect.stringMatching(/^amzn1\.account\./), name: 'Ada Lovelace' } });
    await page.context().close();
  });
});

describe('the mobile-app quick start (mobile-app.mjs)', () => {
  it('runs with the printed line; the printed app-code one-liner signs Ada in, twice with two codes', async () => {
    await runPrinted('mobile-app.mjs');
    const [, oneLiner = ''] = await fake.printed(/^ +(\S.*\/app-codes\S*.*localhost:3000\/auth\/amazon\/app.*)$/m, 'app-code one-liner');
    for (let i = 0; i < 2; i += 1) {
      const { stdout } = await sh('sh', ['-c', oneLiner], { env: cleanEnv() });
      expect(JSON.parse(stdout)).toEqual({ user: { id: expect.stringMatching(/^amzn1\.account\./), name: 'Ada Lovelace' } });
    }
  });
});
