import type * as Jose from 'jose';

// jose 6 ships only ESM. Node ≥ 20.19 require()s it natively, but jest's own module registry cannot, so it is
// loaded through Node's real require (process.getBuiltinModule is not intercepted by jest). Once jest.preset.js
// transforms jose (transformIgnorePatterns), this file can become a plain `export * from 'jose'`.
const nodeModule = process.getBuiltinModule('node:module');
export const jose = nodeModule.createRequire(__filename)('jose') as typeof Jose;
export type { JWK, JWTPayload, CryptoKey } from 'jose';
