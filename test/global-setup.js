// Compiles lib/ to dist/ once per jest run, so the package tests (npm pack, require()) see current code.
// No `rm -rf dist` here: another process may be reading it.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function globalSetup() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
