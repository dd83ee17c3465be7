// Browser suite: the portal (and the console) in a real Chromium against the whole running stack: `npm run test:web`.
// The stack comes up exactly as for the e2e suites (e2e/global-setup.js); scripts/web/system-packages.mjs has
// installed Chromium, the CJK fonts and poppler-utils first.
const preset = require('./jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'web',
  rootDir: __dirname,
  roots: ['<rootDir>/e2e/web'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600000,
  // One browser at a time on these small machines; the specs share the stack's rate-limit buckets anyway.
  maxWorkers: 1,
  globalSetup: '<rootDir>/e2e/web/global-setup.js',
  globalTeardown: '<rootDir>/e2e/global-teardown.js',
  forceExit: true,
};
