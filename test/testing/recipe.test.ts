/**
 * The "Testing your app" recipe works on the README's quick start with today's releases: pack this
 * package, create an app in a temporary folder with the README's `server.mjs`, write the guide's
 * package.json and test file, run its install commands (the packed tarball in place of the
 * package's name) and its `npm test`, which must pass and exit by itself; then on `server.ts`.
 * Nothing is downloaded: the installs run with `--offline`, from npm's cache, which .ci/run fills
 * beforehand (test/helpers/warm-recipe-cache.ts) while the registry is reachable.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { packTarball } from '../helpers/pack.js';
import { markedBlocks } from '../helpers/readme-blocks.js';
import { appEnv, installRecipe, PACKAGE_NAME, readRecipe, writeRecipeFiles } from '../helpers/scratch-app.js';

const run = promisify(execFile);
const recipe = readRecipe();
/** The README's first quick start, in JavaScript and in TypeScript. */
const quickStart = (name: string): string => markedBlocks('runnable').find((block) => block.name === name)?.code ?? '';
/** The guide's `npm test` must end on its own: a handle left open would hang it until this kills it. */
const EXITS_WITHIN_MS = 90_000;
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the "Testing your app" recipe in a new app', () => {
  let scratch: string;
  let app: string;
  const readJson = (path: string): Record<string, Record<string, string> | undefined> =>
    JSON.parse(readFileSync(join(app, path), 'utf8')) as Record<string, Record<string, string> | undefined>;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'lwa-recipe-'));
    app = join(scratch, 'app');
    mkdirSync(app);
    writeRecipeFiles(app, recipe);
    writeFileSync(join(app, 'server.mjs'), quickStart('quick-start.mjs'));
    await installRecipe(app, recipe, packTarball(scratch), true);
  }, 120_000);

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('asks for a package.json, a tsconfig.json with Node\'s types and one test file; installs the package, passport, express, tsx, tsc and types', () => {
    expect([...recipe.files.keys()].sort()).toEqual(['package.json', 'test/me.test.ts', 'tsconfig.json']);
    const pkg = readJson('package.json');
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(['express', 'passport', PACKAGE_NAME]);
    expect(Object.keys(pkg.devDependencies ?? {}).sort()).toEqual(['@types/express', '@types/node', '@types/passport', 'tsx', 'typescript']);
    expect(readJson('tsconfig.json').compilerOptions).toMatchObject({ types: ['node'], strict: true, skipLibCheck: false, noEmit: true });
    expect(readJson(`node_modules/${PACKAGE_NAME}/package.json`)).toMatchObject({ version });
  });

  /**
   * Runs `npm test`; rejects when a test fails, or when it has not exited by itself in time. Then
   * the whole process group is killed: npm's test runner and the test process too, which would
   * otherwise live on (and keep a port).
   */
  async function npmTest(): Promise<{ stdout: string; stderr: string }> {
    const child = spawn('npm', ['test'], { cwd: app, env: appEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => { process.kill(-(child.pid ?? 0), 'SIGKILL'); }, EXITS_WITHIN_MS);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);
    if (code !== 0) throw new Error(`npm test ${signal === null ? `exited ${String(code)}` : `did not exit by itself in ${String(EXITS_WITHIN_MS)} ms`}:\n${stdout}\n${stderr}`);
    return { stdout, stderr };
  }

  function expectAllPassed(stdout: string, stderr: string): void {
    const tests = (recipe.files.get('test/me.test.ts') ?? '').match(/^test\(/gm)?.length ?? 0;
    expect(tests).toBeGreaterThanOrEqual(5);
    // The reporter is TAP or spec ("# pass 6" / "ℹ pass 6").
    const count = (name: string): number => Number(new RegExp(`^[#ℹ] ${name} (\\d+)$`, 'm').exec(stdout)?.[1]);
    expect({ tests: count('tests'), pass: count('pass'), fail: count('fail') }).toEqual({ tests, pass: tests, fail: 0 });
    expect(stdout).toContain('> tsc && node --import tsx --test'); // npm test type-checks first
    expect(`${stdout}\n${stderr}`).not.toMatch(/^\s+at /m); // no stack: the quick start's error handler answers Amazon's failures
  }

  it('imports the README\'s server.mjs as it is, without allowJs, --forceExit or a listening server on import', () => {
    const test = recipe.files.get('test/me.test.ts') ?? '';
    expect(test).toContain("new URL('../server.mjs', import.meta.url)");
    expect(`${test}${recipe.files.get('tsconfig.json') ?? ''}${recipe.files.get('package.json') ?? ''}`).not.toMatch(/allowJs|forceExit|test-force-exit/);
    expect(quickStart('quick-start.mjs')).toMatch(/^export const app = express\(\);$/m);
  });

  it('passes with npm test on the README\'s server.mjs, and exits by itself: every test of test/me.test.ts runs and none fails', async () => {
    const { stdout, stderr } = await npmTest();
    expectAllPassed(stdout, stderr);
  }, 120_000);

  it('passes the same way on the README\'s server.ts, with the one change the guide names (\'../server.ts\')', async () => {
    const testFile = join(app, 'test', 'me.test.ts');
    const original = readFileSync(testFile, 'utf8');
    writeFileSync(join(app, 'server.ts'), quickStart('quick-start.ts'));
    writeFileSync(testFile, original.replace("'../server.mjs'", "'../server.ts'"));
    try {
      const { stdout, stderr } = await npmTest();
      expectAllPassed(stdout, stderr);
    } finally {
      writeFileSync(testFile, original);
      rmSync(join(app, 'server.ts'));
    }
  }, 120_000);

  it('fails npm test when the test file does not type-check (tsc really runs)', async () => {
    const broken = join(app, 'test', 'broken.test.ts');
    writeFileSync(broken, 'const n: number = \'not a number\';\nexport { n };\n');
    try {
      await expect(run('npm', ['test'], { cwd: app, env: appEnv(), timeout: 120_000 })).rejects.toMatchObject({ stdout: expect.stringContaining('TS2322') });
    } finally {
      rmSync(broken);
    }
  }, 120_000);
});
