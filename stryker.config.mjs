// Mutation testing of the security-critical server code against its unit specs (npm run test:mutation).
// A mutant that survives is a flipped condition or a dropped statement no unit test notices.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // Globs, so services split out of AuthService are mutated as soon as they exist. Left out: what only the e2e
  // tier can judge (controllers, repositories' SQL, module wiring) and declarations without logic.
  mutate: [
    'src/auth/**/*.ts',
    '!src/auth/**/*.spec.ts',
    '!src/auth/**/*.controller.ts',
    '!src/auth/**/*.module.ts',
    '!src/auth/**/*.repository.ts',
    '!src/auth/**/*.error.ts',
    '!src/auth/**/dto/**',
    '!src/auth/**/entities/**',
    '!src/auth/**/decorators/**',
    'src/sessions/sessions.service.ts',
    'src/database/unit-of-work.ts',
    // The mfa and oidc services that have unit specs.
    'src/mfa/mfa-factors.service.ts',
    'src/mfa/second-factor.service.ts',
    'src/mfa/totp-enrolment.service.ts',
    'src/mfa/webauthn-assertions.service.ts',
    'src/mfa/webauthn-registration.service.ts',
    'src/oidc/oidc-clients.service.ts',
    'src/oidc/provider-session-ender.service.ts',
    'src/oidc/session-links.service.ts',
    'src/oidc/sign-in.service.ts',
  ],
  // Two cores: one test process keeps the machine usable for whatever else runs.
  concurrency: 1,
  timeoutMS: 10000,
  thresholds: { high: 80, low: 60, break: null },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
