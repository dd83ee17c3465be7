// The browser suite's setup: the same stack as the e2e suites (e2e/global-setup.js, reused as it is), then a check
// that its gateway actually serves the built portal, so a stale stack fails with a clear message instead of blank pages.
'use strict';
const stackSetup = require('../global-setup.js');

module.exports = async function webGlobalSetup() {
  await stackSetup();
  const base = (process.env.PORTAL_URL ?? process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const response = await fetch(`${base}/`, { headers: { accept: 'text/html' } }).catch((err) => ({ status: 0, err }));
  const type = response.headers?.get('content-type') ?? '';
  if (response.status !== 200 || !type.startsWith('text/html')) {
    throw new Error(
      `[web] ${base}/ does not serve the portal (HTTP ${response.status}, ${type || 'no content type'}). ` +
        'The gateway serves dist/apps/portal if it existed when the gateway started: build it (npx nx run portal:build) and restart `npm start`.',
    );
  }
  console.log(`[web] portal: ${base}/`);
};
