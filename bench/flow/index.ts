/**
 * Whole journeys per second against the running stack: N institutions (BENCH_FLOW_N, default 200; at most
 * BENCH_FLOW_CONCURRENCY in flight, default 16) each register (captcha + SMS code + logo), log in, get a quote, apply,
 * confirm, get the payment order; a finance user imports 北京银行 GBK statements holding their transfers (remark
 * `<名称>＋ 会费`); a journey completes when its e-invoice mail is in the SMTP catcher's directory. Measured: completed
 * journeys/s (wall clock), p50/p99 from the statement upload to the e-invoice mail, and the consumer lag of the
 * services' groups at the end (waited for to drain, up to 120 s).
 * Baseline in the same run: the same number of raw KafkaJS produce→consume round trips through the same broker
 * (same concurrency, one message in flight per lane).
 *
 *   BENCH_URL=http://127.0.0.1:3000 BENCH_FLOW_N=200 npm run bench -- flow
 *
 * Needs the stack (`npm start`) with the gateway started with TRUSTED_PROXIES=127.0.0.1 so each simulated institution
 * has its own client address (otherwise the per-IP captcha/SMS/login limits allow a handful of journeys per minute),
 * and finance staff `bench_finance` (created here with the identity CLI if missing). Captcha answers are read from
 * Redis exactly as bench/login does (a person reads the image). SMS login is not part of the measured journey: the
 * same phone may only get a second code 60 s after the first.
 * Last line: {"bench":"flow","ours":journeys/s,"baseline":roundtrips/s,"unit":"journeys/s","ratio",…}.
 */
import { spawnSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { simpleParser } from 'mailparser';
import sharp from 'sharp';
import { percentile, report, round } from '../common';

const BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:3000';
const N = Number(process.env.BENCH_FLOW_N ?? 200);
const CONCURRENCY = Number(process.env.BENCH_FLOW_CONCURRENCY ?? 16);
const VAR = process.env.LSC_VAR_DIR ?? '.var';
const MAIL_DIR = process.env.BENCH_MAIL_DIR ?? join(VAR, 'mail');
const SMS_OUTBOX = join(process.env.SMS_OUTBOX_DIR ?? join(VAR, 'sms'), 'sms-outbox.jsonl');
const PREFIX = process.env.REDIS_KEY_PREFIX ?? 'identity:';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const GROUPS = ['identity', 'membership', 'billing', 'notification'];
const FINANCE = { username: 'bench_finance', password: 'Bench#Fin2026', roles: 'finance' };
const RUN = randomUUID().replace(/-/g, '').slice(0, 8);
const DOMAIN = `flow${RUN}.bench-lsc.cn`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const CJK = '安北长东方华嘉金锦康蓝丽明南宁平青瑞山盛泰天文祥新兴阳远云正志中卓';

async function call(method: string, path: string, o: { json?: unknown; form?: FormData; token?: string; ip?: string } = {}): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (o.json !== undefined) headers['content-type'] = 'application/json';
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.ip) headers['x-forwarded-for'] = o.ip;
  const res = await fetch(`${BASE}${path}`, { method, headers, body: o.json !== undefined ? JSON.stringify(o.json) : o.form, signal: AbortSignal.timeout(180_000) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}
function must(r: { status: number; json: any }, status: number, what: string): any {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
  return r.json;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 300_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(500);
  }
}

async function captcha(ip: string): Promise<{ captchaId: string; captchaAnswer: string }> {
  const id = String(must(await call('GET', '/api/v1/identity/captcha', { ip }), 200, 'captcha').captchaId);
  const raw = await redis.get(`${PREFIX}captcha:${id}`);
  if (!raw) throw new Error('captcha answer not in Redis (REDIS_KEY_PREFIX?)');
  return { captchaId: id, captchaAnswer: String(JSON.parse(raw).answer) };
}

async function smsCode(mobile: string, ip: string): Promise<string> {
  must(await call('POST', '/api/v1/identity/sms-codes', { json: { mobile, purpose: 'register', ...(await captcha(ip)) }, ip }), 202, 'sms-codes');
  return until(async () => {
    const lines = readFileSync(SMS_OUTBOX, 'utf8').trim().split('\n');
    for (let i = lines.length - 1; i >= 0 && i >= lines.length - 5000; i--) {
      const m = JSON.parse(lines[i]!) as { phone: string; purpose: string; code: string };
      if (m.phone === mobile && m.purpose === 'register') return m.code;
    }
    return undefined;
  }, `SMS to ${mobile}`, 30_000);
}

interface Journey {
  i: number;
  name: string;
  email: string;
  orderId?: string;
  importedAt?: number;
  invoicedAt?: number;
  error?: string;
}

