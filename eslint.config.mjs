import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// Import rules of the feature folders (imports point one way; the audit log and the infrastructure know no feature).
// metrics, logging and redis are infrastructure every feature may use (they know no feature either).
const FEATURES = ['auth', 'users', 'sessions', 'audit', 'health', 'mfa', 'oidc', 'cli'];
const importsOf = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;
const restrict = (files, patterns) => ({
  files,
  ignores: ['src/**/*.spec.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  // demo/ is a few lines of plain browser JavaScript served as-is; client/dist is build output.
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'jest.config.js',
      'jest.mutation.config.js',
      'stryker.config.mjs',
      '.stryker-tmp/**',
      'reports/**',
      'eslint.config.mjs',
      'client/dist/**',
      'demo/**',
      // Compiled by its own test against types generated from openapi.json.
      'test/typed-client/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain CommonJS run by node as-is (no build step), outside the TypeScript project.
    files: ['scripts/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Mocks of async repositories are async arrow functions without await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  restrict(
    ['src/users/**/*.ts', 'src/sessions/**/*.ts'],
    [
      {
        regex: importsOf(['auth']),
        message: 'users and sessions never import auth: use src/common/access.',
      },
    ],
  ),
  restrict(
    ['src/audit/**/*.ts'],
    [
      {
        regex: importsOf(FEATURES.filter((name) => name !== 'audit' && name !== 'cli')),
        message: 'The audit log imports no feature.',
      },
    ],
  ),
  restrict(
    [
      'src/database/**/*.ts',
      'src/common/**/*.ts',
      'src/config/**/*.ts',
      'src/logging/**/*.ts',
      'src/metrics/**/*.ts',
      'src/redis/**/*.ts',
    ],
    [{ regex: importsOf(FEATURES), message: 'Infrastructure imports no feature.' }],
  ),
  restrict(
    ['src/oidc/**/*.ts'],
    [
      {
        regex: importsOf(['mfa']),
        message:
          'oidc never imports mfa: the hosted sign-in reaches second factors through the login steps in auth/login.',
      },
    ],
  ),
  restrict(
    ['src/database/migrations/**/*.ts'],
    [
      {
        regex: '^\\.\\./\\.\\./',
        message:
          'A migration imports nothing outside src/database: it must give the same result forever.',
      },
    ],
  ),
);
