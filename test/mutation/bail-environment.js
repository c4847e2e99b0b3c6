// Test environment for mutation testing only (jest.stryker.config.js).
//
// It ends a mutant's run at its first failing test. One failure is enough for Stryker to count the
// mutant as killed, but its jest runner cannot make jest bail, so every covering test (seconds of
// real-time TTL and timeout waits) ran for every mutant. After a failure, the tests and describe
// blocks still to come are skipped, in this file and in the next ones, until Stryker activates
// another mutant.
//
// In Stryker's initial run it also writes down which file each test is in (TEST_FILES), so that
// sequencer.js can hand jest only the files that hold a mutant's covering tests.
import { appendFileSync } from 'node:fs';
import { TestEnvironment } from 'jest-environment-node';

/** Set by Stryker for a mutant run; absent in its initial run and in plain jest. */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/** One JSON line per test of the initial run, { file, name }, in Stryker's sandbox only. */
export const TEST_FILES = '.stryker-test-files.jsonl';

/** The mutant a test has failed for (module state: it outlives each file's environment). */
let failedFor;

/** Jest's full name of a test (what Stryker's test filter matches): its describe titles, then its own. */
export function fullName(test) {
  const titles = [];
  for (let block = test; block.parent !== undefined; block = block.parent) titles.unshift(block.name);
  return titles.join(' ');
}

export default class BailOnFirstFailure extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }

  /** @param {import('jest-circus').Event} event */
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) {
      // Stryker runs in a sandbox under .stryker-tmp/; plain jest with this config writes nothing.
      if (event.name === 'test_done' && process.cwd().includes('.stryker-tmp')) {
        appendFileSync(TEST_FILES, `${JSON.stringify({ file: this.testPath, name: fullName(event.test) })}\n`);
      }
      return;
    }
    if (event.name === 'test_done' && event.test.errors.length > 0) failedFor = mutant;
    if (failedFor !== mutant) return;
    if (event.name === 'test_start') event.test.mode = 'skip';
    if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
  }
}
