// Shared jest settings: SWC transpiles (fast, keeps decorator metadata for NestJS); type checking is `npm run typecheck`.
const path = require('node:path');
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.sourceMaps = 'inline';

const libs = fs.readdirSync(path.join(__dirname, 'libs'));
const moduleNameMapper = Object.fromEntries(
  libs.flatMap((lib) => [
    [`^@lsc/${lib}$`, path.join(__dirname, 'libs', lib, 'src', 'index.ts')],
    [`^@lsc/${lib}/testing$`, path.join(__dirname, 'libs', lib, 'src', 'testing.ts')],
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcrc] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['**/?(*.)+(spec|test).ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.fault\\.spec\\.ts$'],
  // content-disposition 2 (under @fastify/static) ships ES modules only; Node loads it, jest's runtime needs it compiled.
  transformIgnorePatterns: ['/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/)'],
  setupFiles: [path.join(__dirname, 'jest.setup.js')],
  testTimeout: 60000,
  maxWorkers: 2,
};
