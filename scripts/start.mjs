#!/usr/bin/env node
// npm start: infrastructure (PostgreSQL, Redis, Kafka), a local SMTP catcher, then all services; Ctrl-C stops the services.
// The build includes the web front-ends (apps/portal, apps/console when present: Vite into dist/apps/<name>), which the
// gateway serves at / and /console/; their text files get pre-compressed .br/.gz siblings.
// --exit-when-ready: stop everything once every service is ready (used by CI as a smoke test of the quick start).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { up } from './infra/cli.mjs';
import { repoRoot, env } from './infra/env.mjs';
import { precompress } from './web/precompress.mjs';

const started = Date.now();
const exitWhenReady = process.argv.includes('--exit-when-ready');
const ports = { gateway: 3000, identity: 3001, membership: 3002, billing: 3003, notification: 3004 };
const services = Object.keys(ports).filter((s) => existsSync(join(repoRoot, 'apps', s, 'project.json')));
const webApps = [
  { name: 'portal', path: '/' },
  { name: 'console', path: '/console/' },
].filter((a) => existsSync(join(repoRoot, 'apps', a.name, 'project.json')));
const children = [];
const colours = { gateway: 36, identity: 32, membership: 33, billing: 35, notification: 34, smtp: 90 };

function prefixed(name, stream) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) if (line.trim()) process.stdout.write(`\x1b[${colours[name] ?? 37}m${name.padEnd(12)}\x1b[0m ${line}\n`);
  });
}

function run(name, command, args, extraEnv = {}) {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixed(name, child.stdout);
  prefixed(name, child.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`[start] ${name} exited (${signal ?? code})`);
  });
  children.push({ name, child });
  return child;
}

async function waitReady(name, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const child = children.find((c) => c.name === name)?.child;
  while (Date.now() < deadline) {
    // Another process answering on the port (e.g. a stale service) must not pass for ours.
    if (child && child.exitCode !== null) throw new Error(`${name} exited during start-up (is port ${port} already in use?)`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (r.status === 200) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping services (infrastructure keeps running; `npm run infra:down` stops Kafka)');
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => (child.exitCode !== null ? null : new Promise((r) => child.once('exit', r)))));
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  await up();
  console.log(`[start] building services${webApps.length ? ` and ${webApps.map((a) => a.name).join(', ')}` : ''}`);
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('build failed');
  for (const app of webApps) {
    const dir = join(repoRoot, 'dist', 'apps', app.name);
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`${app.name} built no ${dir}/index.html`);
    precompress(dir);
  }
  const mailDir = join(env.varDir, 'mail');
  const smtpPort = Number(process.env.SMTP_PORT ?? 1025);
  if (existsSync(join(repoRoot, 'tools', 'smtp-catcher', 'index.js'))) {
    mkdirSync(mailDir, { recursive: true });
    run('smtp', 'node', ['tools/smtp-catcher/index.js', '--port', String(smtpPort), '--dir', mailDir]);
  }
  const smsDir = join(env.varDir, 'sms');
  for (const name of services) {
    const busy = await fetch(`http://127.0.0.1:${ports[name]}/health/live`).then(() => true, () => false);
    if (busy) throw new Error(`port ${ports[name]} (${name}) is already in use: stop the other process first`);
  }
  for (const name of services) {
    run(name, 'node', [`dist/apps/${name}/main.js`], {
      SMTP_HOST: process.env.SMTP_HOST ?? '127.0.0.1',
      SMTP_PORT: String(smtpPort),
      SMS_OUTBOX_DIR: process.env.SMS_OUTBOX_DIR ?? smsDir,
      LSC_DATA_DIR: process.env.LSC_DATA_DIR ?? join(env.varDir, 'data'),
    });
  }
  await Promise.all(services.map((s) => waitReady(s, ports[s], 120000)));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  console.log(`\n[start] all ${services.length} services ready in ${seconds} s`);
  for (const app of webApps) console.log(`[start] ${`${app.name}:`.padEnd(9)} ${gatewayUrl}${app.path}`);
  console.log(`[start] gateway:  ${gatewayUrl}  (API docs: ${gatewayUrl}/api/docs)`);
  console.log(`[start] mail:     ${mailDir} (every message the services send, as .eml)`);
  console.log(`[start] SMS:      ${smsDir} (codes of the local SMS sender)`);
  console.log('[start] Ctrl-C stops the services');
  if (exitWhenReady) await stop(0);
} catch (err) {
  console.error(`[start] ${err.message}`);
  await stop(1);
}
