// Property-based malformed requests through the gateway (e2e/bad-input.e2e.spec.ts): `npm run test:fuzz`.
const e2e = require('./jest.e2e.config.js');
module.exports = { ...e2e, displayName: 'fuzz', testMatch: ['**/bad-input.e2e.spec.ts'] };
