// The chaos suite (`npm run test:chaos`): 100 journeys on a disposable stack while every part fails once (e2e/chaos).
const preset = require('./jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'chaos',
  rootDir: __dirname,
  roots: ['<rootDir>/e2e/chaos'],
  testMatch: ['**/*.chaos.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 3600000,
  // Kafka/undici clients can keep the event loop alive after the stack is stopped; never let CI hang on that.
  forceExit: true,
};
