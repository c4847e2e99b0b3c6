// Test order for mutation testing only (jest.stryker.config.js).
//
// Which files: for a mutant, Stryker's jest runner passes the names of the tests that cover it
// (testNamePattern) but lets jest load every test file related to the mutated file, nearly all of
// them here, and each load evaluates the file's whole module graph (Express, Fastify, NestJS, ...)
// to run no test of it. With the list of which file holds which test, written in Stryker's initial
// run by bail-environment.js, only the files that hold a covering test run. A file missing from the
// list, a missing list or a pattern that matches no listed test keeps every file: never fewer tests
// than Stryker asked for.
//
// In which order: jest's default runs the slowest files first, which suits parallel workers;
// Stryker runs one file after another and, with bail-environment.js, stops at the first failure,
// so a mutant dies sooner when the files that failed last time (often for the mutant next to it)
// and then the quick unit tests go first.
import { readFileSync } from 'node:fs';
import Sequencer from '@jest/test-sequencer';
import { TEST_FILES } from './bail-environment.js';

/** file -> the full names of its tests, from the initial run's list (undefined without a list). */
export function testsByFile(text) {
  const byFile = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { file, name } = JSON.parse(line);
    byFile.set(file, [...(byFile.get(file) ?? []), name]);
  }
  return byFile;
}

/**
 * The test files that hold a test whose full name matches `pattern` (as jest matches it: a
 * case-insensitive regular expression, anywhere in the name), or all of `paths` when that
 * cannot be told.
 */
export function filesToRun(paths, byFile, pattern) {
  if (pattern === undefined || pattern === null || pattern === '' || byFile === undefined) return paths;
  const regex = new RegExp(pattern, 'i');
  const kept = paths.filter((path) => {
    const names = byFile.get(path);
    return names === undefined || names.some((name) => regex.test(name));
  });
  return kept.length === 0 ? paths : kept;
}

function readList() {
  try {
    return testsByFile(readFileSync(TEST_FILES, 'utf8'));
  } catch {
    return undefined;
  }
}

export default class FailedThenFastestFirst extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options?.globalConfig?.testNamePattern;
  }

  /** @param {import('@jest/test-result').Test[]} tests */
  sort(tests) {
    const keep = new Set(filesToRun(tests.map((test) => test.path), readList(), this.pattern));
    const rank = (test) => [this.hasFailed(test) ? 0 : 1, this.time(test) ?? Number.MAX_VALUE];
    return tests.filter((test) => keep.has(test.path)).sort((a, b) => {
      const [failedA, timeA] = rank(a);
      const [failedB, timeB] = rank(b);
      return failedA - failedB || timeA - timeB;
    });
  }
}
