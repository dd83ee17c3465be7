#!/usr/bin/env node
// npm test: bring up infrastructure if needed, run every project's jest suite through Nx, print one summary line.
// npm run test:faults / test:e2e use the same runner with another jest config: node scripts/test.mjs --config <file>.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { up } from './infra/cli.mjs';
import { repoRoot, env } from './infra/env.mjs';
import { printSummary, summarize } from './infra/test-summary.mjs';

const args = process.argv.slice(2);
const configIndex = args.indexOf('--config');
const resultsDir = join(env.varDir, 'test-results');

// System packages the suites use (kcat, Chromium, CJK fonts, pdftoppm): installed when missing, so a fresh machine
// needs no step beyond `npm ci`.
const systemPackages = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'web', 'system-packages.mjs')], { stdio: 'inherit' });
if (systemPackages.status !== 0) process.exit(systemPackages.status ?? 1);
await up();
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let status;
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);

if (configIndex >= 0) {
  const config = args[configIndex + 1];
  const rest = args.filter((_, i) => i !== configIndex && i !== configIndex + 1);
  status = spawnSync('npx', ['jest', '-c', config, '--runInBand', '--json', `--outputFile=${join(resultsDir, 'suite.json')}`, ...rest], { cwd: repoRoot, stdio: 'inherit' }).status;
} else {
  status = spawnSync('npx', ['nx', 'run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream', '--skip-nx-cache', ...args], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, JEST_RESULTS_DIR: resultsDir },
  }).status;
}

const summary = summarize((existsSync(resultsDir) ? readdirSync(resultsDir) : []).map((file) => join(resultsDir, file)));
// A suite that crashes (or whose results jest cannot write) leaves no counts: never report such a run as all green.
if (status !== 0 && summary.failed === 0) {
  summary.failed = 1;
  summary.failures.push('a test run failed without a per-test result (see the output above); counted as 1 failure');
}
printSummary(summary);
process.exit(status === 0 && summary.failed === 0 ? 0 : status || 1);
