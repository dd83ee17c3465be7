/**
 * Password logins per second through the gateway (16 concurrent clients, 60 s by default), compared with raw argon2id
 * verifications per second on this machine in the same run.
 *
 * The baseline is the machine's best raw rate: verifications with one libuv thread per core (a forked process,
 * raw-argon2.ts) and with identity's own pool size (this process), and the faster of the two. Both are printed.
 * Measured at identity's pool size alone (4 threads per core), the verifications evict each other from the caches:
 * that figure is about a quarter below the machine's raw rate, and a ratio against it flatters the service.
 *
 *   npm run bench -- login                                   # its own disposable stack, measured through its gateway
 *   BENCH_URL=http://127.0.0.1:3001 npm run bench -- login   # an already running identity service (or gateway) instead
 *
 * Without BENCH_URL the bench starts a whole system of its own (DisposableStack from @lsc/testing: a PostgreSQL
 * cluster lsc_login, Redis, a Kafka broker, SMTP catcher and all five services on their own ports), as a deployment on
 * this machine would run it: the other services idle beside identity and the gateway, and every login passes the
 * gateway (rate limits, security headers, proxying). That gateway trusts loopback as its proxy, so each client's
 * X-Forwarded-For address counts; a running gateway given as BENCH_URL needs TRUSTED_PROXIES=127.0.0.1 for the same.
 *
 * Captchas are single-use, so each login first fetches one; the bench reads its answer from Redis (key
 * `${REDIS_KEY_PREFIX}captcha:<id>`, JSON {answer}) exactly as a person would read the image. No bypass flag exists
 * in the service. The account is registered by the bench itself (SMS code read from the local sender's outbox), and
 * each login comes from its own X-Forwarded-For address so per-IP limits are not what is measured.
 * The timed request is the POST /sessions only; fetching the captcha is outside the timing.
 * Last line of output: {"bench":"login","ours":n,"baseline":n,"unit":"logins/s","ratio":n,"p99_ms":n,"p50_ms":n,
 * "baseline_one_thread_per_core":n,"baseline_identity_pool":n,"identity_pool_threads":n,…,"via":s,"load_1m":[start,end]}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Algorithm, hash } from '@node-rs/argon2';
import Redis from 'ioredis';
import { DEVELOPMENT_CLIENT_IP_SECRET, signedClientIpHeaders } from '@lsc/service-kit';
import { DisposableStack, SERVICES, testPassword, threadCpuSeconds, type StackPorts } from '@lsc/testing';
import { cpuSince, cpuSnapshot, type CpuSnapshot } from '../common';
import { verifyFor } from './verify-loop';

const EXTERNAL_URL = process.env.BENCH_URL;
const PORTS: StackPorts = { gateway: 3240, identity: 3241, membership: 3242, billing: 3243, notification: 3244, smtp: 11027, postgres: 15434, redis: 16381, kafka: 19096, kafkaController: 19097 };
const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? 60) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PREFIX = process.env.REDIS_KEY_PREFIX ?? 'identity:';
// The baseline verifies on this process's libuv pool, sized by identity's own module (it sets UV_THREADPOOL_SIZE unless
// given), loaded before anything starts the pool. The stack's services inherit the environment, so both sides get as
// many argon2 threads. The bench is compiled alone; identity's compiled module lives in dist/apps/identity.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(__dirname, '..', '..', 'apps', 'identity', 'threadpool.js'));
// Set by main(): the running service named by BENCH_URL, or the disposable stack's gateway.
let redis: Redis;
let target: URL;
let smsOutbox: string;
// Made up per run (issue #25 item 11: no working credential in the repository).
const PASSWORD = testPassword();
/**
 * A simulated client address: X-Forwarded-For for a gateway that trusts loopback, and the signed address identity
 * believes when the bench calls it directly (CLIENT_IP_SECRET as the service runs with; the development default).
 */
const from = (ip: string): Record<string, string> => ({ 'x-forwarded-for': ip, ...signedClientIpHeaders(ip, process.env.CLIENT_IP_SECRET ?? DEVELOPMENT_CLIENT_IP_SECRET) });

// node:http with keep-alive rather than fetch: the clients share the 2 cores with the service, and fetch spends about
// twice the CPU per request (measured ~1.5 vs ~0.7 ms here), which the service would then not have for logins.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method,
        agent,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // not JSON: the status says enough
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function captcha(purpose: 'login' | 'register' | 'sms', ip?: string): Promise<{ captchaId: string; captchaAnswer: string }> {
  const { json } = await call('GET', `/api/v1/identity/captcha?purpose=${purpose}`, undefined, ip ? from(ip) : {});
  const raw = await redis.get(`${PREFIX}captcha:${String(json.captchaId)}`);
  if (!raw) throw new Error('captcha answer not found in Redis: set REDIS_KEY_PREFIX to the service’s prefix');
  return { captchaId: String(json.captchaId), captchaAnswer: String((JSON.parse(raw) as { answer: number }).answer) };
}

