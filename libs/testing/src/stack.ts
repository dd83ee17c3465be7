/**
 * A disposable copy of the whole system (chaos suite, flow benchmark): its own PostgreSQL cluster, Redis, Kafka broker
 * and SMTP catcher on their own ports, plus the five services — so faults can be injected into every part (SIGKILL the
 * broker, restart PostgreSQL, stop SMTP) and processes measured, without touching the development infrastructure
 * other suites and people use.
 *
 * Real parts only: PostgreSQL is a second cluster of the machine's server (Debian's pg_createcluster), Kafka the same
 * Maven-jar broker `npm run infra:up` starts (scripts/infra/kafka.mjs, with other ports and data dir), Redis the machine's
 * redis-server, SMTP tools/smtp-catcher, the services their built dist/apps/<svc>/main.js.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/** libs/testing/src (jest) and libs/testing/dist (built) are both three levels below the repository root. */
export const REPO = join(__dirname, '..', '..', '..');
export const SERVICES = ['identity', 'membership', 'billing', 'notification', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface StackPorts {
  gateway: number;
  identity: number;
  membership: number;
  billing: number;
  notification: number;
  smtp: number;
  postgres: number;
  redis: number;
  kafka: number;
  kafkaController: number;
}


const DATABASES = ['identity', 'membership', 'billing', 'notification'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgVersion(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(a) - Number(b));
  if (versions.length === 0) throw new Error('no PostgreSQL server under /usr/lib/postgresql (apt-get install -y postgresql)');
  return versions[versions.length - 1]!;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, cwd: REPO, timeout: 180_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(250);
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}

export async function httpReady(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) });
    return r.status === 200;
  } catch {
    return false;
  }
}

export class DisposableStack {
  readonly varDir: string;
  private readonly pgCluster: string;

  /** `name` names the PostgreSQL cluster (lsc_<name>) and the state directory (.var/<name>). */
  constructor(
    readonly name: string,
    readonly ports: StackPorts,
  ) {
    this.varDir = join(REPO, '.var', name);
    this.pgCluster = `lsc_${name}`;
  }

  get mailDir(): string {
    return join(this.varDir, 'mail');
  }
  get smsDir(): string {
    return join(this.varDir, 'sms');
  }
  get logDir(): string {
    return join(this.varDir, 'logs');
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }
  get redisUrl(): string {
    return `redis://127.0.0.1:${this.ports.redis}`;
  }
  get kafkaBrokers(): string {
    return `127.0.0.1:${this.ports.kafka}`;
  }
  private readonly pg = pgVersion();
  private readonly processes = new Map<string, ChildProcess>();
  private readonly logs = new Map<string, WriteStream>();

  dbUrl(db: string): string {
    return `postgres://postgres@127.0.0.1:${this.ports.postgres}/${db}`;
  }

  private kafkaEnv(): NodeJS.ProcessEnv {
    return { ...process.env, KAFKA_BROKERS: this.kafkaBrokers, KAFKA_CONTROLLER_PORT: String(this.ports.kafkaController), LSC_VAR_DIR: this.varDir };
  }

  /** Fresh state every run: databases recreated, broker storage, mail and SMS outboxes emptied. */
  async start(): Promise<void> {
    await this.stopKafka().catch(() => undefined);
    this.killLeftovers();
    await this.assertPortsFree();
    rmSync(this.varDir, { recursive: true, force: true });
    for (const d of [this.mailDir, this.smsDir, this.logDir]) mkdirSync(d, { recursive: true });
    await this.startPostgres();
    await this.recreateDatabases();
    this.startRedis();
    await waitFor('redis', async () => (await this.redisPing()) === true, 30_000);
    await this.startKafka();
    this.startSmtp();
    for (const s of SERVICES) this.startService(s);
    await this.waitAllReady(180_000);
  }

  // ------------------------------------------------------------------ PostgreSQL (a second cluster of the local server)
  async startPostgres(): Promise<void> {
    const clusters = run('pg_lsclusters', ['-h']);
    if (!clusters.split('\n').some((l) => l.split(/\s+/)[1] === this.pgCluster)) {
      run('pg_createcluster', [this.pg, this.pgCluster, '-p', String(this.ports.postgres), '-o', 'max_connections=300', '--', '--auth=trust']);
    }
    if (!(await this.pgAnswers())) run('pg_ctlcluster', [this.pg, this.pgCluster, 'start']);
    await waitFor('postgres', () => this.pgAnswers(), 60_000);
  }

  /** `pg_ctlcluster restart` (fast shutdown: open sessions are cut, as in a real failover or upgrade). */
  restartPostgres(): void {
    run('pg_ctlcluster', [this.pg, this.pgCluster, 'restart', '-m', 'fast']);
  }

