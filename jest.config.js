/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The package's own name (as users and examples import it) runs the TypeScript sources, not dist.
    '^passport-login-with-amazon$': '<rootDir>/lib/index.ts',
    '^passport-login-with-amazon/testing$': '<rootDir>/lib/testing/index.ts',
    '^passport-login-with-amazon/opentelemetry$': '<rootDir>/lib/opentelemetry/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // lib/cli/ is the bin: test/cli runs it as a user does, in child processes, where jest's
  // coverage does not reach (the threshold would count it as untested).
  collectCoverageFrom: ['lib/**/*.ts', '!lib/cli/**'],
  coverageThreshold: { global: { lines: 95, branches: 95 } },
  coverageReporters: ['text-summary', 'text'],
};
