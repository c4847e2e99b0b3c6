// Jest config for mutation testing (stryker.config.js); `npm test` does not use it.
// It runs the tests that exercise lib/ in this process: not the ones that pack the package, read
// dist/, start examples or Chromium or redis-server, compare README text, test the fake Amazon of
// lib/testing (not mutated), or repeat the outcome table through every framework (test/frameworks, test/nest12:
// each file waits a real second for a timeout, and outcome-table and fault-matrix cover the same
// lib/ paths through Express), run the CLI (as a child process: test/cli/ has in-process tests of
// it too) or the README's website and mobile-app blocks against dist/, compile declarations with tsc
// (test/types: Stryker's instrumented sources are not what users compile), or read lib/'s sources
// and the docs (layering, docs-*, mutation: an instrumented file is not the file they check).
// No tsc build (globalSetup): no remaining test reads dist/.
// No coverage threshold: Stryker measures coverage itself.
import { URL, fileURLToPath } from 'node:url';
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  globalSetup: undefined,
  // Transpile only: every mutant's test runner compiles the test files again, and type-checking them
  // each time (ts-jest's default) is most of a restart; `npm test` and `npm run typecheck` check the types.
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', isolatedModules: true }],
  },
  coverageThreshold: undefined,
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/(package|browser|token/redis|readme-runnable|tls|tls-settings|node-runtime)\\.test\\.ts$',
    '<rootDir>/test/(readme-website|readme-mobile-app|readme-try-it|readme-fake|install|opentelemetry/version-packed)\\.test\\.ts$',
    // Chromium or redis-server: the same lib/ paths have in-process tests (cookie-tossing: cookies and
    // pending-cap; cross-site-browser: cross-site; replay-store-redis: replay-store).
    '<rootDir>/test/(website/cookie-tossing|app-code/cross-site-browser|website/replay-store-redis)\\.test\\.ts$',
    '<rootDir>/test/example-[^/]*\\.test\\.ts$',
    '<rootDir>/test/(layering|docs-[a-z-]+)\\.test\\.ts$',
    '<rootDir>/test/mutation/',
    '<rootDir>/test/cli/(check|fake)\\.test\\.ts$',
    '<rootDir>/test/types/',
    '<rootDir>/test/frameworks/',
    '<rootDir>/test/testing/',
    // NestJS 12 (its own node_modules, Node 22+): the same lib/ paths as test/frameworks and the NestJS 11 tests.
    '<rootDir>/test/nest12/',
  ],
  // An absolute path: Stryker loads the environment itself, without jest's <rootDir>.
  testEnvironment: fileURLToPath(new URL('./test/mutation/bail-environment.js', import.meta.url)),
  setupFiles: ['<rootDir>/test/mutation/reset-http.js'],
  testSequencer: '<rootDir>/test/mutation/sequencer.js',
};
