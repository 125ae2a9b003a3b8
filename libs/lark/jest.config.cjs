module.exports = { ...require('../../jest.preset.cjs'), displayName: 'lark', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
