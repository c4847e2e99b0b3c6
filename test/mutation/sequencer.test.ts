/**
 * Mutation testing's test selection (sequencer.js, bail-environment.js): for a mutant, only the test
 * files that hold one of its covering tests run, and never fewer tests than Stryker asked for.
 */
import { describe, expect, test } from '@jest/globals';
import { fullName, TEST_FILES } from './bail-environment.js';
import { filesToRun, testsByFile } from './sequencer.js';

const list = [
  { file: '/s/test/a.test.ts', name: 'cache a hit is not asked again' },
  { file: '/s/test/a.test.ts', name: 'cache expiry (ttl) ends a hit' },
  { file: '/s/test/b.test.ts', name: 'strategy row 1: no token -> 401' },
  { file: '/s/test/c.test.ts', name: 'other things' },
].map((line) => JSON.stringify(line)).join('\n');
const paths = ['/s/test/a.test.ts', '/s/test/b.test.ts', '/s/test/c.test.ts', '/s/test/unlisted.test.ts'];

test('testsByFile() reads the initial run\'s list: file -> the full names of its tests', () => {
  expect([...testsByFile(`${list}\n`)]).toEqual([
    ['/s/test/a.test.ts', ['cache a hit is not asked again', 'cache expiry (ttl) ends a hit']],
    ['/s/test/b.test.ts', ['strategy row 1: no token -> 401']],
    ['/s/test/c.test.ts', ['other things']],
  ]);
  expect(TEST_FILES).toBe('.stryker-test-files.jsonl');
});

describe('filesToRun()', () => {
  const byFile = testsByFile(list);

  test('keeps the files that hold a test the pattern matches (Stryker\'s pattern: escaped full names joined with |), and the files the list does not know', () => {
    expect(filesToRun(paths, byFile, '(cache expiry \\(ttl\\) ends a hit)|(strategy row 1: no token \\-> 401)'))
      .toEqual(['/s/test/a.test.ts', '/s/test/b.test.ts', '/s/test/unlisted.test.ts']);
  });

  test('matches as jest does: anywhere in the full name, whatever the case', () => {
    expect(filesToRun(paths, byFile, 'ROW 1')).toEqual(['/s/test/b.test.ts', '/s/test/unlisted.test.ts']);
  });

  test.each([
    ['no pattern', undefined, byFile],
    ['a null pattern', null, byFile],
    ['an empty pattern', '', byFile],
    ['no list', 'row 1', undefined],
    ['a pattern no listed test matches', 'nowhere', byFile],
  ])('keeps every file with %s', (_, pattern, files) => {
    expect(filesToRun(paths.slice(0, 3), files, pattern)).toEqual(paths.slice(0, 3));
  });
});

test('fullName() is jest\'s full name: the describe titles, then the test\'s own, without the root block', () => {
  const root = { name: 'ROOT_DESCRIBE_BLOCK' };
  const outer = { name: 'the cache', parent: root };
  const inner = { name: 'with a store', parent: outer };
  expect(fullName({ name: 'a hit', parent: inner })).toBe('the cache with a store a hit');
  expect(fullName({ name: 'top-level test', parent: root })).toBe('top-level test');
});
