/**
 * Child processes: one per app under test (bench/app.ts) and one for the heap (bench/heap.ts),
 * and the build of the strategy they load.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { FakeAmazon } from '../lib/testing/index.js';
import type { AppKind, ChildMessage, ParentMessage } from './protocol.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(HERE);
/** tsx's loader, resolved here so children find it whatever their working directory. */
const TSX = import.meta.resolve('tsx');

/**
 * Compiles lib/ with the package's own build settings (tsconfig.build.json) into a scratch
 * directory and returns its URL: the apps load the strategy as users do, as tsc's JavaScript.
 * (Through tsx, the TypeScript sources run measurably slower: esbuild's keepNames wraps every
 * closure in `__name()`.) BENCH_SOURCES=1 loads lib/*.ts through tsx instead.
 */
export async function buildStrategy(root = ROOT, suffix = ''): Promise<string> {
  if (process.env.BENCH_SOURCES === '1' && root === ROOT) return new URL('../lib/', import.meta.url).href;
  // Under node_modules (bare imports such as 'got' resolve from there), marked as ESM.
  const out = path.join(ROOT, 'node_modules', '.cache', `passport-login-with-amazon-bench${suffix}`);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const flags = ['--outDir', out, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false', '--inlineSources', 'false'];
  await promisify(execFile)(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), ...flags], { timeout: 120_000 });
  await writeFile(path.join(out, 'package.json'), '{ "type": "module" }\n');
  return `${pathToFileURL(out).href}/`;
}

/**
 * The same build of lib/ as it was at `commit` (for rows that compare with an earlier version in
 * the same run): its lib/ and tsconfig files from `git archive`, compiled as {@link buildStrategy} does.
 */
export async function buildStrategyAt(commit: string): Promise<string> {
  const src = path.join(ROOT, 'node_modules', '.cache', 'passport-login-with-amazon-bench-src');
  await rm(src, { recursive: true, force: true });
  await mkdir(src, { recursive: true });
  const run = promisify(execFile);
  await run('sh', ['-c', `git -C "${ROOT}" archive "${commit}" lib tsconfig.json tsconfig.build.json | tar -x -C "${src}"`], { timeout: 60_000 });
  return buildStrategy(src, `-${commit}`);
}

export interface RunningApp {
  port: number;
  stats(): Promise<{ maxRssBytes: number; rssBytes: number }>;
  stop(): Promise<void>;
}

/** Starts `bench/app.ts` as `kind` against the fake; resolves once it listens. */
export async function startApp(kind: AppKind, amazon: FakeAmazon, lib: string): Promise<RunningApp> {
  const child: ChildProcess = fork(path.join(HERE, 'app.ts'), [], {
    execArgv: ['--import', TSX],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_APP: kind,
      BENCH_LIB: lib,
      BENCH_CLIENT_ID: amazon.clientID,
      BENCH_TOKENINFO_URL: amazon.endpoints.tokenInfoURL,
      BENCH_PROFILE_URL: amazon.endpoints.profileURL,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app ${kind}: no ${type} message within 30 s`)), 30_000);
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`app ${kind} exited (${String(code)}) before ${type}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const command = (message: ParentMessage): void => {
    child.send(message);
  };
  const { port } = await next('ready');
  return {
    port,
    async stats() {
      const reply = next('stats');
      command({ type: 'stats' });
      return reply;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      command({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What bench/heap.ts prints. */
export interface HeapResult {
  from: number;
  to: number;
  max: number;
  succeeded: number;
  upstreamCalls: number;
  cacheSize?: number;
  heapAtFromBytes: number;
  heapAtToBytes: number;
  growthBytes: number;
  seconds: number;
}

/** Runs bench/heap.ts with `--expose-gc` (killed after 2 minutes) and returns its result. */
export async function measureHeap(lib: string): Promise<HeapResult> {
  const child = fork(path.join(HERE, 'heap.ts'), [], {
    execArgv: ['--expose-gc', '--import', TSX],
    env: { ...process.env, BENCH_LIB: lib },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`heap measurement exited with ${String(code)}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '') as HeapResult;
}
