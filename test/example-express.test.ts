// `npm run example` as a user runs it: the real server.ts in a child process, read from its output.
import { once } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { startExample, stopExamples, waitFor } from './helpers/example-process.js';

jest.setTimeout(30_000);
afterEach(stopExamples);

/** Starts examples/express/server.ts with tsx, as `npm run example` does. */
const startServer = (env: Record<string, string>) => startExample('express', env);

describe('npm run example', () => {
  it('prints the URL and a curl line whose demo token signs in at /api/me, and stops on SIGINT', async () => {
    const server = startServer({ PORT: '0' });
    const [, url] = await waitFor(server, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    const [, token, target] = await waitFor(server, /curl -H 'Authorization: Bearer (Atza\|[\w-]+)' (\S+)\n/);
    expect(target).toBe(`${String(url)}/api/me`);
    const response = await fetch(String(target), { headers: { authorization: `Bearer ${String(token)}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'amzn1.account.DEMO0ADA0LOVELACE', name: 'Ada Lovelace', email: 'ada@example.com' });
    const page = await fetch(`${String(url)}/`);
    const html = await page.text();
    expect(html).toContain('Sign in (demo)');
    expect(html).toContain('action="/auth/amazon"'); // the website sign-in (code grant) against the fake
    const redirect = await fetch(`${String(url)}/auth/amazon`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ap\/oa\?client_id=/);
    server.child.kill('SIGINT');
    const [code] = (await once(server.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('uses the real Login with Amazon when LWA_CLIENT_ID is set, and prints no demo token', async () => {
    const server = startServer({ PORT: '0', LWA_CLIENT_ID: 'amzn1.application-oa2-client.real' });
    const [, url] = await waitFor(server, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    await waitFor(server, /Press Ctrl\+C/);
    expect(server.output()).not.toContain('curl');
    const page = await (await fetch(`${String(url)}/`)).text();
    expect(page).toContain('Sign in with Amazon');
    expect(page).toContain('"amzn1.application-oa2-client.real"');
    expect(page).not.toContain('Sign in (demo)');
  });

  it('refuses a PORT that is not a port number', async () => {
    const server = startServer({ PORT: 'eighty' });
    const [code] = (await once(server.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(server.output()).toContain('PORT must be an integer from 0 to 65535');
  });
});
