/** `npm run mutation:changed`: which files it scores, how it scores them, and what it records. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { deferred, DOC, merged, notScored, RECORD, score, scorableFiles, scoresOf, sha256, table, TABLE_MARKERS, THRESHOLD, touched, withoutMutants, withTable, type FileScore, type ScoreRecord } from './changed.js';

const mutants = (statuses: Record<string, number>): { status: string }[] => Object.entries(statuses).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));
const entry = (source: string, value = 90): FileScore => ({ sha256: sha256(source), score: value, killed: 9, timeout: 0, survived: 1, noCoverage: 0, errors: 0, ignored: 0 });

describe('scoresOf()', () => {
  test('counts killed and timed-out mutants as detected, survived and uncovered ones as not; others are not valid', () => {
    const scores = scoresOf({ files: { 'lib/a.ts': { source: 'const a = 1;', mutants: mutants({ Killed: 15, Timeout: 2, Survived: 2, NoCoverage: 1, CompileError: 3, RuntimeError: 2, Ignored: 4 }) } } });
    expect(scores).toEqual({ 'lib/a.ts': { sha256: sha256('const a = 1;'), score: 85, killed: 15, timeout: 2, survived: 2, noCoverage: 1, errors: 5, ignored: 4 } });
  });

  test('a file just under the threshold is under it, never rounded up to it; a file without valid mutants scores 100', () => {
    const scores = scoresOf({ files: {
      'lib/b.ts': { source: 'b', mutants: mutants({ Killed: 84, Survived: 16 }) },
      'lib/c.ts': { source: 'c', mutants: mutants({ Ignored: 2 }) },
      'lib/d.ts': { source: 'd', mutants: mutants({ Killed: 169999, Survived: 30001 }) },
    } });
    expect(Object.values(scores).map((s) => [s.score, s.score < THRESHOLD])).toEqual([[84, true], [100, false], [84.99, true]]);
  });

  test('score() of counts', () => {
    expect(score({ killed: 3, timeout: 1, survived: 0, noCoverage: 1, errors: 4, ignored: 7 })).toBe(80);
  });
});

describe('withoutMutants()', () => {
  test('a mutated file the report does not hold had no mutant: 0 of each, 100 %, under its current content; the files it holds are left to scoresOf()', () => {
    const report = { files: { 'lib/a.ts': { source: 'a', mutants: mutants({ Killed: 1 }) } } };
    const read = (file: string): string => `content of ${file}`;
    expect(withoutMutants(report, ['lib/a.ts', 'lib/types.ts'], read)).toEqual({
      'lib/types.ts': { sha256: sha256('content of lib/types.ts'), score: 100, killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0 },
    });
    expect(withoutMutants(report, [], read)).toEqual({});
  });
});

describe('touched()', () => {
  const record: ScoreRecord = { files: { 'lib/a.ts': entry('a v1'), 'lib/b.ts': entry('b v1') } };
  const sources: Record<string, string> = { 'lib/a.ts': 'a v1', 'lib/b.ts': 'b v2', 'lib/new.ts': 'new' };

  test('is the files whose content the record did not score, and the files it has no entry for', () => {
    expect(touched(record, Object.keys(sources), (file) => sources[file] ?? '')).toEqual(['lib/b.ts', 'lib/new.ts']);
  });

  test('a change of one character is a change', () => {
    expect(touched(record, ['lib/a.ts'], () => 'a v1 ')).toEqual(['lib/a.ts']);
  });
});

test('notScored() names the files the record has no entry for, under their current SHA-256; touched() leaves them out until they change', () => {
  const record: ScoreRecord = { files: { 'lib/a.ts': entry('a') } };
  const pending = notScored(record, ['lib/a.ts', 'lib/b.ts'], (file) => `${file} source`);
  expect(pending).toEqual({ 'lib/b.ts': { sha256: sha256('lib/b.ts source'), score: null } });
  const next = merged(record, pending);
  expect(touched(next, ['lib/a.ts', 'lib/b.ts'], (file) => (file === 'lib/a.ts' ? 'a' : 'lib/b.ts source'))).toEqual([]);
  expect(touched(next, ['lib/b.ts'], () => 'lib/b.ts changed')).toEqual(['lib/b.ts']);
});

test('deferred() marks the named touched files not scored under their current SHA-256, keeps untouched ones, and refuses a name that is not a scorable file', () => {
  const record: ScoreRecord = { files: { 'lib/a.ts': entry('a'), 'lib/b.ts': entry('b') } };
  const sources: Record<string, string> = { 'lib/a.ts': 'a', 'lib/b.ts': 'b changed', 'lib/c.ts': 'c new' };
  const read = (file: string): string => sources[file] ?? '';
  const scorable = Object.keys(sources);
  const marked = deferred(record, ['lib/a.ts', 'lib/b.ts', 'lib/c.ts'], scorable, read);
  expect(marked).toEqual({ 'lib/b.ts': { sha256: sha256('b changed'), score: null }, 'lib/c.ts': { sha256: sha256('c new'), score: null } });
  const next = merged(record, marked);
  expect(next.files['lib/a.ts']).toEqual(entry('a'));
  expect(touched(next, scorable, read)).toEqual([]);
  expect(touched(next, ['lib/b.ts'], () => 'b changed again')).toEqual(['lib/b.ts']);
  expect(() => deferred(record, ['lib/testing/index.ts'], scorable, read)).toThrow('not a scorable file of lib/: lib/testing/index.ts');
});

test('merged() replaces the entries scored again, keeps the others, and lists files in order', () => {
  const record: ScoreRecord = { files: { 'lib/z.ts': entry('z'), 'lib/a.ts': entry('a', 80) } };
  const result = merged(record, { 'lib/a.ts': entry('a2', 95), 'lib/m.ts': entry('m') });
  expect(Object.keys(result.files)).toEqual(['lib/a.ts', 'lib/m.ts', 'lib/z.ts']);
  expect(result.files['lib/a.ts']).toEqual(entry('a2', 95));
  expect(result.files['lib/z.ts']).toEqual(entry('z'));
});

test('scorableFiles() is every TypeScript file of lib/ but lib/testing/', () => {
  const files = scorableFiles();
  expect(files).toContain('lib/passport/action.ts');
  expect(files).toContain('lib/cli/index.ts');
  expect(files.some((file) => file.startsWith('lib/testing/'))).toBe(false);
  expect(files.every((file) => file.endsWith('.ts'))).toBe(true);
});

test(`${RECORD} has an entry for every file mutation testing scores, and for nothing else`, () => {
  const record = JSON.parse(readFileSync(RECORD, 'utf8')) as ScoreRecord;
  expect(Object.keys(record.files)).toEqual(scorableFiles());
});

describe('the table of docs/testing.md', () => {
  const record: ScoreRecord = { files: {
    'lib/a.ts': { sha256: 'x', score: 90, killed: 8, timeout: 1, survived: 1, noCoverage: 0, errors: 3, ignored: 2 },
    'lib/b.ts': { sha256: 'y', score: 66.66, killed: 2, timeout: 0, survived: 0, noCoverage: 1, errors: 0, ignored: 0 },
  } };

  test('table() has a row per file, then the whole, scored from the summed counts', () => {
    expect(table(record).split('\n')).toEqual([
      '| file | score | killed | timed out | survived | no coverage | errors | ignored |',
      '|---|---|---|---|---|---|---|---|',
      '| `lib/a.ts` | 90.00 % | 8 | 1 | 1 | 0 | 3 | 2 |',
      '| `lib/b.ts` | 66.66 % | 2 | 0 | 0 | 1 | 0 | 0 |',
      '| **the 2 files scored** | 84.61 % | 10 | 1 | 1 | 1 | 3 | 2 |',
    ]);
  });

  test('a file not scored yet has its row, and no part in the whole', () => {
    const lines = table({ files: { ...record.files, 'lib/c.ts': { sha256: 'z', score: null } } }).split('\n');
    expect(lines.slice(4)).toEqual(['| `lib/c.ts` | not scored yet | | | | | | |', '| **the 2 files scored** | 84.61 % | 10 | 1 | 1 | 1 | 3 | 2 |']);
  });

  test('withTable() replaces what is between the markers and nothing else; without them it throws', () => {
    const [open, close] = TABLE_MARKERS;
    const doc = `before\n${open}\nold table\n${close}\nafter\n`;
    expect(withTable(doc, record)).toBe(`before\n${open}\n${table(record)}\n${close}\nafter\n`);
    expect(() => withTable('no markers', record)).toThrow(`${DOC} has no ${open} ... ${close} section`);
  });

  test(`${DOC} shows the table of ${RECORD}`, () => {
    const record = JSON.parse(readFileSync(RECORD, 'utf8')) as ScoreRecord;
    const doc = readFileSync(DOC, 'utf8');
    expect(withTable(doc, record)).toBe(doc);
  });
});
