/**
 * Fills npm's cache with the TypeScript matrix of test/types/matrix.test.ts (see types-matrix.ts):
 * resolves the newest versions online, installs every cell once into a throw-away app, and writes
 * the manifest the test installs from offline. `npm run warm:types`; .ci/run runs it after `npm ci`.
 * `--if-needed` (the `pretest` hook) does nothing when a manifest for the same specs exists.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packTarball } from './pack.js';
import { install, installArgs, MANIFEST, MATRIX_SPECS, readManifest, resolveMatrix, writeManifest } from './types-matrix.js';

const specs = JSON.stringify(MATRIX_SPECS);
const current = readManifest();
if (process.argv.includes('--if-needed') && current?.specs === specs) process.exit(0);

const manifest = await resolveMatrix();
const scratch = mkdtempSync(join(tmpdir(), 'lwa-types-warm-'));
try {
  const tarball = packTarball(scratch);
  for (const typesNode of new Set(Object.values(manifest.typesNode))) {
    const app = join(scratch, `app-${typesNode}`);
    mkdirSync(app);
    await install(app, installArgs(manifest, typesNode, tarball), false);
  }
  mkdirSync(dirname(MANIFEST), { recursive: true });
  writeManifest({ ...manifest, specs });
  console.log(`npm cache holds the types matrix: typescript ${Object.values(manifest.typescript).join(', ')}; @types/node ${Object.values(manifest.typesNode).join(', ')}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
