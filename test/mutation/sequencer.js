// Test order for mutation testing only (jest.stryker.config.js). Jest's default runs the slowest
// files first, which suits parallel workers; Stryker runs one file after another and, with
// bail-environment.js, stops at the first failure, so a mutant dies sooner when the files that
// failed last time (often for the mutant next to it) and then the quick unit tests go first.
import Sequencer from '@jest/test-sequencer';

export default class FailedThenFastestFirst extends Sequencer {
  /** @param {import('@jest/test-result').Test[]} tests */
  sort(tests) {
    const rank = (test) => [this.hasFailed(test) ? 0 : 1, this.time(test) ?? Number.MAX_VALUE];
    return [...tests].sort((a, b) => {
      const [failedA, timeA] = rank(a);
      const [failedB, timeB] = rank(b);
      return failedA - failedB || timeA - timeB;
    });
  }
}
