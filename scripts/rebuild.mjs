#!/usr/bin/env node
// npm run rebuild -- <service> <projection>: rebuild one read model from position 0, online (new table, then switch).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './infra/env.mjs';

const [service, projection] = process.argv.slice(2);
if (!service || !projection) {
  console.error('usage: npm run rebuild -- <service> <projection>');
  process.exit(2);
}
if (!existsSync(join(repoRoot, 'apps', service, 'project.json'))) {
  console.error(`unknown service ${service}`);
  process.exit(2);
}
const build = spawnSync('npx', ['nx', 'run', `${service}:build`, '--outputStyle=static'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(1);
const run = spawnSync(process.execPath, [join('dist', 'apps', service, 'main.js'), 'rebuild', projection], { cwd: repoRoot, stdio: 'inherit' });
process.exit(run.status ?? 1);
