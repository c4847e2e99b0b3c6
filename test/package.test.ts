/** What `npm pack` ships, and that CommonJS apps can require() the ESM package (Node >= 20.19). */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';

const root = new URL('..', import.meta.url).pathname;

describe('the published package', () => {
  test('ships dist/, README.md, CHANGELOG.md, LICENSE and package.json only', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [{ files }] = JSON.parse(out) as [{ files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    const outside = paths.filter((path) => !path.startsWith('dist/') && !['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json'].includes(path));
    expect(outside).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']));
    expect(paths.some((path) => path.endsWith('.test.js') || path.startsWith('dist/test/'))).toBe(false);
  }, 60_000);

  test('loads with require() from a CommonJS program', () => {
    const script = `
      const lwa = require('passport-login-with-amazon');
      const s = new lwa.LoginWithAmazonStrategy({ clientID: 'c' }, () => {});
      console.log(JSON.stringify({
        name: s.name,
        sameDefault: lwa.default === lwa.LoginWithAmazonStrategy,
        error: typeof lwa.LoginWithAmazonError,
        regions: Object.keys(lwa.REGIONS),
        passportStrategy: typeof s.authenticate,
      }));`;
    // Without jest's NODE_OPTIONS, so that any warning on stderr is one require() itself gave.
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    const { stdout, stderr, status } = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: root, encoding: 'utf8', env });
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' }); // no ExperimentalWarning on any Node line
    expect(JSON.parse(stdout.trim().split('\n').pop() ?? '')).toEqual({
      name: 'amazon-token', sameDefault: true, error: 'function', regions: ['NA', 'EU', 'FE'], passportStrategy: 'function',
    });
  });

  test('a strict TypeScript consumer compiles against the built declarations (every public type)', () => {
    // test/types/consumer.ts imports the package by name (exports map -> dist/*.d.ts) and holds
    // expected-error directives, so an `any` leaking into the public types fails this too.
    const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
    const run = (): string => execFileSync(process.execPath, [tsc, '-p', 'test/types/tsconfig.json', '--traceResolution'], { cwd: root, encoding: 'utf8' });
    const trace = run();
    expect(trace).toMatch(/'passport-login-with-amazon' was successfully resolved to '[^']*\/dist\/index\.d\.ts'/);
    expect(trace).toMatch(/'passport-login-with-amazon\/testing' was successfully resolved to '[^']*\/dist\/testing\/index\.d\.ts'/);
  }, 60_000);

  test('declares Node >= 20.19 and is an ES module', async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20.19.0');
  });
});
