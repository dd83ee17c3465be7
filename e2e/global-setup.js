// Brings the whole stack up for the e2e suites, unless one is already running and ready.
//
// - If the gateway (:3000), the four services (:3001–3004) and the SMTP catcher (:1025) already answer, the suites use
//   that stack and nothing is started or stopped.
// - Otherwise `node scripts/start.mjs` is started as a child (infra, build, SMTP catcher, five services) and we wait for
//   its "[start] all N services ready" line (or every /health/ready answering 200), up to E2E_READY_TIMEOUT_S (180 s).
//   The gateway is told to believe X-Forwarded-For from loopback (TRUSTED_PROXIES), i.e. the test client plays the
//   load balancer in front of the gateway, so the many simulated users of bad-input/bench each get their own per-IP
//   rate-limit bucket as real users behind a real balancer would. Its output goes to .var/e2e/stack.log.
// - Staff accounts used by the journey are created with the identity CLI; "already taken" is fine (idempotent).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createWriteStream, mkdirSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.join(__dirname, '..');
const PORTS = { gateway: 3000, identity: 3001, membership: 3002, billing: 3003, notification: 3004 };
const { e2eStaff } = require('./support/staff-accounts.js');
// The e2e suites sign the finance user in through the API many times a minute; the second factor (TOTP) that identity
// requires of finance and super_admin by default is proven by apps/identity/src/staff-two-factor.int.spec.ts, so the
// scripted stack leaves it off unless STAFF_TWO_FACTOR_ROLES says otherwise.
process.env.STAFF_TWO_FACTOR_ROLES ??= '';

async function ready(port) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3000) });
    return r.status === 200;
  } catch {
    return false;
  }
}

const listening = (port) =>
  new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
  });

async function allReady() {
  const results = await Promise.all(Object.values(PORTS).map(ready));
  return results.every(Boolean) && (await listening(Number(process.env.SMTP_PORT ?? 1025)));
}

async function startStack() {
  mkdirSync(path.join(root, '.var', 'e2e'), { recursive: true });
  const log = createWriteStream(path.join(root, '.var', 'e2e', 'stack.log'), { flags: 'a' });
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, TRUSTED_PROXIES: process.env.TRUSTED_PROXIES ?? '127.0.0.1,::1', LOG_LEVEL: process.env.E2E_STACK_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let sawReady = false;
  let exited = null;
  const lostPorts = [];
  const watch = (stream) =>
    stream.on('data', (chunk) => {
      log.write(chunk);
      const text = String(chunk);
      if (/\[start\] all \d+ services ready/.test(text)) sawReady = true;
      // A service that cannot bind its port exits while an older process keeps answering there: say so loudly.
      for (const m of text.matchAll(/\[start\] (\w+) exited \(([^)]*)\)/g)) {
        lostPorts.push(m[1]);
        console.warn(`[e2e] WARNING: ${m[1]} exited (${m[2]}) during start-up; whatever answers on its port is not the build under test (see .var/e2e/stack.log)`);
      }
    });
  watch(child.stdout);
  watch(child.stderr);
  child.on('exit', (code, signal) => (exited = signal ?? code));
  const timeoutMs = Number(process.env.E2E_READY_TIMEOUT_S ?? 180) * 1000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`scripts/start.mjs exited (${exited}) before the stack was ready; see .var/e2e/stack.log`);
    if (sawReady && (await allReady())) return { child, lostPorts };
    await new Promise((r) => setTimeout(r, 1000));
  }
  child.kill('SIGTERM');
  throw new Error(`stack not ready within ${timeoutMs / 1000} s; see .var/e2e/stack.log`);
}

/**
 * Fallback when a default port is held by a process that is not this build (e.g. a service left running by someone
 * else): the same processes start.mjs runs (SMTP catcher + five services, same environment), each on port + offset,
 * with the gateway pointed at them. The suites then use E2E_BASE_URL. Set E2E_PORT_OFFSET to force this mode.
 */
