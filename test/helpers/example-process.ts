/** Runs an example's server.ts the way a user does (`tsx`, its own process) and reads its output. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';

/** A running example and everything it has printed so far. */
export interface ExampleProcess {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}

const children: ChildProcessWithoutNullStreams[] = [];

/**
 * Starts `examples/<name>/server.ts` with tsx in its own process group. `env` is added to this
 * process's environment without jest's NODE_OPTIONS and without LWA_CLIENT_ID (demo mode).
 */
export function startExample(name: string, env: Record<string, string>): ExampleProcess {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the example
  delete inherited.LWA_CLIENT_ID;
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', `examples/${name}/server.ts`], {
    env: { ...inherited, ...env },
    detached: true, // its own process group, so stopExamples() can end tsx and the server together
  });
  children.push(child);
  let text = '';
  child.stdout.on('data', (chunk) => (text += String(chunk)));
  child.stderr.on('data', (chunk) => (text += String(chunk)));
  return { child, output: () => text };
}

/** Waits until the output matches; gives up when the process ends or after about 20 s. */
export async function waitFor(server: ExampleProcess, pattern: RegExp): Promise<RegExpExecArray> {
  for (let tries = 0; tries < 400; tries += 1) {
    const match = pattern.exec(server.output());
    if (match) return match;
    if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${String(pattern)} in: ${server.output()}`);
}

/** Ends every example still running: tsx runs the script in a grandchild, so kill the whole group. */
export async function stopExamples(): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    const exited = once(child, 'exit');
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  }
}
