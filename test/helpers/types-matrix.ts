/**
 * The TypeScript matrix the published declarations must compile under (skipLibCheck: false):
 * TypeScript 5.x and 7.x, each with the oldest and the newest @types/node of every supported Node
 * line. "Oldest" is the release for the oldest Node of the line the package supports: 20.19.0 for
 * Node 20 (engines: >=20.19.0), x.0.0 for the others. "Newest" is what npm serves when the cache
 * is warmed (`npm run warm:types`, run by .ci/run and by the `pretest` hook); the versions it
 * resolved are written to a manifest that test/types/matrix.test.ts reads, installing offline.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appEnv } from './scratch-app.js';

const run = promisify(execFile);

/** The specs asked of npm; the manifest pins what they resolved to. */
export const MATRIX_SPECS = {
  typescript: { 'typescript 5': '^5', 'typescript 7': '^7' },
  typesNode: {
    'node 20 oldest': '20.19.0', 'node 20 newest': '^20',
    'node 22 oldest': '22.0.0', 'node 22 newest': '^22',
    'node 24 oldest': '24.0.0', 'node 24 newest': '^24',
    'node 26 oldest': '26.0.0', 'node 26 newest': '^26',
  },
  /** What the consumer imports besides the package (passport for its types; the bridge's optional peer). */
  others: ['passport@0.7.0', '@types/passport@^1.0.17', '@opentelemetry/api@~1.9.0'],
} as const;

/** Exact versions, by the labels of {@link MATRIX_SPECS}. */
export interface MatrixManifest {
  typescript: Record<string, string>;
  typesNode: Record<string, string>;
  others: readonly string[];
  /** The specs the versions were resolved from (a changed spec warms again). */
  specs?: string;
}

export const MANIFEST = new URL('../../node_modules/.cache/passport-login-with-amazon/types-matrix.json', import.meta.url).pathname;

/** The newest version npm serves for `name@spec` (online). */
async function resolveVersion(name: string, spec: string): Promise<string> {
  const { stdout } = await run('npm', ['view', `${name}@${spec}`, 'version', '--json'], { env: appEnv(), timeout: 60_000 });
  const parsed = JSON.parse(stdout) as string | string[];
  // npm lists the matching versions in publication order, not by version: take the highest.
  const numbers = (v: string): number[] => v.split('.').map(Number);
  const newer = (a: string, b: string): string => {
    const [x, y] = [numbers(a), numbers(b)];
    const i = x.findIndex((n, k) => n !== y[k]);
    return i === -1 || (x[i] ?? 0) > (y[i] ?? 0) ? a : b;
  };
  const version = Array.isArray(parsed) ? parsed.reduce(newer) : parsed;
  if (typeof version !== 'string') throw new Error(`npm has no ${name}@${spec}`);
  return version;
}

/** Resolves every spec to an exact version (online). */
export async function resolveMatrix(): Promise<MatrixManifest> {
  const pick = async (name: string, specs: Record<string, string>): Promise<Record<string, string>> =>
    Object.fromEntries(await Promise.all(Object.entries(specs).map(async ([label, spec]) => [label, await resolveVersion(name, spec)] as const)));
  return {
    typescript: await pick('typescript', MATRIX_SPECS.typescript),
    typesNode: await pick('@types/node', MATRIX_SPECS.typesNode),
    others: MATRIX_SPECS.others,
  };
}

export function readManifest(): MatrixManifest | undefined {
  return existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as MatrixManifest) : undefined;
}

export function writeManifest(manifest: MatrixManifest): void {
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The install arguments of one cell's app: the tarball, one @types/node, both compilers under aliases. */
export function installArgs(manifest: MatrixManifest, typesNode: string, tarball: string): string[] {
  const compilers = Object.entries(manifest.typescript).map(([label, version]) => `${compilerFolder(label)}@npm:typescript@${version}`);
  return [tarball, `@types/node@${typesNode}`, ...compilers, ...manifest.others];
}

/** The node_modules folder a compiler is installed under ('typescript 5' -> ts-5). */
export function compilerFolder(label: string): string {
  return `ts-${label.replace(/^typescript /, '')}`;
}

/** `npm install` in `app`; `offline`: from npm's cache only, as the tests must. */
export async function install(app: string, args: string[], offline: boolean): Promise<void> {
  writeFileSync(join(app, 'package.json'), '{ "name": "types-matrix-app", "private": true, "type": "module" }\n');
  await run('npm', ['install', ...(offline ? ['--offline'] : []), '--no-audit', '--no-fund', '--ignore-scripts', ...args], {
    cwd: app, env: appEnv(), timeout: 180_000, maxBuffer: 16 * 1024 * 1024,
  });
}
