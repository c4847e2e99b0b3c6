/**
 * `passport-login-with-amazon fake`, run as a user runs it (the built bin, its own process): it
 * serves the fake Amazon on a port, prints what points each strategy at it, a valid token and a
 * curl line (or one JSON object), issues more tokens on `POST /tokens`, and stops on Ctrl-C.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';

const BIN = new URL('../../dist/cli/index.js', import.meta.url).pathname;
const running: ChildProcessWithoutNullStreams[] = [];

interface Started { child: ChildProcessWithoutNullStreams; output: () => string }

function start(args: string[]): Started {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [BIN, 'fake', ...args], { env });
  running.push(child);
  let text = '';
  child.stdout.on('data', (chunk) => (text += String(chunk)));
  child.stderr.on('data', (chunk) => (text += String(chunk)));
  return { child, output: () => text };
}

async function waitFor(started: Started, pattern: RegExp): Promise<RegExpExecArray> {
  for (let tries = 0; tries < 400; tries += 1) {
    const match = pattern.exec(started.output());
    if (match) return match;
    if (started.child.exitCode !== null) throw new Error(`exited: ${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${String(pattern)} in: ${started.output()}`);
}

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
});

interface Summary { clientID: string; clientSecret: string; tokenInfoURL: string; profileURL: string; authorizationURL: string; tokenURL: string; appCodesURL: string; token: string }

async function json(args: string[] = []): Promise<{ started: Started; summary: Summary }> {
  const started = start(['--json', ...args]);
  const [line = ''] = await waitFor(started, /^\{.*\}\n/);
  return { started, summary: JSON.parse(line) as Summary };
}

const tokeninfo = async (summary: Summary, token: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(summary.tokenInfoURL, { headers: { 'x-amz-access-token': token } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('fake', () => {
  test('--json prints one object: the client id and secret, the four URLs, the app-codes URL and a token tokeninfo approves for it', async () => {
    const { summary } = await json();
    expect(Object.keys(summary).sort()).toEqual(['appCodesURL', 'authorizationURL', 'clientID', 'clientSecret', 'profileURL', 'token', 'tokenInfoURL', 'tokenURL']);
    expect(summary.clientSecret).toBe('fake-client-secret-0123456789abcdef0123456789abcdef');
    expect(summary.clientID).toBe('amzn1.application-oa2-client.demo');
    const base = new URL(summary.tokenInfoURL).origin;
    expect(summary).toMatchObject({
      tokenInfoURL: `${base}/auth/o2/tokeninfo`, profileURL: `${base}/user/profile`,
      authorizationURL: `${base}/ap/oa`, tokenURL: `${base}/auth/o2/token`, appCodesURL: `${base}/app-codes?redirect_uri=amzn%3A%2F%2Fcom.example.shop`,
    });
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const info = await tokeninfo(summary, summary.token);
    expect(info).toMatchObject({ status: 200, body: { aud: 'amzn1.application-oa2-client.demo' } });
    const profile = await fetch(summary.profileURL, { headers: { authorization: `Bearer ${summary.token}` } });
    expect(await profile.json()).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  test('--client-id sets the audience of the tokens it issues', async () => {
    const { summary } = await json(['--client-id', 'amzn1.application-oa2-client.mine']);
    expect(summary.clientID).toBe('amzn1.application-oa2-client.mine');
    expect((await tokeninfo(summary, summary.token)).body.aud).toBe('amzn1.application-oa2-client.mine');
  });

  test('--port serves on that port', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const { summary } = await json(['--port', String(port)]);
    expect(summary.tokenInfoURL).toBe(`http://127.0.0.1:${port}/auth/o2/tokeninfo`);
  });

  test('without --json it prints a command line per quick start, the options of each strategy, a token and curl lines', async () => {
    const started = start([]);
    const [, url = ''] = await waitFor(started, /curl -s -X POST '(http:\/\/127\.0\.0\.1:\d+)\/app-codes.*\n/);
    const text = started.output();
    const secret = 'fake-client-secret-0123456789abcdef0123456789abcdef';
    expect(text).toContain(`Fake Login with Amazon on ${url} (Ctrl-C stops it).`);
    expect(text).toContain(`\n  LWA_CLIENT_ID=amzn1.application-oa2-client.demo LWA_TOKENINFO_URL=${url}/auth/o2/tokeninfo LWA_PROFILE_URL=${url}/user/profile node server.mjs\n`);
    expect(text).toMatch(new RegExp(`\\n  LWA_CLIENT_ID=amzn1\\.application-oa2-client\\.demo LWA_CLIENT_SECRET=${secret} LWA_AUTHORIZATION_URL=${url}/ap/oa `
      + `LWA_TOKEN_URL=${url}/auth/o2/token LWA_PROFILE_URL=${url}/user/profile SESSION_SECRET=[A-Za-z0-9_-]{43} node website\\.mjs\\n`));
    expect(text).toContain(`\n  LWA_CLIENT_ID=amzn1.application-oa2-client.demo LWA_CLIENT_SECRET=${secret} LWA_TOKEN_URL=${url}/auth/o2/token LWA_PROFILE_URL=${url}/user/profile node mobile-app.mjs\n`);
    expect(text).toContain(`\n  echo 'Atza|`);
    expect(text).toContain(`' | npx passport-login-with-amazon check - --client-id amzn1.application-oa2-client.demo --tokeninfo-url ${url}/auth/o2/tokeninfo\n`);
    expect(text).toContain(`curl -s -X POST '${url}/app-codes?redirect_uri=amzn%3A%2F%2Fcom.example.shop' | curl -s -H 'content-type: application/json' --data-binary @- http://localhost:3000/auth/amazon/app\n`);
    expect(text).toContain(`new LoginWithAmazonStrategy({ clientID: 'amzn1.application-oa2-client.demo', tokenInfoURL: '${url}/auth/o2/tokeninfo', profileURL: '${url}/user/profile' }, verify);`);
    expect(text).toContain(`new LoginWithAmazonOAuth2Strategy({ clientID: 'amzn1.application-oa2-client.demo', clientSecret: '`);
    expect(text).toContain(`authorizationURL: '${url}/ap/oa', tokenURL: '${url}/auth/o2/token'`);
    expect(text).toContain(`new LoginWithAmazonCodeExchangeStrategy({ clientID: 'amzn1.application-oa2-client.demo', clientSecret: '`);
    expect(text).toContain(`redirectURIs: ['amzn://com.example.shop'], tokenURL: '${url}/auth/o2/token', profileURL: '${url}/user/profile' }, verify);`);
    const [, token = ''] = /\n {2}(Atza\|\S+)\n/.exec(text) ?? [];
    expect(text).toContain(`curl -H 'Authorization: Bearer ${token}' http://localhost:3000/api/me`);
    const res = await fetch(`${url}/auth/o2/tokeninfo`, { headers: { 'x-amz-access-token': token } });
    expect(res.status).toBe(200);
  });

  test.each([
    ['valid', 200, 'amzn1.application-oa2-client.demo'],
    ['expired', 400, undefined],
    ['revoked', 400, undefined],
    ['other-audience', 200, 'amzn1.application-oa2-client.someone-else'],
  ])('POST /tokens?kind=%s issues a token tokeninfo answers %d', async (kind, status, aud) => {
    const { summary } = await json();
    const base = new URL(summary.tokenInfoURL).origin;
    const res = await fetch(`${base}/tokens?kind=${kind}&name=Grace`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { token, kind: echoed } = (await res.json()) as { token: string; kind: string };
    expect(echoed).toBe(kind);
    const info = await tokeninfo(summary, token);
    expect(info.status).toBe(status);
    expect(info.body.aud).toBe(aud);
  });

  test('POST appCodesURL answers { code, code_verifier, redirect_uri }, which the token endpoint exchanges (as the SDK and the app-code strategy would)', async () => {
    const { summary } = await json();
    const base = new URL(summary.tokenInfoURL).origin;
    const res = await fetch(summary.appCodesURL, { method: 'POST' });
    expect(res.status).toBe(200);
    const app = (await res.json()) as { code: string; code_verifier: string; redirect_uri: string };
    expect(Object.keys(app)).toEqual(['code', 'code_verifier', 'redirect_uri']);
    expect(app.redirect_uri).toBe('amzn://com.example.shop');
    const exchange = await fetch(summary.tokenURL, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', ...app, client_id: summary.clientID }),
    });
    expect(exchange.status).toBe(200);
    expect(((await exchange.json()) as { access_token: string }).access_token).toMatch(/^Atza\|/);
    const unregistered = await fetch(`${base}/app-codes?redirect_uri=${encodeURIComponent('amzn://com.example.other')}`, { method: 'POST' });
    expect(unregistered.status).toBe(400);
  });

  test('POST /tokens refuses an unknown kind (400) and another method (405)', async () => {
    const { summary } = await json();
    const base = new URL(summary.tokenInfoURL).origin;
    expect((await fetch(`${base}/tokens?kind=admin`, { method: 'POST' })).status).toBe(400);
    const get = await fetch(`${base}/tokens`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  test('Ctrl-C (SIGINT) stops it: exit 0, and the port is closed', async () => {
    const { started, summary } = await json();
    const exited = once(started.child, 'exit');
    started.child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    await expect(fetch(summary.tokenInfoURL)).rejects.toThrow();
  });

  test.each([['-1'], ['70000'], ['http']])('--port %s is a usage error: exit 2', async (port) => {
    const started = start(['--port', port]);
    const [code] = (await once(started.child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(started.output()).toMatch(/--port/);
    expect(started.output()).toContain('Usage:');
  });
});
