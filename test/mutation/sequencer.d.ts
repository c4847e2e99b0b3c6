// Types of sequencer.js for the tests that import it (the sequencer itself is plain JavaScript:
// jest loads it untransformed).
import type { Test } from '@jest/test-result';

export function testsByFile(text: string): Map<string, string[]>;
export function filesToRun(paths: string[], byFile: Map<string, string[]> | undefined, pattern: string | undefined | null): string[];
export default class FailedThenFastestFirst {
  constructor(options?: { globalConfig?: { testNamePattern?: string } });
  sort(tests: Test[]): Test[];
}
