#!/usr/bin/env node
// npm run api:generate: regenerates libs/api-client/src/generated/gateway.d.ts from the gateway's aggregated OpenAPI
// document (GET /api/docs-json, which the gateway merges from every service's /openapi.json).
// - A stack already running at API_BASE_URL (default http://127.0.0.1:3000, e.g. `npm start` in another terminal) is
//   used as it is.
// - Otherwise the stack is brought up the way the e2e suites do (e2e/global-setup.js: infra, build, the five
//   services), the document read, and the stack stopped again (e2e/global-teardown.js).
// A document missing a service is refused: a generation must describe the whole API.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';

const require = createRequire(import.meta.url);
const { GENERATED_FILE, fetchGatewayDocument, generateTypes } = require('../libs/api-client/tools/generate.js');
const baseUrl = (process.env.API_BASE_URL ?? process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');

async function gatewayAnswers(url) {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) })).status === 200;
  } catch {
    return false;
  }
}

async function documentWithRetry(url) {
  // The services may have come up after the gateway; it refetches a missing document when asked (every 2 s at most).
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      return await fetchGatewayDocument(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 2500));
    }
  }
}

let teardown;
try {
  let url = baseUrl;
  if (!(await gatewayAnswers(baseUrl))) {
    console.log(`[api:generate] no gateway at ${baseUrl}: starting the stack as the e2e suites do (log: .var/e2e/stack.log)`);
    await require('../e2e/global-setup.js')();
    teardown = require('../e2e/global-teardown.js');
    url = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
  }
  const text = await generateTypes(await documentWithRetry(url));
  const before = existsSync(GENERATED_FILE) ? readFileSync(GENERATED_FILE, 'utf8') : '';
  writeFileSync(GENERATED_FILE, text);
  console.log(`[api:generate] ${relative(process.cwd(), GENERATED_FILE)} ${before === text ? 'unchanged' : 'updated'} (from ${url}/api/docs-json)`);
} catch (err) {
  console.error(`[api:generate] ${err.message}`);
  process.exitCode = 1;
} finally {
  await teardown?.();
}
