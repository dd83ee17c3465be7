// PostgreSQL is a machine service here: start it if installed but stopped, and create one database per service.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { env } from './env.mjs';
import { log, sleep } from './log.mjs';

const require = createRequire(import.meta.url);

function client(database = 'postgres') {
  const { Client } = require('pg');
  return new Client({ host: env.pgHost, port: env.pgPort, user: env.pgUser, password: env.pgPassword || undefined, database, connectionTimeoutMillis: 2000 });
}

export async function postgresAnswers() {
  const c = client();
  try {
    await c.connect();
    const r = await c.query('show server_version');
    return r.rows[0].server_version;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

function tryStartLocalCluster() {
  if (!existsSync('/etc/postgresql')) return false;
  for (const version of readdirSync('/etc/postgresql')) {
    log('postgres', `starting local cluster ${version}/main`);
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  }
  return true;
}

export async function startPostgres() {
  let version = await postgresAnswers();
  if (!version && tryStartLocalCluster()) {
    for (let i = 0; i < 30 && !version; i++) {
      await sleep(500);
      version = await postgresAnswers();
    }
  }
  if (!version) throw new Error(`PostgreSQL does not answer on ${env.pgHost}:${env.pgPort} as ${env.pgUser}; install it (apt-get install -y postgresql) or set PGHOST/PGPORT/PGUSER`);
  log('postgres', `ready on ${env.pgHost}:${env.pgPort} (${version})`);
  const c = client();
  await c.connect();
  try {
    const existing = new Set((await c.query('select datname from pg_database')).rows.map((r) => r.datname));
    for (const db of env.databases) {
      if (!existing.has(db)) {
        await c.query(`create database "${db}"`);
        log('postgres', `created database ${db}`);
      }
    }
  } finally {
    await c.end();
  }
}
