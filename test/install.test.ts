/**
 * Installing the tarball runs nothing of ours and draws no warning: the published package.json has
 * no `prepare` (dist/ is built by `prepack` and before the tests), so npm 11's install-script
 * review ("install scripts not yet covered by allowScripts") has nothing to list.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { packTarball } from './helpers/pack.js';
import { appEnv } from './helpers/scratch-app.js';

const run = promisify(execFile);
let scratch: string;
beforeAll(() => { scratch = mkdtempSync(join(tmpdir(), 'lwa-install-')); });
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

test('the package declares no install-time script', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  expect(Object.keys(pkg.scripts).filter((name) => /^(pre|post)?(install|prepare)$/.test(name))).toEqual([]);
  expect(pkg.scripts.prepack).toBe('npm run build');
});

test('npm 11 installs the tarball without an install-script warning', async () => {
  const { stdout: version } = await run('npm', ['--version'], { env: appEnv() });
  expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(11);
  const tarball = packTarball(scratch);
  const app = join(scratch, 'app');
  await run('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "install-app", "private": true, "type": "module" }\n');
  const { stdout, stderr } = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], {
    cwd: app, env: appEnv(), timeout: 120_000, maxBuffer: 16 * 1024 * 1024,
  });
  expect(`${stdout}\n${stderr}`).not.toMatch(/install-scripts|allowScripts|prepare/);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/passport-login-with-amazon/package.json'), 'utf8')) as { scripts?: Record<string, string> };
  expect(installed.scripts?.prepare).toBeUndefined();
}, 180_000);
