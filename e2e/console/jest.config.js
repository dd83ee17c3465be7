// The staff console in a real Chromium against the disposable console stack (`node e2e/console/stack.js`, ports
// 3600–3604, started separately so it can be reused between runs):
//   npx nx run-many -t build && npx vite build --config apps/console/vite.config.mts
//   node e2e/console/stack.js &   # wait for "[console-stack] ready"
//   npx jest -c e2e/console/jest.config.js
const preset = require('../../jest.preset.js');
module.exports = {
  ...preset,
  displayName: 'console-web',
  rootDir: __dirname,
  testMatch: ['**/*.browser.spec.ts'],
  testTimeout: 600000,
  forceExit: true,
};
