/** What `npm pack` ships, and that CommonJS apps can require() the ESM package (Node >= 20.19). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { unpackedTarball } from './helpers/pack.js';

const root = new URL('..', import.meta.url).pathname;
/** The documents the package ships: the README, the changelog, the security policy, the licence and every guide of docs/. */
const SHIPPED_DOCS = ['README.md', 'CHANGELOG.md', 'SECURITY.md', 'LICENSE', 'package.json', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)];

describe('the published package', () => {
  test('ships dist/, docs/, README.md, CHANGELOG.md, SECURITY.md, LICENSE and package.json only', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [{ files }] = JSON.parse(out) as [{ files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    const outside = paths.filter((path) => !path.startsWith('dist/') && !SHIPPED_DOCS.includes(path));
    expect(outside).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', ...SHIPPED_DOCS]));
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
    expect(trace).toMatch(/'passport-login-with-amazon\/opentelemetry' was successfully resolved to '[^']*\/dist\/opentelemetry\/index\.d\.ts'/);
  }, 60_000);

  test('declares Node >= 20.19 and is an ES module', async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20.19.0');
  });
});

describe('the tarball', () => {
  let scratch: string;
  let unpacked: string;
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'lwa-pack-'));
    unpacked = unpackedTarball(scratch);
  }, 60_000);
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  test('names the repository, homepage and issue tracker, and its SECURITY.md says where to report', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
      repository: { type: string; url: string }; homepage: string; bugs: { url: string };
    };
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/) });
    const web = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(pkg.homepage).toBe(`${web}#readme`);
    expect(pkg.bugs).toEqual({ url: `${web}/issues` });
    expect(readFileSync(join(unpacked, 'SECURITY.md'), 'utf8')).toContain(`<${web}/security/advisories/new>`);
  });

  test('every source map it ships resolves: its sources are embedded (the TypeScript of lib/) or shipped', () => {
    const files = walk(unpacked);
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const dangling = files.filter((f) => /\.(js|d\.ts)$/.test(f)).filter((file) => {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, 'utf8'))?.[1];
      return url !== undefined && !existsSync(resolve(dirname(file), url));
    });
    expect(dangling).toEqual([]);
    for (const map of maps) {
      const { sources, sourcesContent = [], sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8')) as
        { sources: string[]; sourcesContent?: (string | null)[]; sourceRoot?: string };
      expect(sources.length).toBeGreaterThan(0);
      // Each source is embedded, and then it is the source the file was compiled from
      // (dist/x.js.map -> lib/x.ts), or it is a file that exists.
      const wrong = sources.filter((source, i) => {
        const embedded = sourcesContent[i];
        if (typeof embedded !== 'string') return !existsSync(resolve(dirname(map), sourceRoot, source));
        const original = join(root, 'lib', relative(join(unpacked, 'dist'), map).replace(/\.js\.map$/, '.ts'));
        return embedded !== readFileSync(original, 'utf8');
      });
      expect([map, wrong]).toEqual([map, []]);
    }
  });
});
