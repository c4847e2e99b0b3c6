/**
 * The runnable blocks the guides added for "Why did sign-in fail?" (docs/access-tokens.md,
 * docs/website.md, docs/mobile-app.md) and the OpenTelemetry set-up of docs/observability.md run as
 * written, each in its own process against dist/ (Amazon's API hosts sent to the fake by the
 * preload, as for the README's blocks), with `NODE_DEBUG=passport-login-with-amazon`: each refusal
 * prints its reason through the block's own handler and the debug log, and no secret is printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../lib/testing/index.js';
import { CookieBrowser } from './helpers/browser-jar.js';
import { doc, markedBlocks, type MarkedBlock } from './helpers/readme-blocks.js';
import { root, startBlock, stopBlock, type RunningBlock } from './helpers/readme-run.js';

const ADA = { user_id: 'amzn1.account.DOCS0WHY0FAILED', name: 'Ada Lovelace', email: 'ada@example.com' };
const SECRETS = { LWA_CLIENT_SECRET: 'docs-why-client-secret-0123456789abcdef', SESSION_SECRET: 'docs-why-session-secret-0123456789abcdef' };

function block(guide: string, name: string): MarkedBlock {
  const found = markedBlocks('runnable', doc(guide)).find((b) => b.name === name);
  if (!found) throw new Error(`no <!-- runnable: ${name} --> in docs/${guide}.md`);
  return found;
}

interface Running { app: RunningBlock; amazon: FakeAmazon; origin: string; output: () => string; dir: string }

/** Starts a guide's block on a fresh fake, with the debug log on; collects what it prints. */
async function start(guide: string, name: string): Promise<Running> {
  const dir = mkdtempSync(join(root, '.docs-why-'));
  const code = block(guide, name);
  writeFileSync(join(dir, code.name), code.code);
  const amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.docswhy', user: ADA, clientSecret: SECRETS.LWA_CLIENT_SECRET });
  const app = await startBlock(dir, code, amazon, { ...SECRETS, NODE_DEBUG: 'passport-login-with-amazon' });
  let printed = '';
  app.child.stdout?.on('data', (chunk) => (printed += String(chunk)));
  app.child.stderr?.on('data', (chunk) => (printed += String(chunk)));
  return { app, amazon, origin: `http://localhost:${String(app.port)}`, output: () => printed, dir };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  await stopBlock(running.app);
  await running.amazon.close();
  rmSync(running.dir, { recursive: true, force: true });
}

/** Waits until the block has printed `pattern` (it prints asynchronously), or fails with what it printed. */
async function printed(running: Running, pattern: RegExp, ms = 10_000): Promise<string> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (pattern.test(running.output())) return running.output();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return running.output();
}

const debugLine = (text: string): RegExp => new RegExp(`^PASSPORT-LOGIN-WITH-AMAZON \\d+: ${text}`, 'm');

