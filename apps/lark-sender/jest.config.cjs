module.exports = { ...require('../../jest.preset.cjs'), displayName: 'lark-sender', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
