/**
 * The suite runs on a Node the package supports, and every process a test starts runs on that
 * same Node, so a run of .ci/run's Node matrix tests one Node line all the way through.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import pkg from '../package.json' with { type: 'json' };

const asNumbers = (version: string): number[] => version.replace(/^v/, '').split('.').map(Number);

describe('the Node running the tests', () => {
  test('is one that package.json "engines" allows', () => {
    const floor = /^>=(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1] ?? '';
    const [major = 0, minor = 0] = asNumbers(process.version);
    const [floorMajor = 0, floorMinor = 0] = asNumbers(floor);
    expect(floor).not.toBe('');
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(floorMajor * 1000 + floorMinor);
  });

  test('is the Node that child processes start, by path and by name on PATH', () => {
    // Tests spawn process.execPath (examples, require() from CommonJS) or `npm`, which starts `node`.
    const byPath = execFileSync(process.execPath, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    const byName = execFileSync('node', ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    expect({ byPath, byName }).toEqual({ byPath: process.version, byName: process.version });
  });
});
