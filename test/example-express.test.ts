// `npm run example` as a user runs it: the real server.ts in a child process, read from its output.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';

jest.setTimeout(30_000);

const children: ChildProcessWithoutNullStreams[] = [];

// tsx runs the script in a grandchild: end the whole process group, or the server outlives the test.
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    const exited = once(child, 'exit');
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  }
});

/** Starts examples/express/server.ts with tsx, as `npm run example` does. */
function startServer(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; output: () => string } {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the example
  delete inherited.LWA_CLIENT_ID;
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'examples/express/server.ts'], {
    env: { ...inherited, ...env },
    detached: true, // its own process group, so afterEach can end tsx and the server together
  });
  children.push(child);
  let text = '';
  child.stdout.on('data', (chunk) => (text += String(chunk)));
  child.stderr.on('data', (chunk) => (text += String(chunk)));
  return { child, output: () => text };
}

/** Waits until the output matches; gives up when the process ends or after about 20 s. */
async function waitFor(server: ReturnType<typeof startServer>, pattern: RegExp): Promise<RegExpExecArray> {
  for (let tries = 0; tries < 400; tries += 1) {
    const match = pattern.exec(server.output());
    if (match) return match;
    if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${String(pattern)} in: ${server.output()}`);
}

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
    expect(await page.text()).toContain('Sign in (demo)');
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
