// Test environment for mutation testing only (jest.stryker.config.js): ends a mutant's run at its
// first failing test. One failure is enough for Stryker to count the mutant as killed, but its jest
// runner cannot make jest bail, so every covering test (seconds of real-time TTL and timeout waits)
// ran for every mutant. After a failure, the tests and describe blocks still to come are skipped,
// in this file and in the next ones, until Stryker activates another mutant.
import { TestEnvironment } from 'jest-environment-node';

/** Set by Stryker for a mutant run; absent in its initial run and in plain jest. */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

/** The mutant a test has failed for (module state: it outlives each file's environment). */
let failedFor;

export default class BailOnFirstFailure extends TestEnvironment {
  /** @param {import('jest-circus').Event} event */
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_done' && event.test.errors.length > 0) failedFor = mutant;
    if (failedFor !== mutant) return;
    if (event.name === 'test_start') event.test.mode = 'skip';
    if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
  }
}
