// Fault-injection suites (broker kills, relay/consumer crashes, redelivery, poison messages): `npm run test:faults`.
const preset = require('./jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'faults',
  rootDir: __dirname,
  roots: ['<rootDir>/libs', '<rootDir>/apps'],
  testMatch: ['**/*.fault.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 300000,
};
