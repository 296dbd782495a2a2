// The jest configuration the mutation run (npm run test:mutation) uses: the server's unit specs only, as one
// flat project. Stryker runs the specs that cover a mutant once per mutant, so they must be fast and need no database;
// the e2e tier is too slow to run per mutant. Same transform as the unit project in jest.config.js.
const { displayName: _project, ...unit } = require('./jest.config.js').projects.find(
  (project) => project.displayName === 'unit',
);

module.exports = {
  ...unit,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
