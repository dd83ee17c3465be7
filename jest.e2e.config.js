// End-to-end suites against the whole running stack (gateway + four services + SMTP catcher): `npm run test:e2e`.
// `npm run test:fuzz` runs the property-based bad-input suite (jest.fuzz.config.js) against the same stack.
const preset = require('./jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/journey.e2e.spec.ts', '**/poison.e2e.spec.ts', '**/metrics.e2e.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600000,
  globalSetup: '<rootDir>/e2e/global-setup.js',
  globalTeardown: '<rootDir>/e2e/global-teardown.js',
  // The Kafka/undici clients of the suites can keep the event loop alive after teardown; never let CI hang on that.
  forceExit: true,
};