describe('docs/access-tokens.md why-token.mjs', () => {
  let run: Running | undefined;
  const r = (): Running => { if (!run) throw new Error('the block starts in beforeAll'); return run; };
  beforeAll(async () => { run = await start('access-tokens', 'why-token.mjs'); }, 30_000);
  afterAll(async () => { await stop(run); });

  it('a request without a token: 401 with the challenge, printed by the failWithError handler and the debug log', async () => {
    const res = await fetch(`${r().origin}/api/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
    const out = await printed(r(), debugLine('amazon-token fail 401: no token in the request'));
    expect(out).toMatch(/^refused 401 Unauthorized: Bearer realm="Users"$/m);
    expect(out).toMatch(debugLine('amazon-token fail 401: no token in the request$'));
  });

  it('a token of another client: the reason in the challenge the handler prints, never the token', async () => {
    const token = r().amazon.issueToken(ADA, { aud: 'amzn1.application-oa2-client.other' });
    const res = await fetch(`${r().origin}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    const out = await printed(r(), /error_description="token was issued to another client"/);
    expect(out).toMatch(/^refused 401 Unauthorized: Bearer realm="Users", error="invalid_token", error_description="token was issued to another client"$/m);
    expect(out).toMatch(debugLine('amazon-token fail 401: invalid_token: token was issued to another client$'));
    expect(out).not.toContain(token);
  });

  it('a good token signs in', async () => {
    const res = await fetch(`${r().origin}/api/me`, { headers: { authorization: `Bearer ${r().amazon.issueToken(ADA)}` } });
    expect(await res.json()).toEqual({ id: ADA.user_id, name: ADA.name });
  });
});

describe('docs/website.md why-website.mjs', () => {
  let run: Running | undefined;
  const r = (): Running => { if (!run) throw new Error('the block starts in beforeAll'); return run; };
  beforeAll(async () => {
    run = await start('website', 'why-website.mjs');
    run.amazon.allowRedirectURI(`${run.origin}/auth/amazon/callback`);
  }, 30_000);
  afterAll(async () => { await stop(run); });
  afterEach(() => { run?.amazon.reset(); if (run) run.amazon.consent = 'approve'; });

  /** The sign-in route (browsed at `origin`), then Amazon's page: the callback URL, not yet opened. */
  async function toCallback(browser: CookieBrowser, origin: string): Promise<string> {
    const res = await browser.request(`${origin}/auth/amazon`);
    const location = new URL(res.headers.get('location') ?? '');
    const { stoppedAt } = await browser.follow(`${r().amazon.codeGrant.authorizationURL}${location.search}`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
    return stoppedAt ?? '';
  }

  it('started on 127.0.0.1 while callbackURL names localhost: the debug log says so at once, and the 403 says why', async () => {
    const other = `http://127.0.0.1:${String(r().app.port)}`;
    const callback = await toCallback(new CookieBrowser(other), other);
    const res = await new CookieBrowser(r().origin).request(callback); // Amazon sends the browser to localhost, without 127.0.0.1's cookie
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('Sign-in failed: unable to verify authorization request state. Try again at /auth/amazon');
    const out = await printed(r(), /^sign-in failed \(403\)/m);
    expect(out).toMatch(debugLine('amazon redirect 302: sign-in started on host 127\\.0\\.0\\.1, but callbackURL names localhost'));
    expect(out).toMatch(debugLine('amazon fail 403: no pending sign-in for this browser \\(the browser sent no cookie at all\\): started on another host \\(127\\.0\\.0\\.1 vs localhost\\)\\?'));
    expect(out).toMatch(/^sign-in failed \(403\): unable to verify authorization request state$/m);
    expect(out).not.toContain(new URL(callback).searchParams.get('code') ?? '-');
    expect(out).not.toContain(new URL(callback).searchParams.get('state') ?? '-');
  });

  it('Cancel at Amazon: 401 "access denied", from req.session.messages (failureMessage) in the failWithError handler', async () => {
    r().amazon.consent = 'deny';
    const browser = new CookieBrowser(r().origin);
    const res = await browser.request(await toCallback(browser, r().origin));
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('Sign-in failed: access denied. Try again at /auth/amazon');
    const out = await printed(r(), /^sign-in failed \(401\): access denied$/m);
    expect(out).toMatch(debugLine('amazon fail 401: access denied$'));
  });

  it('a whole sign-in still works, and prints nothing', async () => {
    const browser = new CookieBrowser(r().origin);
    const before = r().output().length;
    const { res } = await browser.follow(await toCallback(browser, r().origin));
    expect(await res.text()).toBe(`Hello, ${ADA.name}`);
    expect(r().output().slice(before)).toBe('');
    expect(r().output()).not.toContain(SECRETS.LWA_CLIENT_SECRET);
  });
});

describe('docs/mobile-app.md why-app-code.mjs', () => {
  let run: Running | undefined;
  const r = (): Running => { if (!run) throw new Error('the block starts in beforeAll'); return run; };
  beforeAll(async () => {
    run = await start('mobile-app', 'why-app-code.mjs');
    run.amazon.allowRedirectURI('amzn://com.example.shop');
  }, 30_000);
  afterAll(async () => { await stop(run); });

  const post = (body: unknown): Promise<Response> => fetch(`${r().origin}/auth/amazon/app`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });

  it('a verifier of the wrong shape: 400, the handler prints the status, the debug log the field; neither the code nor the verifier', async () => {
    const auth = r().amazon.authorizeApp({ redirectURI: 'amzn://com.example.shop' });
    const res = await post({ code: auth.code, code_verifier: 'short-verifier-value', redirect_uri: auth.redirectURI });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Bad Request' });
    const out = await printed(r(), /"code_verifier" must be/);
    expect(out).toMatch(/^refused 400 Bad Request \(NODE_DEBUG=passport-login-with-amazon says why\)$/m);
    expect(out).toMatch(debugLine('amazon-code fail 400: "code_verifier" must be 43 to 128 characters'));
    expect(out).not.toContain(auth.code);
    expect(out).not.toContain('short-verifier-value');
  });

  it('a code used twice: 401, "authorization code rejected" in the debug log; a good one signs in', async () => {
    const auth = r().amazon.authorizeApp({ redirectURI: 'amzn://com.example.shop' });
    const body = { code: auth.code, code_verifier: auth.verifier, redirect_uri: auth.redirectURI };
    expect(await (await post(body)).json()).toEqual({ user: { id: ADA.user_id, name: ADA.name } });
    expect((await post(body)).status).toBe(401);
    const out = await printed(r(), /^refused 401/m);
    expect(out).toMatch(debugLine('amazon-code fail 401: authorization code rejected: sign in again in the app$'));
    expect(out).not.toContain(auth.code);
    expect(out).not.toContain(auth.verifier);
    expect(out).not.toContain(SECRETS.LWA_CLIENT_SECRET);
  });
});

describe('docs/observability.md otel-console.mjs', () => {
  let run: Running | undefined;
  const r = (): Running => { if (!run) throw new Error('the block starts in beforeAll'); return run; };
  beforeAll(async () => { run = await start('observability', 'otel-console.mjs'); }, 30_000);
  afterAll(async () => { await stop(run); });

  it('prints an lwa.authenticate span with the package\'s version, then the lwa.authenticate.duration metric', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect((await fetch(`${r().origin}/api/me`)).status).toBe(401);
    const out = await printed(r(), /lwa\.authenticate\.duration/, 15_000);
    expect(out).toMatch(/name: 'lwa\.authenticate'/);
    expect(out).toMatch(new RegExp(`instrumentationScope: \\{\\s*name: 'passport-login-with-amazon',\\s*version: '${version.replace(/\./g, '\\.')}'`));
    expect(out).toMatch(/'lwa\.outcome': 'fail'/);
    expect(out).toMatch(/name: 'lwa\.authenticate\.duration'/);
  }, 30_000);
});
