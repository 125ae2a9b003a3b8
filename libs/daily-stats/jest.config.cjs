module.exports = { ...require('../../jest.preset.cjs'), displayName: 'daily-stats', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
