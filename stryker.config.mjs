// Mutation testing (issue 16): Stryker changes one operator, literal or statement of the core or the
// simulated venue at a time and runs the tests that cover it; a mutant that no test notices marks
// behaviour no test pins. Not part of CI (the whole run is ~30 min on 2 cores).
//   npm run mutation                                          # all of core + simulated venue
//   npm run mutation -- --mutate packages/core/src/execution/rate-bucket.ts --concurrency 1
// Report: reports/mutation/index.html (and mutation.json); the score per file is printed at the end.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'packages/core/src/**/*.ts',
    'packages/venues/src/simulated/**/*.ts',
    '!**/*.test.ts',
    '!**/*.bench.ts',
    '!packages/core/src/testing/**',
  ],
  ignorePatterns: ['.stryker-tmp*', 'data', 'experiments', 'test-output', '.chassis', 'coverage', 'deploy', 'docs'],
  concurrency: 2,
  // A mutant whose tests outlast timeoutFactor × their dry-run time + timeoutMS counts as detected (an
  // infinite loop); on a loaded shared machine a slow run would otherwise pass for one, so both are generous.
  timeoutMS: 10_000,
  timeoutFactor: 3,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 80, low: 60, break: null },
};