let logo: Buffer;
async function onboard(j: Journey): Promise<void> {
  const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  const mobile = `1${randomInt(3, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
  const password = `Flow#${RUN.slice(0, 5)}${j.i}`;
  const code = await smsCode(mobile, ip);
  const form = new FormData();
  const fields: Record<string, string> = {
    password, confirmPassword: password, landline: '010-88544588', email: j.email, name: j.name, recommendingUnit: '中国图书馆学会',
    provinceCode: '110000', cityCode: '110100', districtCode: '110108', street: '中关村南大街5号', postcode: '100081', loginName: `f${RUN}_${j.i}`,
    mobile, smsCode: code, agreementAccepted: 'true', ...(await captcha(ip)),
  };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('logo', new Blob([logo], { type: 'image/png' }), 'logo.png');
  must(await call('POST', '/api/v1/identity/institutions', { form, ip }), 201, 'register');
  const token = must(await call('POST', '/api/v1/identity/sessions', { json: { login: `f${RUN}_${j.i}`, password, ...(await captcha(ip)) }, ip }), 200, 'login').accessToken as string;
  const q = must(await call('GET', '/api/v1/billing/quotes?qualificationCode=enterprise&staffTierCode=1-30&years=3', { token }), 200, 'quote');
  const app = await until(async () => {
    const r = await call('POST', '/api/v1/membership/applications', { token, json: { kind: 'new', qualificationCode: 'enterprise', qualificationName: '企业会员', staffTierCode: '1-30', staffTierName: '1-30人', years: 3, organisationType: '企业单位', quote: { feePerYearFen: q.feePerYearFen, amountDueFen: q.amountDueFen, scheduleVersion: q.scheduleVersion } } });
    return r.status === 201 ? r.json : undefined;
  }, 'application');
  must(await call('POST', `/api/v1/membership/applications/${app.applicationId}/confirmation`, { token, json: { recipient: '张明远', mobile, region: { provinceCode: '110000', cityCode: '110100', districtCode: '110108' }, street: '中关村南大街5号', postcode: '100081', invoiceTitle: j.name, creditCode: '91350100M000100Y43' } }), 200, 'confirm');
  j.orderId = await until(async () => (await call('GET', '/api/v1/billing/orders', { token })).json?.items?.[0]?.orderId as string | undefined, 'payment order');
}

function statement(rows: Journey[], batch: number): Buffer {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const lines = [
    '北京银行对公账户交易明细', '账号：20000006591600105310002', '户名：中国图书馆学会', '开户行：北京银行白石桥支行', `查询期间：${today} 至 ${today}`, '',
    '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言',
    `${today},08:00:00,FLOW${RUN}B${batch}X,转账,,"3,200.00",,6222000011112222,某某出版社,中国银行北京分行,图书款`,
    ...rows.map((j) => `${today},09:00:00,FLOW${RUN}N${j.i},转账,,"18,000.00",,="62220202${String(j.i).padStart(11, '0')}",${j.name},中国工商银行北京分行,${j.name}＋ 会费`),
  ];
  return iconv.encode(lines.join('\r\n'), 'gbk');
}

async function financeToken(): Promise<string> {
  const r = spawnSync(process.execPath, ['dist/apps/identity/main.js', 'create-staff', FINANCE.username, FINANCE.password, FINANCE.roles], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  if (r.status !== 0 && !/already taken/.test(`${r.stdout}${r.stderr}`)) throw new Error(`create-staff: ${r.stderr}`);
  const ip = '10.255.0.1';
  return must(await call('POST', '/api/v1/identity/sessions', { json: { login: FINANCE.username, password: FINANCE.password, ...(await captcha(ip)) }, ip }), 200, 'finance login').accessToken;
}

/** Watches the catcher's directory for the e-invoice mails of this run. */
function mailWatcher(byEmail: Map<string, Journey>, since: number): { stop: () => void } {
  const seen = new Set<string>();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      for (const f of readdirSync(MAIL_DIR)) {
        if (seen.has(f) || !f.endsWith('.eml')) continue;
        seen.add(f);
        const path = join(MAIL_DIR, f);
        if (statSync(path).mtimeMs < since) continue;
        const raw = readFileSync(path);
        if (!raw.includes(DOMAIN)) continue;
        const mail = await simpleParser(raw);
        if (!/电子发票/.test(mail.subject ?? '')) continue;
        const to = [mail.to].flat().flatMap((t) => (t ? t.value : [])).map((v) => v.address ?? '');
        for (const a of to) {
          const j = byEmail.get(a);
          if (j && !j.invoicedAt && mail.attachments.length >= 2) j.invoicedAt = statSync(path).mtimeMs;
        }
      }
      await sleep(500);
    }
  })();
  return { stop: () => void (stopped = true) };
}

