/**
 * Imports in lib/ point one way: strategies -> verify, options, cache -> shared store -> client ->
 * parsers -> errors. No loop, not even a type-only one; lib/ never imports its testing subpath.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';

const LIB = new URL('../lib/', import.meta.url);

/** Every module of the main entry, lowest layer first; a module may import only from lower ranks. */
const RANK: Record<string, number> = {
  'errors': 0, 'challenge': 0, 'option-checks': 0, 'extract-token': 0, 'pkce': 0, 'state-store': 0,
  'endpoints': 1, 'tokeninfo': 1, 'cache-options': 1, 'token-response': 1, 'diagnostics': 1,
  'profile': 2, 'upstream-trace': 2, // profile reads tokeninfo's type (profile: false)
  'validation': 3, 'verify': 3, 'passport-action': 3,
  'amazon-client': 4, 'authenticate-trace': 4,
  'shared-store': 5, 'options': 5, 'token-endpoint': 5,
  'cache': 6, 'oauth2-options': 6,
  'strategy': 7, 'oauth2-strategy': 7,
  'index': 8,
};

function importsOf(file: string): string[] {
  const text = readFileSync(new URL(file, LIB), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.{1,2}\/[^']+)\.js';/gms)].map((m) => m[1] ?? '');
}

const modules = readdirSync(LIB).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));

describe('lib/ layering', () => {
  test('every module of lib/ has a layer (a new file must be placed)', () => {
    expect(modules.sort()).toEqual(Object.keys(RANK).sort());
  });

  test.each(modules)('%s imports only from lower layers, never from lib/testing', (name) => {
    for (const spec of importsOf(`${name}.ts`)) {
      expect(spec.startsWith('./')).toBe(true); // not ../ and not ./testing/
      const target = spec.slice(2);
      expect(target).not.toMatch(/^testing\//);
      expect([name, target, RANK[target]]).toEqual([name, target, expect.any(Number)]);
      expect(RANK[target]).toBeLessThan(RANK[name] ?? -1);
    }
  });

  test.each(modules)('%s never imports @opentelemetry (an optional peer: only lib/opentelemetry/ does)', (name) => {
    expect(readFileSync(new URL(`${name}.ts`, LIB), 'utf8')).not.toMatch(/from '@opentelemetry\//);
  });

  test('lib/opentelemetry imports the library only through its channel names and types', () => {
    const files = readdirSync(new URL('opentelemetry/', LIB));
    const specs = files.flatMap((f) => [...readFileSync(new URL(`opentelemetry/${f}`, LIB), 'utf8').matchAll(/from '(\.\.\/[^']+)'/g)].map((m) => m[1]));
    expect([...new Set(specs)]).toEqual(['../diagnostics.js']);
  });

  test('the rules above bite: the import reader finds type-only imports too', () => {
    expect(importsOf('cache.ts')).toEqual(expect.arrayContaining(['./validation', './cache-options']));
    expect(importsOf('index.ts')).toContain('./strategy');
  });

  test('lib/testing reuses the library\'s issuer and endpoint paths instead of its own copies', () => {
    const code = (text: string): string => text.split('\n').filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join('\n');
    const testing = readdirSync(new URL('testing/', LIB)).map((f) => code(readFileSync(new URL(`testing/${f}`, LIB), 'utf8'))).join('\n');
    expect(testing).not.toContain("'https://www.amazon.com'");
    expect(testing).not.toContain("'/auth/o2/tokeninfo'");
    expect(testing).toContain("from '../endpoints.js'");
    expect(testing).toContain("from '../tokeninfo.js'");
  });
});
