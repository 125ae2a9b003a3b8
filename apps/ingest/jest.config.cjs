module.exports = { ...require('../../jest.preset.cjs'), displayName: 'ingest', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
