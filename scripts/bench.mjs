#!/usr/bin/env node
// npm run bench -- <name> [more names]: builds the libraries and bench/, runs bench/<name>/index.ts, keeps its last
// JSON line in bench/results/<name>.json and regenerates docs/RESULTS.md. `npm run bench -- all` runs every bench.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem, hostname } from 'node:os';
import { up } from './infra/cli.mjs';
import { repoRoot } from './infra/env.mjs';
import { writeResultsMarkdown } from './results.mjs';

const benches = readdirSync(join(repoRoot, 'bench'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(repoRoot, 'bench', d.name, 'index.ts')))
  .map((d) => d.name);
let names = process.argv.slice(2);
if (names.length === 0 || names.includes('--help')) {
  console.log(`usage: npm run bench -- <${benches.join('|')}|all>`);
  process.exit(names.length === 0 ? 2 : 0);
}
if (names.includes('all')) names = benches;
for (const n of names) if (!benches.includes(n)) throw new Error(`unknown bench ${n}; known: ${benches.join(', ')}`);

await up();
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(1);
const compile = spawnSync('npx', ['swc', 'bench', '-d', 'dist/bench', '--strip-leading-paths', '--config-file', '.swcrc', '-q'], { cwd: repoRoot, stdio: 'inherit' });
if (compile.status !== 0) process.exit(1);

mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
let failed = false;
for (const name of names) {
  console.log(`\n[bench] ${name}`);
  const output = await new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, ['-r', 'reflect-metadata', join('dist', 'bench', name, 'index.js')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
  const last = output.out.trim().split('\n').pop();
  try {
    const result = JSON.parse(last);
    result.measured_at = new Date().toISOString();
    result.machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB (${hostname()})`;
    writeFileSync(join(repoRoot, 'bench', 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  } catch {
    console.error(`[bench] ${name} printed no JSON result line (exit ${output.code})`);
    failed = true;
  }
}

writeResultsMarkdown();
console.log('\n[bench] docs/RESULTS.md regenerated');
process.exit(failed ? 1 : 0);