async function registerAccount(): Promise<string> {
  const tag = Date.now().toString(36);
  const mobile = `139${String(Date.now()).slice(-8)}`;
  const ip = `10.9.${Date.now() % 250}.1`;
  const sent = await call('POST', '/api/v1/identity/sms-codes', { mobile, purpose: 'register', ...(await captcha('sms')) }, from(ip));
  if (sent.status !== 202) throw new Error(`sms-codes: ${sent.status} ${JSON.stringify(sent.json)}`);
  const lines = (await readFile(smsOutbox, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { phone: string; purpose: string; code: string });
  const smsCode = lines.filter((l) => l.phone === mobile && l.purpose === 'register').pop()!.code;
  const loginName = `bench_${tag}`;
  const res = await call('POST', '/api/v1/identity/institutions', {
    password: PASSWORD, confirmPassword: PASSWORD, landline: '010-88544588', email: `b${tag}@bench.cn`, name: `压测图书馆${tag}`, recommendingUnit: '中国图书馆学会',
    provinceCode: '110000', cityCode: '110100', districtCode: '110101', street: '文津街7号', postcode: '100034', mobile, smsCode, agreementAccepted: 'true', loginName, ...(await captcha('register')),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.json)}`);
  return loginName;
}

/**
 * Raw argon2id verifications of the same hash at the same concurrency on this process's pool (identity's size);
 * returns how many finished and how long it took.
 */
function verifications(encoded: string, ms: number): Promise<{ done: number; seconds: number }> {
  // Same concurrency as the HTTP clients: libuv's pool runs them on the machine's cores.
  return verifyFor(encoded, PASSWORD, ms, CONCURRENCY);
}

/**
 * The same verifications in a forked process whose libuv pool has one thread per core. Twice as many are kept in
 * flight as there are threads, so a thread finds the next one queued as soon as it finishes one.
 */
class PerCoreArgon2 {
  private readonly cores = availableParallelism();
  private readonly child: ChildProcess = fork(join(__dirname, 'raw-argon2.js'), [], { env: { ...process.env, UV_THREADPOOL_SIZE: String(this.cores) } });

  verifications(encoded: string, ms: number): Promise<{ done: number; seconds: number }> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`raw-argon2 child exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (result: { done: number; seconds: number }) => {
        this.child.off('exit', onExit);
        resolve(result);
      });
      this.child.send({ encoded, password: PASSWORD, ms, concurrency: 2 * this.cores });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

let addresses = 0;
const nextAddress = (): string => {
  const n = addresses++;
  return `10.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`;
};

/** Password logins by CONCURRENCY clients for `ms`; only the POST /sessions is timed, the captcha fetch is not. */
async function logins(loginName: string, ms: number, latencies: number[]): Promise<{ done: number; failed: number; seconds: number }> {
  let done = 0;
  let failed = 0;
  const started = performance.now();
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        // Every login comes from its own address (as many institutions logging in would), so neither identity's nor,
        // with BENCH_URL at a gateway that trusts this host as its proxy, the gateway's per-IP limits are what is measured.
        const ip = nextAddress();
        const c = await captcha('login', ip);
        const t0 = performance.now();
        const res = await call('POST', '/api/v1/identity/sessions', { login: loginName, password: PASSWORD, ...c }, from(ip));
        const t = performance.now() - t0;
        if (res.status === 200) {
          latencies.push(t);
          done++;
        } else failed++;
      }
    }),
  );
  return { done, failed, seconds: (performance.now() - started) / 1000 };
}

/**
 * The machine is shared, so its load drifts during a run. Logins and the argon2 baseline are therefore measured in
 * alternating slices (baseline, logins, baseline, …, baseline) rather than one after the other, so that both
 * figures see the same conditions; each figure is its total count over its total time.
 */
async function main(): Promise<void> {
  let stack: DisposableStack | undefined;
  if (EXTERNAL_URL) {
    target = new URL(EXTERNAL_URL);
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    smsOutbox = join(process.env.SMS_OUTBOX_DIR ?? '.var/sms', 'sms-outbox.jsonl');
  } else {
    stack = new DisposableStack('login', PORTS);
    console.log('[login] starting a disposable stack (PostgreSQL cluster lsc_login, Redis, Kafka, SMTP, five services)');
    await stack.start();
    target = new URL(stack.baseUrl);
    redis = new Redis(stack.redisUrl);
    smsOutbox = join(stack.smsDir, 'sms-outbox.jsonl');
  }
  try {
    await measure(stack ? 'gateway (disposable stack)' : EXTERNAL_URL!, stack);
  } finally {
    await redis.quit();
    await stack?.stop();
  }
}

