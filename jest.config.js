// Nest 12 ships ESM-only packages; @swc/jest compiles them (and our TS) to CommonJS
// because ts-jest cannot (Node can require() ESM at run time, Jest's module loader cannot).
// swc does not type-check: CI runs tsc.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
// ESM-only packages (or CommonJS ones that import() them) that Node loads natively but Jest cannot:
// compiled to CommonJS by swc. @fastify/cookie import()s `cookie`; @fastify/static requires content-disposition.
const ESM_PACKAGES = [
  '@nestjs',
  '@fastify/cookie',
  'cookie',
  'content-disposition',
  'unicode-case-folding',
  // The OpenID provider and the relying party the tests use, with their ESM dependencies.
  'oidc-provider',
  'openid-client',
  'oauth4webapi',
  'jose',
  'koa',
];
const common = {
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The mutation run's sandboxes are full copies of the project: never collect or resolve from them.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/'],
};
module.exports = {
  // Jest reads testTimeout from the top level only (a project's own value is ignored): 30 s for every test,
  // and the multi-instance and browser projects raise it in a setup file.
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      rootDir: '.',
      // The browser client imports its own modules as ESM does (`./http.js`): Jest resolves them to the sources.
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/client/src/**/*.spec.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.controller\\.spec\\.ts$'],
    },
    {
      // One controller over HTTP with the real global guards, validation and error mapping, services mocked,
      // no database (test/support/controller-rig.ts): route protection and validation in milliseconds.
      ...common,
      displayName: 'controller',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.controller.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
    {
      // PostgreSQL + Redis only (npm run test:multi): several instances, dependency outages.
      ...common,
      displayName: 'multi',
      rootDir: '.',
      testMatch: ['<rootDir>/test/multi/**/*.multi-spec.ts'],
      setupFiles: ['<rootDir>/test/multi/require-services.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/long-test-timeout.ts'],
    },
    {
      // Real Chromium (npm run test:browser): the SPA client and Swagger UI.
      ...common,
      displayName: 'browser',
      rootDir: '.',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/long-test-timeout.ts'],
    },
  ],
};
