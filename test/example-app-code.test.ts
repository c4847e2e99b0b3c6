// The Express example's app sign-in: `npm run example` (server.ts in its own process) and the
// script standing in for the mobile app (mobile-app.ts), run as the line the server prints says.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { startExample, stopExamples, waitFor } from './helpers/example-process.js';

jest.setTimeout(30_000);
afterEach(stopExamples);

/** Runs examples/express/mobile-app.ts with tsx against `backend`; its exit code and output. */
async function runApp(backend: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'examples/express/mobile-app.ts', backend], { env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('the mobile app stand-in against npm run example', () => {
  it('signs in through POST /auth/amazon/app: the printed command works, twice (a fresh code each time)', async () => {
    const server = startExample('express', { PORT: '0' });
    const [, backend] = await waitFor(server, /npx tsx examples\/express\/mobile-app\.ts (http:\/\/127\.0\.0\.1:\d+)\n/);
    for (let run = 0; run < 2; run += 1) {
      const { code, output } = await runApp(String(backend));
      expect(output).toContain('The SDK returned a code for amzn://com.example.shop');
      expect(output).toContain('Signed in as Ada Lovelace (amzn1.account.DEMO0ADA0LOVELACE); Amazon\'s access token lives 3600 s, on the backend only.');
      expect(output).not.toMatch(/Atz[ar]\||AN[A-Za-z0-9_-]{10}/); // neither a token nor the code is printed
      expect(code).toBe(0);
    }
  });

  it('a code posted twice: the second is refused 401 (Amazon\'s codes are single-use)', async () => {
    const server = startExample('express', { PORT: '0' });
    const [, backend] = await waitFor(server, /mobile-app\.ts (http:\/\/127\.0\.0\.1:\d+)\n/);
    const config = await (await fetch(`${String(backend)}/demo/app-config`)).json() as { clientID: string; redirectURI: string; authorizationURL: string };
    const verifier = 'v'.repeat(43);
    const url = new URL(config.authorizationURL);
    url.search = new URLSearchParams({
      client_id: config.clientID, redirect_uri: config.redirectURI, response_type: 'code', scope: 'profile',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    const consentToken = /name="consent_token" value="([^"]+)"/.exec(await (await fetch(url)).text())?.[1] ?? '';
    const allowed = await fetch(url.origin + url.pathname, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ consent_token: consentToken, decision: 'allow' }) });
    const location = allowed.headers.get('location') ?? '';
    const body = JSON.stringify({ code: new URL(location).searchParams.get('code'), code_verifier: verifier, redirect_uri: config.redirectURI });
    const postIt = (): Promise<Response> => fetch(`${String(backend)}/auth/amazon/app`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await postIt()).status).toBe(200);
    expect((await postIt()).status).toBe(401);
  });

  it('reports a failure and exits 1 when the backend is not there', async () => {
    const { code, output } = await runApp('http://127.0.0.1:1');
    expect(output).toContain('App sign-in failed');
    expect(code).toBe(1);
  });
});