async function startOnOffsetPorts(offset) {
  const log = createWriteStream(path.join(root, '.var', 'e2e', 'stack.log'), { flags: 'a' });
  const varDir = process.env.LSC_VAR_DIR ?? path.join(root, '.var');
  const smtpPort = Number(process.env.SMTP_PORT ?? 1025) + offset;
  const port = (name) => PORTS[name] + offset;
  const children = [];
  const run = (name, args, extra) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => log.write(`${name} ${d}`));
    child.stderr.on('data', (d) => log.write(`${name} ${d}`));
    children.push(child);
  };
  mkdirSync(path.join(varDir, 'mail'), { recursive: true });
  run('smtp', ['tools/smtp-catcher/index.js', '--port', String(smtpPort), '--dir', path.join(varDir, 'mail')], {});
  const common = {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMS_OUTBOX_DIR: process.env.SMS_OUTBOX_DIR ?? path.join(varDir, 'sms'),
    LSC_DATA_DIR: process.env.LSC_DATA_DIR ?? path.join(varDir, 'data'),
    LOG_LEVEL: process.env.E2E_STACK_LOG_LEVEL ?? 'warn',
    TRUSTED_PROXIES: process.env.TRUSTED_PROXIES ?? '127.0.0.1,::1',
    IDENTITY_URL: `http://127.0.0.1:${port('identity')}`,
    MEMBERSHIP_URL: `http://127.0.0.1:${port('membership')}`,
    BILLING_URL: `http://127.0.0.1:${port('billing')}`,
    NOTIFICATION_URL: `http://127.0.0.1:${port('notification')}`,
    // Services that verify tokens fetch identity's JWKS; point them at the identity under test.
    JWT_JWKS_URL: `http://127.0.0.1:${port('identity')}/api/v1/identity/.well-known/jwks.json`,
  };
  for (const name of Object.keys(PORTS)) run(name, [`dist/apps/${name}/main.js`], { ...common, HTTP_PORT: String(port(name)) });
  const deadline = Date.now() + Number(process.env.E2E_READY_TIMEOUT_S ?? 180) * 1000;
  while (Date.now() < deadline) {
    const dead = children.find((c) => c.exitCode !== null);
    if (dead) break;
    const ok = (await Promise.all(Object.keys(PORTS).map((n) => ready(port(n))))).every(Boolean);
    if (ok) {
      process.env.E2E_BASE_URL = `http://127.0.0.1:${port('gateway')}`;
      return children;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const c of children) c.kill('SIGTERM');
  throw new Error(`stack on ports +${offset} not ready; see .var/e2e/stack.log`);
}

function createStaff() {
  for (const s of e2eStaff(process.env.LSC_VAR_DIR ?? path.join(root, '.var'))) {
    const r = spawnSync(process.execPath, ['dist/apps/identity/main.js', 'create-staff', s.username, s.roles.join(',')], { cwd: root, encoding: 'utf8', input: `${s.password}\n`, env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 120000 });
    const out = `${r.stdout}\n${r.stderr}`;
    if (r.status !== 0 && !/already taken/.test(out)) throw new Error(`create-staff ${s.username} failed (${r.status}): ${out.slice(-2000)}`);
  }
}

module.exports = async function globalSetup() {
  const t0 = Date.now();
  const forcedOffset = Number(process.env.E2E_PORT_OFFSET ?? 0);
  if (forcedOffset) {
    mkdirSync(path.join(root, '.var', 'e2e'), { recursive: true });
    console.log(`\n[e2e] starting the services on ports +${forcedOffset} (E2E_PORT_OFFSET)`);
    globalThis.__E2E_CHILDREN__ = await startOnOffsetPorts(forcedOffset);
  } else if (await allReady()) {
    console.log('\n[e2e] using the stack that is already running');
  } else {
    console.log('\n[e2e] starting the stack (node scripts/start.mjs; log in .var/e2e/stack.log)');
    const { child, lostPorts } = await startStack();
    globalThis.__E2E_STACK__ = child;
    if (lostPorts.length > 0) {
      // Those ports answer, but not with this build: stop ours and run the whole set on other ports instead.
      console.warn(`[e2e] ${lostPorts.join(', ')} could not bind; restarting the stack on ports +100`);
      await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')));
      globalThis.__E2E_STACK__ = undefined;
      globalThis.__E2E_CHILDREN__ = await startOnOffsetPorts(100);
    }
  }
  console.log(`[e2e] API: ${process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000'}`);
  createStaff();
  console.log(`[e2e] stack ready, staff accounts present (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
};