async function groupLag(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    for (const groupId of GROUPS) {
      const offsets = await admin.fetchOffsets({ groupId });
      for (const t of offsets) {
        const ends = await admin.fetchTopicOffsets(t.topic);
        for (const p of t.partitions) {
          const end = Number(ends.find((e) => e.partition === p.partition)?.offset ?? 0);
          const at = Number(p.offset);
          lag += at < 0 ? 0 : Math.max(0, end - at);
        }
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

async function kafkaBaseline(kafka: Kafka, n: number): Promise<number> {
  const topic = `bench_flow_rt_${RUN}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `bench_flow_${RUN}` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  const waiting = new Map<string, () => void>();
  await consumer.run({ eachMessage: async ({ message }) => waiting.get(String(message.key))?.() });
  await sleep(3000); // let the group settle before timing
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const key = String(next++);
        const got = new Promise<void>((r) => waiting.set(key, r));
        await producer.send({ topic, messages: [{ key, value: JSON.stringify({ key, at: Date.now(), pad: 'x'.repeat(512) }) }] });
        await got;
        waiting.delete(key);
      }
    }),
  );
  const perSecond = n / ((performance.now() - t0) / 1000);
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  return perSecond;
}

async function main(): Promise<void> {
  logo = await sharp({ create: { width: 164, height: 78, channels: 3, background: '#a31d24' } }).png().toBuffer();
  const kafka = new Kafka({ clientId: 'bench-flow', brokers: BROKERS, logLevel: logLevel.NOTHING });
  const finance = await financeToken();
  const journeys: Journey[] = Array.from({ length: N }, (_, i) => ({ i, name: `${Array.from({ length: 6 }, () => CJK[randomInt(CJK.length)]).join('')}${i}号科技有限公司`, email: `j${i}@${DOMAIN}` }));
  const byEmail = new Map(journeys.map((j) => [j.email, j]));
  const started = Date.now();
  const watcher = mailWatcher(byEmail, started - 1000);

  // Finance imports whatever orders are ready every few seconds, like a clerk working through the day's statements.
  const ready: Journey[] = [];
  let onboardingDone = false;
  let batch = 0;
  const importer = (async () => {
    while (!onboardingDone || ready.length > 0) {
      if (ready.length === 0) {
        await sleep(2000);
        continue;
      }
      const rows = ready.splice(0, ready.length);
      const form = new FormData();
      form.append('profile', 'bank-of-beijing');
      form.append('file', new Blob([statement(rows, batch)], { type: 'text/csv' }), `flow-${RUN}-${batch++}.csv`);
      const at = Date.now();
      const r = await call('POST', '/api/v1/billing/statements', { form, token: finance });
      if (r.status !== 201) for (const j of rows) j.error = `statement import ${r.status}: ${JSON.stringify(r.json).slice(0, 200)}`;
      else for (const j of rows) j.importedAt = at;
      await sleep(2000);
    }
  })();

  let cursor = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (cursor < journeys.length) {
        const j = journeys[cursor++]!;
        try {
          await onboard(j);
          ready.push(j);
        } catch (err) {
          j.error = String((err as Error).message ?? err);
        }
      }
    }),
  );
  onboardingDone = true;
  await importer;
  const deadline = Date.now() + Number(process.env.BENCH_FLOW_MAIL_TIMEOUT_S ?? 600) * 1000;
  while (Date.now() < deadline && journeys.some((j) => j.importedAt && !j.invoicedAt)) await sleep(1000);
  watcher.stop();
  const completed = journeys.filter((j) => j.invoicedAt);
  const lastDone = Math.max(...completed.map((j) => j.invoicedAt!), started + 1);
  const journeysPerSecond = completed.length / ((lastDone - started) / 1000);
  const latencies = completed.map((j) => j.invoicedAt! - j.importedAt!).sort((a, b) => a - b);
  const errors = journeys.filter((j) => j.error).map((j) => j.error!);
  if (errors.length) console.log(`${errors.length} journeys failed; first: ${errors.slice(0, 3).join(' | ')}`);

  let lag = await groupLag(kafka);
  const lagDeadline = Date.now() + 120_000;
  while (lag > 0 && Date.now() < lagDeadline) {
    await sleep(2000);
    lag = await groupLag(kafka);
  }
  const baseline = await kafkaBaseline(kafka, N);
  await redis.quit();
  console.log(`flow: ${completed.length}/${N} journeys in ${((lastDone - started) / 1000).toFixed(1)} s, ${batch} statements; import→e-invoice mail p50 ${percentile(latencies, 50)} ms p99 ${percentile(latencies, 99)} ms; lag at end ${lag}`);
  report({
    bench: 'flow',
    ours: journeysPerSecond,
    baseline,
    unit: 'journeys/s',
    p50_import_to_mail_ms: round(percentile(latencies, 50), 0),
    p99_import_to_mail_ms: round(percentile(latencies, 99), 0),
    completed: completed.length,
    lag_end: lag,
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
