/**
 * The README's "Testing your app" recipe works in a new app with today's releases: pack this
 * package, create an app in a temporary folder, write the README's package.json and test file,
 * run its install commands (the packed tarball in place of the package's name) and its `npm test`.
 * Nothing is downloaded: the installs run with `--offline`, from npm's cache, which .ci/run fills
 * beforehand (test/helpers/warm-recipe-cache.ts) while the registry is reachable.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { packTarball } from '../helpers/pack.js';
import { appEnv, installRecipe, PACKAGE_NAME, readRecipe, writeRecipeFiles } from '../helpers/scratch-app.js';

const run = promisify(execFile);
const recipe = readRecipe();
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

  it('passes with npm test: every test of test/me.test.ts runs and none fails', async () => {
    const tests = (recipe.files.get('test/me.test.ts') ?? '').match(/^test\(/gm)?.length ?? 0;
    expect(tests).toBeGreaterThanOrEqual(5);
    // Exits non-zero (and rejects) when a test fails. The reporter is TAP or spec ("# pass 6" / "ℹ pass 6").
    const { stdout, stderr } = await run('npm', ['test'], { cwd: app, env: appEnv(), timeout: 120_000 });
    const count = (name: string): number => Number(new RegExp(`^[#ℹ] ${name} (\\d+)$`, 'm').exec(stdout)?.[1]);
    expect({ tests: count('tests'), pass: count('pass'), fail: count('fail') }).toEqual({ tests, pass: tests, fail: 0 });
    expect(stdout).toContain('> tsc && node --import tsx --test'); // npm test type-checks first
    // The two expected 502s print one line each through the app's error handler, no stack.
    expect(`${stdout}\n${stderr}`).not.toMatch(/^\s+at /m);
    expect(`${stdout}\n${stderr}`.match(/LoginWithAmazonError LWA_\w+: /g)).toHaveLength(2);
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
