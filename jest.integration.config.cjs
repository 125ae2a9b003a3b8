// Integration and end-to-end tests: real Kafka and FerretDB (tools/stack), real service processes.
const preset = require('./jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.integration-spec.ts', '<rootDir>/e2e/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/e2e/global-setup.cjs',
  testTimeout: 120000,
  maxWorkers: 1,
};
