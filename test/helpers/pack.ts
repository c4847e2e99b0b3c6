/** `npm pack` of this repository, the tarball a user installs. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/**
 * Packs the package into `destination` and returns the tarball's path. Scripts are skipped:
 * jest's globalSetup has just built dist/, and prepack's clean build could race another reader.
 */
export function packTarball(destination: string): string {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000,
  });
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  return join(destination, filename);
}

/** Packs and unpacks the package into `destination`/package, as npm would install it; returns that folder. */
export function unpackedTarball(destination: string): string {
  const tarball = packTarball(destination);
  mkdirSync(destination, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', destination], { timeout: 30_000 });
  return join(destination, 'package');
}
