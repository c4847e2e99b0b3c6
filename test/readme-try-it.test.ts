/**
 * The README's "Try it without an Amazon account": `npx passport-login-with-amazon fake` (the
 * built bin) prints the command that starts the Quick start against it, a token and a curl line;
 * run as printed (no preload, no other setup), the Quick start answers 200 with the fake's user,
 * for both the JavaScript and the TypeScript block.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { markedBlocks } from './helpers/readme-blocks.js';
import { freePort } from './helpers/readme-run.js';

const root = new URL('..', import.meta.url).pathname;
const BIN = join(root, 'dist/cli/index.js');
const blocks = markedBlocks('runnable').filter((block) => block.name.startsWith('quick-start.'));
const children: ChildProcess[] = [];

function env(): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_OPTIONS', 'LWA_CLIENT_ID', 'LWA_TOKENINFO_URL', 'LWA_PROFILE_URL']) Reflect.deleteProperty(copy, name);
  return copy;
}

async function output(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpExecArray> {
  let text = '';
  child.stdout.on('data', (chunk) => (text += String(chunk)));
  child.stderr.on('data', (chunk) => (text += String(chunk)));
  for (let tries = 0; tries < 400; tries += 1) {
    const match = pattern.exec(text);
    if (match) return match;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${String(pattern)} in: ${text}`);
}

let dir: string;
let printed: { variables: Record<string, string>; token: string };
beforeAll(async () => {
  dir = mkdtempSync(join(root, '.readme-run-'));
  const fake = spawn(process.execPath, [BIN, 'fake'], { env: env() });
  children.push(fake);
  const [, line = '', token = ''] = await output(fake, /\n {2}(LWA_CLIENT_ID=\S+ LWA_TOKENINFO_URL=\S+ LWA_PROFILE_URL=\S+) node server\.mjs\n[\s\S]*curl -H 'Authorization: Bearer (Atza\|\S+)'/);
  printed = { variables: Object.fromEntries(line.split(' ').map((pair) => pair.split('=') as [string, string])), token };
}, 30_000);
afterAll(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.each(blocks)('the Quick start ($name) against `npx passport-login-with-amazon fake`', (block) => {
  it('answers 200 with the fake\'s user for the printed token, and 401 without it', async () => {
    writeFileSync(join(dir, block.name), block.code);
    const port = await freePort();
    const args = block.name.endsWith('.ts') ? ['--import', 'tsx', block.name] : [block.name];
    const app = spawn(process.execPath, args, { cwd: dir, env: { ...env(), ...printed.variables, PORT: String(port) } });
    children.push(app);
    await output(app, new RegExp(`listening on http://localhost:${String(port)}`));
    const me = (token?: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${String(port)}/api/me`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    const signedIn = await me(printed.token);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect((await me()).status).toBe(401);
    expect((await me('Atza|not-from-the-fake')).status).toBe(401);
  }, 30_000);
});
