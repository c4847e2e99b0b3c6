/**
 * NestJS 12 (test/nest12, its own node_modules) needs Node 22: on an older Node its tests are left
 * out here, by configuration, rather than skipped one by one. Its Fastify adapter require()s an ES
 * module (@fastify/middie → path-to-regexp 9), which Node 22 does but jest's module system only
 * from Node 24.9: test/nest12/fastify/ runs from there, and test/nest12/fastify-process.test.ts (the
 * same in a plain Node process) before.
 */
const [NODE_MAJOR = 0, NODE_MINOR = 0] = process.versions.node.split('.').map(Number);
const NEST12 = NODE_MAJOR >= 22 ? [] : ['<rootDir>/test/nest12/'];
const JEST_LOADS_FASTIFY = NODE_MAJOR > 24 || (NODE_MAJOR === 24 && NODE_MINOR >= 9);
// Where jest cannot, a plain Node process checks Nest on Fastify instead (test/nest12/fastify-process.test.ts).
const NEST12_FASTIFY = JEST_LOADS_FASTIFY ? ['<rootDir>/test/nest12/fastify-process\\.test\\.ts$'] : ['<rootDir>/test/nest12/fastify/'];
/**
 * More paths to leave out, space-separated regular expressions: .ci/run's runs on the other Node
 * lines (jest's --testPathIgnorePatterns would replace the list above instead of adding to it).
 */
const LEAVE_OUT = (process.env.LWA_JEST_LEAVE_OUT ?? '').split(' ').filter((pattern) => pattern !== '');

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
  testPathIgnorePatterns: ['/node_modules/', ...NEST12, ...NEST12_FASTIFY, ...LEAVE_OUT],
  globalSetup: '<rootDir>/test/global-setup.js',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // lib/cli/ counts too: test/cli runs the bin as a user does (child processes, out of coverage's
  // reach) and lib/cli/main.ts in-process.
  collectCoverageFrom: ['lib/**/*.ts'],
  coverageThreshold: { global: { lines: 95, branches: 95 } },
  coverageReporters: ['text-summary', 'text'],
};
