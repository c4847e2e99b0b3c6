/** `npm run mutation:changed`: which files it scores, and how it scores them. */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { changedFiles, scores, THRESHOLD } from './changed.js';

const mutants = (statuses: Record<string, number>): { status: string }[] => Object.entries(statuses).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

describe('scores()', () => {
  test('counts killed and timed-out mutants as detected, survived and uncovered ones as not; others are not valid', () => {
    const [[file, score, counts] = ['', 0, {}]] = scores({ files: { 'lib/a.ts': { mutants: mutants({ Killed: 15, Timeout: 2, Survived: 2, NoCoverage: 1, CompileError: 3, Ignored: 4 }) } } });
    expect([file, score, counts]).toEqual(['lib/a.ts', 85, { killed: 15, timeout: 2, survived: 2, noCoverage: 1 }]);
  });

  test('a file just under the threshold is under it; a file without valid mutants scores 100', () => {
    const result = scores({ files: { 'lib/b.ts': { mutants: mutants({ Killed: 84, Survived: 16 }) }, 'lib/c.ts': { mutants: mutants({ Ignored: 2 }) } } });
    expect(result.map(([file, score]) => [file, score < THRESHOLD])).toEqual([['lib/b.ts', true], ['lib/c.ts', false]]);
    expect(result[1]?.[1]).toBe(100);
  });
});

test('changedFiles() lists the lib/ TypeScript files changed since a commit, without lib/testing and lib/cli', () => {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const all = execFileSync('git', ['diff', '--name-only', '--diff-filter=AMR', `${head}~5`, '--', 'lib'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const files = changedFiles(`${head}~5`);
  expect(files).toEqual(all.filter((f) => f.endsWith('.ts') && !f.startsWith('lib/testing/') && !f.startsWith('lib/cli/')));
  expect(files.every((f) => f.startsWith('lib/'))).toBe(true);
});
