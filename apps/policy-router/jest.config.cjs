module.exports = { ...require('../../jest.preset.cjs'), displayName: 'policy-router', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
