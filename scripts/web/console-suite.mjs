#!/usr/bin/env node
// npm run test:console: the staff console's browser scenarios (e2e/console) on their own disposable stack (gateway
// 3600, own PostgreSQL cluster, Redis, Kafka and SMTP: e2e/console/stack.js), because they publish synthetic orders to
// Kafka that must never reach the shared stack the e2e and web suites use. Builds, starts the stack, waits for its
// ready line, runs jest, stops the stack, and prints the one summary line .ci/run counts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, env } from '../infra/env.mjs';
import { printSummary, summarize } from '../infra/test-summary.mjs';

const sh = (cmd, args) => spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' }).status;
if (sh(process.execPath, [join(repoRoot, 'scripts', 'web', 'system-packages.mjs')]) !== 0) process.exit(1);
if (sh('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static']) !== 0) process.exit(1);

const readyFile = join(repoRoot, '.var', 'console', 'ready.json');
rmSync(readyFile, { force: true });
const stack = spawn(process.execPath, ['e2e/console/stack.js'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
let exited = null;
stack.on('exit', (code) => (exited = code));
const deadline = Date.now() + 300_000;
while (!existsSync(readyFile)) {
  if (exited !== null) {
    console.error(`[console] the console stack exited (${exited}) before it was ready`);
    process.exit(1);
  }
  if (Date.now() > deadline) {
    console.error('[console] the console stack was not ready within 300 s');
    stack.kill('SIGTERM');
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 1000));
}

const resultsDir = join(env.varDir, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const resultFile = join(resultsDir, 'console-web.json');
const status = spawnSync('npx', ['jest', '-c', 'e2e/console/jest.config.js', '--runInBand', '--json', `--outputFile=${resultFile}`], { cwd: repoRoot, stdio: 'inherit' }).status;

stack.kill('SIGTERM');
await new Promise((resolve) => (exited !== null ? resolve() : stack.on('exit', resolve)));

const summary = summarize([resultFile]);
if (status !== 0 && summary.failed === 0) {
  summary.failed = 1;
  summary.failures.push('the console suite failed without a per-test result (see the output above); counted as 1 failure');
}
printSummary(summary);
process.exit(status === 0 && summary.failed === 0 ? 0 : 1);
