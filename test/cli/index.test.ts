/**
 * The bin's entry point in this process: it runs `main` on the arguments after `node` and the
 * script, with the process's own streams, and sets the exit code main returns.
 */
import { afterEach, expect, jest, test } from '@jest/globals';
// Loaded with the file, not inside the test: what main.ts, check.ts and fake.ts do when they load
// is then module loading (mutation testing's "static" code), not this one test's doing.
import '../../lib/cli/main.js';

const { argv, exitCode } = process;
afterEach(() => {
  process.argv = argv;
  process.exitCode = exitCode;
  jest.restoreAllMocks();
});

test('runs main on process.argv after node and the script, and sets process.exitCode to what it returns', async () => {
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.argv = [process.execPath, '/usr/lib/node_modules/passport-login-with-amazon/dist/cli/index.js', '--help'];
  await import('../../lib/cli/index.js');
  expect(process.exitCode).toBe(0);
  expect(stdout.mock.calls.map(([text]) => String(text))).toEqual([expect.stringMatching(/^Usage:\n/)]);
  expect(stderr).not.toHaveBeenCalled();
});
