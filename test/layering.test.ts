/**
 * lib/ is laid out by layer, one folder a layer, and imports point one way: the flows (token,
 * website, app-code) -> passport -> amazon -> diagnostics -> core. A flow never imports another
 * flow; a file may import from its own folder or a lower one; no loop anywhere, not even a
 * type-only one (lib/testing and lib/opentelemetry included); lib/ never imports its testing subpath.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';

const LIB = new URL('../lib/', import.meta.url).pathname;

/** Every folder of lib/ (and the entry point) with its layer; a new folder must be placed here. */
const RANK: Record<string, number> = {
  'core': 0,
  'diagnostics': 1,
  'amazon': 2,
  'passport': 3,
  'token': 4, 'website': 4, 'app-code': 4,
  'index.ts': 5,
  // The command line (`npx passport-login-with-amazon`): over everything, the fake included.
  'cli': 7,
  // Subpaths of their own: the bridge sees only the channels; the fake reuses the ground floor.
  'opentelemetry': 6,
  'testing': 6,
};

/** What each subpath folder may import from the library. */
const SUBPATH_MAY_IMPORT: Record<string, readonly string[]> = {
  opentelemetry: ['diagnostics/channels.ts'],
  testing: ['core', 'amazon'],
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : entry.endsWith('.ts') ? [path.relative(LIB, full)] : [];
  });
}

/** lib-relative paths of the library files a file imports (type-only and re-exports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(LIB, file), 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.{1,2}\/[^']+)\.js';/gms)].map((m) => m[1] ?? '');
  return specs.map((spec) => path.relative(LIB, path.resolve(LIB, path.dirname(file), `${spec}.ts`)));
}

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file);
const files = walk(LIB).sort();
const libFiles = files.filter((f) => !['opentelemetry', 'testing'].includes(folderOf(f)));

describe('lib/ layering', () => {
  test('every file of lib/ is in a placed folder (a new folder must be placed)', () => {
    expect(files.map(folderOf).filter((folder) => RANK[folder] === undefined)).toEqual([]);
  });

  test('every import resolves to a file of lib/', () => {
    for (const file of files) for (const target of importsOf(file)) expect([file, existsSync(path.join(LIB, target))]).toEqual([file, true]);
  });

  test.each(libFiles)('%s imports only from its own folder or lower ones, never another flow or a subpath', (file) => {
    const own = folderOf(file);
    for (const target of importsOf(file)) {
      const folder = folderOf(target);
      const allowed = folder === own || (RANK[folder] ?? 99) < (RANK[own] ?? -1);
      expect([file, target, allowed]).toEqual([file, target, true]);
    }
  });

  test.each(Object.keys(SUBPATH_MAY_IMPORT))('lib/%s imports only what its subpath may', (subpath) => {
    const allowed = SUBPATH_MAY_IMPORT[subpath] ?? [];
    for (const file of files.filter((f) => folderOf(f) === subpath)) {
      for (const target of importsOf(file)) {
        const ok = folderOf(target) === subpath || allowed.some((a) => target === a || folderOf(target) === a);
        expect([file, target, ok]).toEqual([file, target, true]);
      }
    }
  });

  test('no import loop anywhere in lib/, type-only imports included', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const done = new Set<string>();
    const loops: string[][] = [];
    const visit = (file: string, stack: string[]): void => {
      if (stack.includes(file)) { loops.push([...stack.slice(stack.indexOf(file)), file]); return; }
      if (done.has(file)) return;
      for (const next of graph.get(file) ?? []) visit(next, [...stack, file]);
      done.add(file);
    };
    for (const file of files) visit(file, []);
    expect(loops).toEqual([]);
  });

  test.each(libFiles)('%s never imports @opentelemetry (an optional peer: only lib/opentelemetry/ does)', (file) => {
    expect(readFileSync(path.join(LIB, file), 'utf8')).not.toMatch(/from '@opentelemetry\//);
  });

  test('files stay under 200 lines', () => {
    const long = files.filter((f) => readFileSync(path.join(LIB, f), 'utf8').split('\n').length > 200);
    expect(long).toEqual([]);
  });

  test('the rules above bite: the import reader finds type-only imports and resolves folders', () => {
    expect(importsOf('token/cache.ts')).toEqual(expect.arrayContaining(['amazon/validation.ts', 'token/cache-options.ts']));
    expect(importsOf('index.ts')).toContain('token/strategy.ts');
    expect(folderOf('website/strategy.ts')).toBe('website');
  });

  test('lib/testing states Amazon\'s issuer itself (as Amazon documents it), so that a wrong AMAZON_ISSUER fails the suites built on the fake', () => {
    const code = (text: string): string => text.split('\n').filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join('\n');
    const testing = files.filter((f) => folderOf(f) === 'testing').map((f) => code(readFileSync(path.join(LIB, f), 'utf8'))).join('\n');
    expect(testing).toContain("FAKE_ISSUER = 'https://www.amazon.com'");
    expect(testing).not.toContain('AMAZON_ISSUER');
    // Endpoint paths stay shared: the fake serves the paths the library asks for.
    expect(testing).not.toContain("'/auth/o2/tokeninfo'");
    expect(testing).toContain("from '../amazon/endpoints.js'");
  });
});

test('the layout table of docs/development.md names every folder of lib/, and only those', () => {
  const readme = readFileSync(new URL('../docs/development.md', import.meta.url), 'utf8');
  const table = readme.split('<!-- layout -->\n')[1]?.split('\n\n')[1] ?? '';
  const named = [...table.matchAll(/^\| `lib\/([a-z-]+)\/` \|/gm)].map((m) => m[1]);
  const folders = [...new Set(files.map(folderOf))].filter((f) => !f.endsWith('.ts'));
  expect(named.sort()).toEqual(folders.sort());
});
