/**
 * Runs a README block as a user runs it: written to a folder inside the repository (so that
 * `import … from 'passport-login-with-amazon'` resolves through the package's exports to dist/),
 * in its own Node process, with test/fixtures/amazon-redirect.js preloaded to send Amazon's API
 * hosts to the fake. Used by test/readme-runnable.test.ts and test/readme-website.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FakeAmazon } from '../../lib/testing/index.js';
import { root, type MarkedBlock } from './readme-blocks.js';

export { root };
const PRELOAD = join(root, 'test/fixtures/amazon-redirect.js');

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** How a user runs the file: `node file.mjs`, or TypeScript through tsx; plus the redirect to the fake. */
export const nodeArgs = (file: string): string[] => ['--import', PRELOAD, ...(file.endsWith('.ts') ? ['--import', 'tsx'] : []), file];

export interface RunningBlock {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
}

/** Starts the block in its own process; resolves once it logs that it listens on `PORT`. */
export async function startBlock(dir: string, block: MarkedBlock, fake: FakeAmazon, extraEnv: Record<string, string> = {}): Promise<RunningBlock> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the app
  const port = await freePort();
  Object.assign(env, { LWA_CLIENT_ID: fake.clientID, PORT: String(port), FAKE_AMAZON_URL: fake.url }, extraEnv);
  const child = spawn(process.execPath, nodeArgs(block.name), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  for (let tries = 0; tries < 400; tries += 1) { // about 20 s
    if (output.includes(`listening on http://localhost:${String(port)}`)) return { child, url: `http://127.0.0.1:${String(port)}`, port };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${block.name} did not start: ${output}`);
}

export async function stopBlock(running: RunningBlock | undefined): Promise<void> {
  if (running === undefined || running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = once(running.child, 'exit');
  running.child.kill('SIGKILL');
  await exited;
}