async function measure(via: string, stack?: DisposableStack): Promise<void> {
  const loginName = await registerAccount();
  // Other work on the machine moves both figures; the load average is kept with the result to read them by.
  const loadBefore = loadavg()[0]!;
  const encoded = await hash(PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const baselineMs = Math.min(DURATION_MS / 3, 20_000);
  const slices = Math.max(1, Math.round(DURATION_MS / 10_000));
  const latencies: number[] = [];
  const ours = { done: 0, failed: 0, seconds: 0, clientCpuMs: 0 };
  const perCore = { done: 0, seconds: 0 };
  const servicePool = { done: 0, seconds: 0 };
  const perCoreArgon2 = new PerCoreArgon2();
  const add = (into: { done: number; seconds: number }, r: { done: number; seconds: number }) => {
    into.done += r.done;
    into.seconds += r.seconds;
  };
  // Each baseline slice is shared by the two pool sizes, in alternating order so that neither always goes first.
  let baselineSlice = 0;
  const addBaseline = async (ms: number) => {
    const runs = [async () => add(perCore, await perCoreArgon2.verifications(encoded, ms / 2)), async () => add(servicePool, await verifications(encoded, ms / 2))];
    if (baselineSlice++ % 2 === 1) runs.reverse();
    for (const r of runs) await r();
  };
  await addBaseline(baselineMs / (slices + 1));
  const cpuSeconds: Record<string, number> = {};
  for (let i = 0; i < slices; i++) {
    const cpuBefore = process.cpuUsage();
    const ledgerBefore = stack && ledger(stack);
    const r = await logins(loginName, DURATION_MS / slices, latencies);
    if (stack && ledgerBefore) for (const [k, v] of Object.entries(cpuSince(ledgerBefore, ledger(stack)).seconds)) cpuSeconds[k] = (cpuSeconds[k] ?? 0) + v;
    const cpu = process.cpuUsage(cpuBefore);
    ours.clientCpuMs += (cpu.user + cpu.system) / 1000;
    ours.done += r.done;
    ours.failed += r.failed;
    ours.seconds += r.seconds;
    await addBaseline(baselineMs / (slices + 1));
  }
  perCoreArgon2.stop();
  latencies.sort((a, b) => a - b);
  const p = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
  console.log(
    `logins ok=${ours.done} failed=${ours.failed} in ${ours.seconds.toFixed(1)} s (p50 ${p(0.5).toFixed(0)} ms, p99 ${p(0.99).toFixed(0)} ms); ` +
      `argon2 baseline ${perCore.done} verifications in ${perCore.seconds.toFixed(1)} s with one thread per core, ${servicePool.done} in ${servicePool.seconds.toFixed(1)} s ` +
      `with identity's pool (${process.env.UV_THREADPOOL_SIZE} threads), in ${slices + 1} slices around the login slices`,
  );
  // The usual cause: a gateway given as BENCH_URL that does not trust this host as its proxy applies per-IP limits.
  if (ours.failed > 0) console.log(`[login] ${ours.failed} logins were refused (a gateway as BENCH_URL needs TRUSTED_PROXIES=127.0.0.1)`);
  const attempts = Math.max(1, ours.done + ours.failed);
  // identity's main thread apart from its other threads (argon2 runs on libuv's pool; V8's GC helpers are there too).
  if (cpuSeconds.identity !== undefined && cpuSeconds.identity_main !== undefined) cpuSeconds.identity = cpuSeconds.identity - cpuSeconds.identity_main;
  const cpuPerLogin = Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k === 'identity' ? 'identity_threads' : k, round((v * 1000) / attempts, 2)]));
  if (stack) console.log(`[login] CPU ms per login during the login slices: ${JSON.stringify(cpuPerLogin)}`);
  const oursRate = ours.done / ours.seconds;
  const perCoreRate = perCore.done / perCore.seconds;
  const servicePoolRate = servicePool.done / servicePool.seconds;
  const baseRate = Math.max(perCoreRate, servicePoolRate);
  console.log(
    JSON.stringify({
      bench: 'login',
      ours: round(oursRate),
      baseline: round(baseRate),
      unit: 'logins/s',
      ratio: round(oursRate / baseRate, 3),
      p99_ms: round(p(0.99)),
      p50_ms: round(p(0.5)),
      baseline_one_thread_per_core: round(perCoreRate),
      baseline_identity_pool: round(servicePoolRate),
      identity_pool_threads: Number(process.env.UV_THREADPOOL_SIZE),
      // This process's own CPU per login (captcha fetch, Redis read, HTTP): it shares the cores with the service.
      client_cpu_ms_per_login: round(ours.clientCpuMs / attempts, 2),
      ...(stack ? { cpu_ms_per_login: cpuPerLogin } : {}),
      via,
      load_1m: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
    }),
  );
}

/** The stack's processes, identity's main thread on its own (tid = pid), and this process. */
function ledger(stack: DisposableStack): CpuSnapshot {
  const identity = stack.pid('identity');
  return cpuSnapshot(stack, [...SERVICES, 'kafka'], { identity_main: () => (identity ? threadCpuSeconds(identity, identity) ?? 0 : 0) });
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
