// Lint rules, including the architectural dependency direction (SPEC.md §1, DEVELOPERS.md):
// core imports nothing from other packages; nothing imports the CLI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { packageBoundaries } from './scripts/package-boundaries.js';

const boundaryRules = Object.entries(packageBoundaries).map(([pkg, rule]) => ({
  files: [`packages/${pkg}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...rule.forbiddenPackages.map((name) => ({
            group: [`@chassis/${name}`, `@chassis/${name}/*`],
            message: `${pkg} must not depend on ${name} (see scripts/package-boundaries.js).`,
          })),
          ...(rule.pure
            ? [
                {
                  group: ['node:*', 'fs', 'net', 'http', 'os', 'child_process', 'crypto', 'path', 'worker_threads'],
                  message: 'The core is pure: no I/O, no Node APIs (SPEC.md L10).',
                },
              ]
            : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'experiments/**', '**/dist/**', 'coverage/**', '.chassis/**', 'test-output/**', '.stryker-tmp*/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...boundaryRules,
  {
    // The bin's CommonJS helpers (bin/*.cjs: required, not imported, at every start).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', 'Date', 'performance', 'process', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'require'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Randomness only from a seeded generator (SPEC.md L4).' }],
    },
  },
);