  async pgAnswers(): Promise<boolean> {
    const c = new Client({ connectionString: this.dbUrl('postgres'), connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  private async recreateDatabases(): Promise<void> {
    const c = new Client({ connectionString: this.dbUrl('postgres') });
    await c.connect();
    try {
      for (const db of DATABASES) {
        await c.query(`drop database if exists ${db} with (force)`);
        await c.query(`create database ${db}`);
      }
    } finally {
      await c.end();
    }
  }

  async query<T = Record<string, unknown>>(db: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.dbUrl(db) });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  // ------------------------------------------------------------------ Redis (no persistence, as in production)
  private startRedis(): void {
    this.spawnLogged('redis', 'redis-server', ['--port', String(this.ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  }

  private async redisPing(): Promise<boolean> {
    const { default: Redis } = await import('ioredis');
    const r = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined); // not up yet: connect() rejects, which is the answer we want
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  }

  // ------------------------------------------------------------------ Kafka (scripts/infra/kafka.mjs on other ports)
  async startKafka(): Promise<void> {
    run(process.execPath, ['--input-type=module', '-e', "const k = await import('./scripts/infra/kafka.mjs'); await k.startKafka(); await k.ensureTopics();"], this.kafkaEnv());
  }

  private kafkaPid(): number | null {
    const file = join(this.varDir, 'kafka', 'kafka.pid');
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8'));
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  killKafka(): void {
    const pid = this.kafkaPid();
    if (!pid) throw new Error(`${this.name} broker not running`);
    process.kill(pid, 'SIGKILL');
  }

  async stopKafka(): Promise<void> {
    if (!this.kafkaPid()) return;
    run(process.execPath, ['--input-type=module', '-e', "const k = await import('./scripts/infra/kafka.mjs'); await k.stopKafka();"], this.kafkaEnv());
  }

  // ------------------------------------------------------------------ SMTP catcher
  startSmtp(): void {
    this.spawnLogged('smtp', process.execPath, ['tools/smtp-catcher/index.js', '--port', String(this.ports.smtp), '--dir', this.mailDir]);
  }

  async stopSmtp(): Promise<void> {
    await this.terminate('smtp', 'SIGTERM');
  }

  // ------------------------------------------------------------------ services
  serviceEnv(name: ServiceName): NodeJS.ProcessEnv {
    const url = (s: ServiceName) => `http://127.0.0.1:${this.ports[s]}`;
    return {
      ...process.env,
      HTTP_PORT: String(this.ports[name]),
      LOG_LEVEL: process.env[`STACK_LOG_LEVEL_${name.toUpperCase()}`] ?? process.env.STACK_LOG_LEVEL ?? 'warn',
      KAFKA_BROKERS: this.kafkaBrokers,
      REDIS_URL: this.redisUrl,
      ...(name === 'gateway' ? {} : { DATABASE_URL: this.dbUrl(name) }),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(this.ports.smtp),
      SMS_OUTBOX_DIR: this.smsDir,
      LSC_DATA_DIR: join(this.varDir, 'data'),
      TRUSTED_PROXIES: '127.0.0.1,::1',
      IDENTITY_URL: url('identity'),
      MEMBERSHIP_URL: url('membership'),
      BILLING_URL: url('billing'),
      NOTIFICATION_URL: url('notification'),
      JWT_JWKS_URL: `${url('identity')}/api/v1/identity/.well-known/jwks.json`,
      // Scripted stacks (chaos, benches) sign finance in through the API many times a minute: no second factor unless
      // STAFF_TWO_FACTOR_ROLES asks for it (identity's default, finance and super_admin, is proven by its own tests).
      STAFF_TWO_FACTOR_ROLES: process.env.STAFF_TWO_FACTOR_ROLES ?? '',
    };
  }

  startService(name: ServiceName): void {
    // STACK_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", which NODE_OPTIONS refuses) profiles the services of a bench.
    const nodeArgs = (process.env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.spawnLogged(name, process.execPath, [...nodeArgs, `dist/apps/${name}/main.js`], this.serviceEnv(name));
  }

  pid(name: string): number | undefined {
    const p = this.processes.get(name);
    return p && p.exitCode === null && p.signalCode === null ? p.pid : undefined;
  }

  signal(name: string, signal: NodeJS.Signals): void {
    const pid = this.pid(name);
    if (!pid) throw new Error(`${name} is not running`);
    process.kill(pid, signal);
  }

  /** SIGKILL and wait until the process is gone (no chance to clean up: that is the point). */
  async kill(name: string): Promise<void> {
    await this.terminate(name, 'SIGKILL');
  }

  /** Identity's CLI against this stack's database (staff accounts). */
  createStaff(username: string, password: string, roles: string[]): void {
    // The password goes on standard input, never on the command line.
    const r = spawnSync(process.execPath, ['dist/apps/identity/main.js', 'create-staff', username, roles.join(',')], { cwd: REPO, encoding: 'utf8', input: `${password}\n`, env: this.serviceEnv('identity'), timeout: 120_000 });
    if (r.status !== 0 && !/already taken/.test(`${r.stdout}${r.stderr}`)) throw new Error(`create-staff ${username}: ${r.stderr.slice(-2000)}`);
  }

  async waitAllReady(timeoutMs = 180_000): Promise<number> {
    try {
      return await waitFor('all services', () => this.allReady(), timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${(await this.readiness()).join(' | ')}`);
    }
  }

  /** What each service's /health/ready answers (status and the start of the body), for failure messages. */
  async readiness(): Promise<string[]> {
    return Promise.all(
      SERVICES.map(async (s) => {
        try {
          const r = await fetch(`http://127.0.0.1:${this.ports[s]}/health/ready`, { signal: AbortSignal.timeout(5000) });
          return `${s} ${r.status}${r.status === 200 ? '' : ` ${(await r.text()).slice(0, 300)}`}`;
        } catch (e) {
          return `${s} no answer (${(e as Error).message})${this.pid(s) ? '' : ', process not running'}`;
        }
      }),
    );
  }

  async allReady(): Promise<boolean> {
    return (await Promise.all(SERVICES.map((s) => httpReady(this.ports[s])))).every(Boolean);
  }

  /** Peak resident set size (VmHWM) of a running process of the stack, in MiB; undefined once it has exited. */
  peakRssMiB(name: string): number | undefined {
    const pid = this.pid(name);
    if (!pid) return undefined;
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  }

  /** CPU seconds (user + system, all threads) a service process has used so far; for per-journey cost figures. */
  cpuSeconds(name: string): number | undefined {
    const pid = name === 'kafka' ? this.kafkaPid() ?? undefined : this.pid(name);
    return pid ? processCpuSeconds(pid) : undefined;
  }

  /**
   * The gateway first (no new requests), then the other services together, then what they depend on (Redis, SMTP,
   * Kafka): stopped the other way round, every service spent its drain logging a Redis that was already gone.
   */
  async stop(): Promise<void> {
    const isService = (name: string): boolean => (SERVICES as readonly string[]).includes(name);
    const running = [...this.processes.keys()];
    await this.terminate('gateway', 'SIGTERM');
    await Promise.all(running.filter((n) => isService(n) && n !== 'gateway').map((n) => this.terminate(n, 'SIGTERM')));
    for (const name of running.filter((n) => !isService(n))) await this.terminate(name, 'SIGTERM');
    await this.stopKafka().catch(() => undefined);
    for (const log of this.logs.values()) log.end();
    if (process.env.STACK_KEEP_POSTGRES !== '1') spawnSync('pg_ctlcluster', [this.pg, this.pgCluster, 'stop', '-m', 'fast']);
  }

  /** Processes an earlier run left behind (killed test runner): their pids are in .var/<name>/pids. */
  private killLeftovers(): void {
    const dir = join(this.varDir, 'pids');
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir)) {
      const pid = Number(readFileSync(join(dir, f), 'utf8'));
      try {
        // Only if it is still one of ours: a node or redis process started from this repository.
        if (/node|redis/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) process.kill(pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
  }

  /** Another process on one of our ports would silently stand in for a service under test (seen: a stale service). */
  private async assertPortsFree(): Promise<void> {
    const { createServer } = await import('node:net');
    const ports = [...SERVICES.map((s) => this.ports[s]), this.ports.smtp, this.ports.redis, this.ports.kafka, this.ports.kafkaController];
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const probe = createServer();
        probe.once('error', () => reject(new Error(`port ${port} of the ${this.name} stack is in use by another process; stop it first (ss -ltnp | grep ${port})`)));
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
      });
    }
  }

  private spawnLogged(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    if (this.pid(name)) throw new Error(`${name} already running`);
    let log = this.logs.get(name);
    if (!log) {
      log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
      this.logs.set(name, log);
    }
    const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => log!.write(d));
    child.stderr!.on('data', (d) => log!.write(d));
    child.on('exit', (code, signal) => log!.write(`\n[${this.name}] ${name} exited (${signal ?? code}) at ${new Date().toISOString()}\n`));
    this.processes.set(name, child);
    mkdirSync(join(this.varDir, 'pids'), { recursive: true });
    writeFileSync(join(this.varDir, 'pids', name), String(child.pid));
    return child;
  }

  private async terminate(name: string, signal: NodeJS.Signals): Promise<void> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (signal !== 'SIGKILL') process.kill(child.pid!, 'SIGCONT');
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(force);
  }
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime from /proc/<pid>/stat; the command name can hold spaces and parentheses, so fields count from its last ')'. */
export function processCpuSeconds(pid: number): number | undefined {
  return cpuSecondsOf(`/proc/${pid}/stat`);
}

/** One thread's CPU seconds (a process's main thread has tid = pid), undefined once it has exited. */
export function threadCpuSeconds(pid: number, tid: number): number | undefined {
  return cpuSecondsOf(`/proc/${pid}/task/${tid}/stat`);
}

function cpuSecondsOf(statPath: string): number | undefined {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined; // the process has exited
  }
}
