module.exports = { ...require('../../jest.preset.cjs'), displayName: 'secrets', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
