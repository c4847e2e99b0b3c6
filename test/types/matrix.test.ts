/**
 * The published declarations, as an app installs them from the tarball, compile with
 * skipLibCheck: false under TypeScript 5.x and 7.x with the oldest and the newest @types/node of
 * every supported Node line (see test/helpers/types-matrix.ts). The app is test/types/consumer.ts,
 * which uses every public type and holds @ts-expect-error lines, so an `any` leaking in fails too.
 * Installed offline from npm's cache (`npm run warm:types` fills it; .ci/run and `pretest` run it).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { packTarball } from '../helpers/pack.js';
import { compilerFolder, install, installArgs, readManifest } from '../helpers/types-matrix.js';

const run = promisify(execFile);
const manifest = readManifest();
if (!manifest) throw new Error('no types matrix manifest: run `npm run warm:types` once, with the registry reachable');

let scratch: string;
let tarball: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lwa-types-'));
  tarball = packTarball(scratch);
});
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

/** tsc's diagnostics (`file(line,col): error TS…`), and the files it read. */
async function compile(app: string, compiler: string): Promise<{ errors: string[]; files: string[] }> {
  const tsc = join(app, 'node_modules', compilerFolder(compiler), 'bin', 'tsc');
  const { stdout } = await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles'], { cwd: app, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 })
    .catch((error: unknown) => ({ stdout: (error as { stdout?: string }).stdout ?? '' }));
  const lines = stdout.split('\n');
  return { errors: lines.filter((line) => /\): error TS\d+/.test(line)), files: lines.filter((line) => line.startsWith('/')) };
}

/** Errors inside @types/node itself (old releases have some under newer compilers): not the package's. */
const ownOfTypesNode = (line: string): boolean => line.startsWith('node_modules/@types/node/');

describe.each(Object.entries(manifest.typesNode))('@types/node %s (%s)', (label, version) => {
  let app: string;
  beforeAll(async () => {
    app = join(scratch, label.replace(/\W+/g, '-'));
    mkdirSync(app);
    await install(app, installArgs(manifest, version, tarball), true);
    for (const file of ['consumer.ts', 'tsconfig.json']) copyFileSync(new URL(file, import.meta.url), join(app, file));
  }, 240_000);

  test.each(Object.keys(manifest.typescript))('%s compiles the consumer against the published declarations', async (compiler) => {
    const { errors, files } = await compile(app, compiler);
    expect(files.some((file) => file.endsWith('/node_modules/passport-login-with-amazon/dist/index.d.ts'))).toBe(true);
    expect(files.some((file) => file.endsWith('/node_modules/passport-login-with-amazon/dist/diagnostics/channels.d.ts'))).toBe(true);
    // Only an oldest release may bring errors, and only in its own files; the newest has none.
    const tolerated = label.endsWith('oldest') ? errors.filter(ownOfTypesNode) : [];
    expect(errors).toEqual(tolerated);
  }, 120_000);
});
