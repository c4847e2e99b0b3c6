// Mutation testing (`npm run mutation`): how many small changes to lib/ the jest suite notices.
// lib/testing/ (the fake Amazon, a test helper itself) is not mutated.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['lib/**/*.ts', '!lib/testing/**'],
  testRunner: 'jest',
  // ts-jest in ESM mode, as `npm test` runs it.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  // Which test files run for a mutant is test/mutation/sequencer.js's call (the files that hold a
  // covering test), not jest's --findRelatedTests (nearly every test file imports lib/index.ts).
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: constants, tables, defaults) are covered by every test, so
  // each would run the whole suite (a minute here): 101 of them would cost more than the other
  // 3,374 together. They are left out of the score; Stryker lists them as "Ignored".
  ignoreStatic: true,
  // Jest under Stryker keeps every run's modules in memory: a fresh test runner process every
  // 10 mutants instead of one that runs out of heap after about 15.
  maxTestRunnerReuse: 10,
  // A mutant that outlives every covering test still has to run them all, files, hooks and servers
  // included, which the initial run does not count: 15 s of slack, so that a slow survivor under
  // load is not taken for a mutant that hangs (a timeout counts as killed).
  timeoutMS: 15000,
  // Half the cores: a run takes a while and the machine stays usable.
  concurrency: '50%',
  reporters: ['clear-text', 'html', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  // Later runs re-test only the mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 90, low: 85, break: null },
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench', 'soak', '.ci/out'],
};
