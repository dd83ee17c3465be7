/**
 * Password logins per second through HTTP (16 concurrent clients, 60 s by default) against a running identity service
 * (or the gateway), compared with raw argon2id verifications per second on this machine in the same run.
 *
 *   BENCH_URL=http://127.0.0.1:3001 BENCH_DURATION_S=60 BENCH_CONCURRENCY=16 npm run bench -- login
 *
 * Captchas are single-use, so each login first fetches one; the bench reads its answer from Redis (key
 * `${REDIS_KEY_PREFIX}captcha:<id>`, JSON {answer}) exactly as a person would read the image. No bypass flag exists
 * in the service. The account is registered by the bench itself (SMS code read from SMS_OUTBOX_DIR, the local
 * sender's outbox), and each client uses its own X-Forwarded-For address so the per-IP throttle is not what is measured.
 * The timed request is the POST /sessions only; fetching the captcha is outside the timing.
 * Last line of output: {"bench":"login","ours":n,"baseline":n,"unit":"logins/s","ratio":n,"p99_ms":n}.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import Redis from 'ioredis';

const BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:3001';
const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? 60) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PREFIX = process.env.REDIS_KEY_PREFIX ?? 'identity:';
const SMS_OUTBOX = join(process.env.SMS_OUTBOX_DIR ?? '.var/sms', 'sms-outbox.jsonl');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const PASSWORD = 'Bench#2024pass';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${BASE}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

async function captcha(): Promise<{ captchaId: string; captchaAnswer: string }> {
  const { json } = await call('GET', '/api/v1/identity/captcha');
  const raw = await redis.get(`${PREFIX}captcha:${String(json.captchaId)}`);
  if (!raw) throw new Error('captcha answer not found in Redis: set REDIS_KEY_PREFIX to the service’s prefix');
  return { captchaId: String(json.captchaId), captchaAnswer: String((JSON.parse(raw) as { answer: number }).answer) };
}

async function registerAccount(): Promise<string> {
  const tag = Date.now().toString(36);
  const mobile = `139${String(Date.now()).slice(-8)}`;
  const ip = `10.9.${Date.now() % 250}.1`;
  const sent = await call('POST', '/api/v1/identity/sms-codes', { mobile, purpose: 'register', ...(await captcha()) }, { 'x-forwarded-for': ip });
  if (sent.status !== 202) throw new Error(`sms-codes: ${sent.status} ${JSON.stringify(sent.json)}`);
  const lines = (await readFile(SMS_OUTBOX, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { phone: string; purpose: string; code: string });
  const smsCode = lines.filter((l) => l.phone === mobile && l.purpose === 'register').pop()!.code;
  const loginName = `bench_${tag}`;
  const res = await call('POST', '/api/v1/identity/institutions', {
    password: PASSWORD, confirmPassword: PASSWORD, landline: '010-88544588', email: `b${tag}@bench.cn`, name: `压测图书馆${tag}`, recommendingUnit: '中国图书馆学会',
    provinceCode: '110000', cityCode: '110100', districtCode: '110101', street: '文津街7号', postcode: '100034', mobile, smsCode, agreementAccepted: 'true', loginName, ...(await captcha()),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.json)}`);
  return loginName;
}

async function baseline(ms: number): Promise<number> {
  const encoded = await hash(PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  let done = 0;
  const end = Date.now() + ms;
  // Same concurrency as the HTTP clients: libuv's pool (4 threads by default) runs them on both cores.
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (Date.now() < end) { await verify(encoded, PASSWORD); done++; } }));
  return done / (ms / 1000);
}

async function main(): Promise<void> {
  const loginName = await registerAccount();
  const latencies: number[] = [];
  let failures = 0;
  const started = Date.now();
  const end = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      while (Date.now() < end) {
        const c = await captcha();
        const t0 = performance.now();
        const res = await call('POST', '/api/v1/identity/sessions', { login: loginName, password: PASSWORD, ...c }, { 'x-forwarded-for': `10.8.${i}.1` });
        const t = performance.now() - t0;
        if (res.status === 200) latencies.push(t);
        else failures++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const ours = latencies.length / elapsed;
  const base = await baseline(Math.min(DURATION_MS, 20_000));
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
  console.log(`logins ok=${latencies.length} failed=${failures} in ${elapsed.toFixed(1)} s; argon2 baseline measured for ${Math.min(DURATION_MS, 20_000) / 1000} s`);
  await redis.quit();
  console.log(JSON.stringify({ bench: 'login', ours: round(ours), baseline: round(base), unit: 'logins/s', ratio: round(ours / base, 3), p99_ms: round(p99) }));
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
