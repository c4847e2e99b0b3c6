/**
 * No code path turns certificate checking off: neither the sources nor the build (dist/, compiled
 * by jest's globalSetup) mention a setting that would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';

const root = path.join(import.meta.dirname, '..');
/** Each of these turns off (part of) the check of Amazon's certificate. */
const FORBIDDEN = ['rejectUnauthorized', 'NODE_TLS_REJECT_UNAUTHORIZED', 'checkServerIdentity'];

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

describe.each(['lib', 'dist'])('every file under %s/', (dir) => {
  const files = filesUnder(dir);

  test('is read (the list is not empty and holds the entry point)', () => {
    expect(files).toContain(path.join(dir, dir === 'lib' ? 'index.ts' : 'index.js'));
    expect(files).toContain(path.join(dir, dir === 'lib' ? 'amazon/http.ts' : 'amazon/http.js'));
  });

  test(`mentions none of ${FORBIDDEN.join(', ')}`, () => {
    const hits = files.flatMap((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      return FORBIDDEN.filter((word) => text.includes(word)).map((word) => `${file}: ${word}`);
    });
    expect(hits).toEqual([]);
  });
});
