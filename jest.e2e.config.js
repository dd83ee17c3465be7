// End-to-end suites against the whole running stack (gateway + four services + SMTP catcher): `npm run test:e2e`.
const preset = require('./jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600000,
  globalSetup: '<rootDir>/e2e/global-setup.js',
  globalTeardown: '<rootDir>/e2e/global-teardown.js',
};
