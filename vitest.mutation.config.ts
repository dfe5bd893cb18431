import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The test set Stryker runs against each mutant (stryker.config.mjs): only the packages whose code
// is mutated, so the dry run and every mutant's run stay small. `@chassis/core` is aliased to this
// tree's source because Stryker runs in a sandbox copy whose node_modules is a symlink back to the
// original checkout: without the alias the venue tests would import the unmutated core.
// MUTATION_TESTS (comma-separated globs) runs these tests instead, for a scoped run of code outside core
// and the venue (each Stryker run starts with a dry run of every included test):
//   MUTATION_TESTS='packages/backtesting/src/timeline.*.test.ts' npx stryker run --mutate packages/backtesting/src/timeline.ts:280-400
const only = (process.env['MUTATION_TESTS'] ?? '').split(',').filter((g) => g !== '');
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@chassis\/core$/,
        replacement: fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: only.length > 0 ? only : ['packages/core/src/**/*.test.ts', 'packages/venues/src/simulated/**/*.test.ts'],
    // Allocation counts are not behaviour, and Stryker's instrumentation allocates on every branch:
    // the venue's hot-path file and the engine's no-garbage-collection test stay out.
    exclude: ['**/node_modules/**', 'packages/venues/src/simulated/hot-path.test.ts'],
    testNamePattern: /^(?!.*allocate nothing)/,
    setupFiles: ['vitest.mutation.setup.ts'],
    testTimeout: 300_000,
    pool: 'forks',
  },
});
