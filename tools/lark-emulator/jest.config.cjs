module.exports = { ...require('../../jest.preset.cjs'), displayName: 'lark-emulator', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
