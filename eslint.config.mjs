import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// Import rules of the feature folders (imports point one way; the audit log and the infrastructure know no feature).
// metrics, logging and redis are infrastructure every feature may use (they know no feature either).
const FEATURES = [
  'auth',
  'users',
  'sessions',
  'audit',
  'health',
  'mfa',
  'oidc',
  'signing-keys',
  'cli',
];
const importsOf = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;
const restrict = (files, patterns) => ({
  files,
  ignores: ['src/**/*.spec.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
const INFRASTRUCTURE = ['database', 'common', 'config', 'logging', 'metrics', 'redis'];

// What each folder under src/ never imports. Flat config does not merge the options of a rule set by two
// entries for one file (the later replaces the earlier), so the rows are gathered into one entry per folder:
// add a row here rather than another restrict() over a folder that already has one.
const IMPORT_RULES = [
  {
    folders: ['users', 'sessions'],
    forbidden: ['auth'],
    message: 'users and sessions never import auth: use src/common/access.',
  },
  {
    // audit never imports them either: its own row forbids every feature.
    folders: ['users', 'sessions'],
    forbidden: ['mfa', 'oidc'],
    message: 'users and sessions never import mfa or oidc: those build on them, not the reverse.',
  },
  {
    folders: ['mfa'],
    forbidden: ['auth', 'oidc'],
    message: 'mfa is second factors and their verification only: it never imports auth or oidc.',
  },
  {
    folders: ['auth'],
    forbidden: ['oidc'],
    message: 'auth never imports oidc: the OpenID provider signs in through auth, not the reverse.',
  },
  {
    folders: ['oidc'],
    forbidden: ['mfa'],
    message:
      'oidc never imports mfa: the hosted sign-in reaches second factors through the login steps in auth/login.',
  },
  {
    folders: ['signing-keys'],
    forbidden: ['auth', 'oidc'],
    message:
      'signing-keys is the key store both auth and oidc sign with: it never imports either of them.',
  },
  {
    folders: ['audit'],
    forbidden: FEATURES.filter((name) => name !== 'audit' && name !== 'cli'),
    message: 'The audit log imports no feature.',
  },
  { folders: INFRASTRUCTURE, forbidden: FEATURES, message: 'Infrastructure imports no feature.' },
  {
    // config validates against common's vocabulary (roles); common declares what it needs of the
    // configuration (e.g. PasswordHashingConfig) and ConfigModule binds it.
    folders: ['common'],
    forbidden: ['config'],
    message: 'common imports nothing from config (config may import common).',
  },
];
const importRules = () =>
  [...new Set(IMPORT_RULES.flatMap((rule) => rule.folders))].map((folder) =>
    restrict(
      [`src/${folder}/**/*.ts`],
      IMPORT_RULES.filter((rule) => rule.folders.includes(folder)).map((rule) => ({
        regex: importsOf(rule.forbidden),
        message: rule.message,
      })),
    ),
  );

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
  ...importRules(),
  {
    // A separate rule name from the feature rules above: flat config replaces a rule's options per file, so a
    // second no-restricted-imports block matching the same files would silently switch theirs off.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+cli(/|$)',
              message:
                'No feature imports src/cli: a command is a @CliCommand provider in its feature (src/common/cli).',
            },
          ],
        },
      ],
    },
  },
  // After the database folder's entry, which it replaces for migrations (it forbids more).
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
