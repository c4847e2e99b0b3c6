// `npx tsx examples/<framework>/server.ts` as a user runs it: demo mode prints a curl line whose
// token signs in, a revoked-looking token gets the challenge, and SIGINT stops the server.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, jest, test } from '@jest/globals';

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

function startServer(framework: string): { child: ChildProcessWithoutNullStreams; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the example
  delete env.LWA_CLIENT_ID;
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', `examples/${framework}/server.ts`], { env, detached: true });
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

describe.each(['koa', 'fastify', 'nestjs'])('npx tsx examples/%s/server.ts', (framework) => {
  test('prints a curl line whose demo token signs in; a forged token gets 401 with the challenge; stops on SIGINT', async () => {
    const server = startServer(framework);
    const [, token, target] = await waitFor(server, /curl -H 'Authorization: Bearer (Atza\|[\w-]+)' (http:\/\/127\.0\.0\.1:\d+\/api\/me)\n/);
    const ok = await fetch(String(target), { headers: { authorization: `Bearer ${String(token)}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      provider: 'amazon',
      id: 'amzn1.account.DEMO0ADA0LOVELACE',
      displayName: 'Ada Lovelace',
      emails: [{ value: 'ada@example.com' }],
    });
    const forged = await fetch(String(target), { headers: { authorization: `Bearer ${String(token).replace('Atza|', 'Atza|X')}` } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer realm="Users", error="invalid_token"/);
    server.child.kill('SIGINT');
    const [code] = (await once(server.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
