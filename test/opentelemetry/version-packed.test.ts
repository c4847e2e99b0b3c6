/**
 * The packed package reads the instrumentation scope's version from its own package.json, through
 * dist/ (apart from version.test.ts: it packs the package, which mutation runs leave out).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { unpackedTarball } from '../helpers/pack.js';

const root = new URL('../..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
let scratch: string;
beforeAll(() => { scratch = mkdtempSync(join(tmpdir(), 'lwa-otel-version-packed-')); });
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

test('the packed package reads its version from dist/ (as installed, ESM)', () => {
  const unpacked = unpackedTarball(scratch);
  const modules = join(scratch, 'node_modules');
  mkdirSync(modules, { recursive: true });
  symlinkSync(unpacked, join(modules, 'passport-login-with-amazon'));
  symlinkSync(join(root, 'node_modules/@opentelemetry'), join(modules, '@opentelemetry'));
  const program = join(scratch, 'scope.mjs');
  writeFileSync(program, "import { INSTRUMENTATION_VERSION } from 'passport-login-with-amazon/opentelemetry';\nconsole.log(JSON.stringify(INSTRUMENTATION_VERSION));\n");
  const out = execFileSync(process.execPath, [program], { cwd: scratch, encoding: 'utf8', timeout: 30_000 });
  expect(JSON.parse(out)).toBe(version);
}, 90_000);
