/**
 * `npm run bench -- flow`: whole onboarding journeys per second. The bench starts its own copy of the system
 * (DisposableStack from @lsc/testing: PostgreSQL cluster lsc_flow, Redis, Kafka broker, SMTP catcher and the five
 * services on their own ports), then N institutions (BENCH_FLOW_N, default 200; at most BENCH_FLOW_CONCURRENCY in
 * flight, default 16) each register (captcha + SMS code + logo), log in, get a quote, apply, confirm with the mailing
 * address and see their payment order — the patient user of the chaos suite, through the gateway only. A finance clerk
 * imports 北京银行 GBK statements holding their transfers (remark `<名称>＋ 会费`) every few seconds; a journey is
 * complete when its e-invoice mail (PDF + XML) is in the SMTP catcher's directory.
 *
 * Measured: completed journeys/s (wall clock, first arrival to last e-invoice), p50/p99 from the statement upload to
 * the e-invoice mail, peak RSS (VmHWM) per service, consumer lag of the services' groups at the end (must drain to 0).
 * Baseline in the same run, same broker: N raw KafkaJS produce→consume round trips at the same concurrency, i.e. the
 * transport's own limit for N sequential hops per lane. Last line: {"bench":"flow","ours","baseline","unit","ratio",…}.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import sharp from 'sharp';
import { DisposableStack, PatientUser, SERVICES, journeyStatement, testPassword, type JourneyRecord, type StackPorts } from '@lsc/testing';
import { cpuSince, cpuSnapshot, gaugesMs, histogramSummary, percentile, report, round } from '../common';

const N = Number(process.env.BENCH_FLOW_N ?? 200);
const CONCURRENCY = Number(process.env.BENCH_FLOW_CONCURRENCY ?? 16);
const PORTS: StackPorts = { gateway: 3220, identity: 3221, membership: 3222, billing: 3223, notification: 3224, smtp: 11026, postgres: 15433, redis: 16380, kafka: 19094, kafkaController: 19095 };
const TOPICS = ['identity.events.v1', 'membership.events.v1', 'billing.events.v1'];
const GROUPS = ['identity', 'membership', 'billing', 'notification'];
const FINANCE = { username: 'bench_finance', password: testPassword() };
const RUN = randomUUID().replace(/\D/g, '').slice(0, 6).padEnd(6, '3');
const DOMAIN = `flow${RUN}.bench-lsc.cn`;
const CPU_OWNERS = [...SERVICES, 'kafka'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Journey extends JourneyRecord {
  importedAt?: number;
  invoicedAt?: number;
}

/** Watches the catcher's directory for this run's e-invoice mails (with both attachments). */
function mailWatcher(dir: string, byEmail: Map<string, Journey>): { stop: () => void } {
  const seen = new Set<string>();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      for (const f of readdirSync(dir)) {
        if (seen.has(f) || !f.endsWith('.eml')) continue;
        seen.add(f);
        const path = join(dir, f);
        const raw = readFileSync(path);
        if (!raw.includes(DOMAIN)) continue;
        const mail = await simpleParser(raw);
        if (!/电子发票/.test(mail.subject ?? '') || mail.attachments.length < 2) continue;
        for (const to of [mail.to].flat().flatMap((t) => (t ? t.value : []))) {
          const j = byEmail.get(to.address ?? '');
          if (j && !j.invoicedAt) j.invoicedAt = statSync(path).mtimeMs;
        }
      }
      await sleep(250);
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
      for (const t of await admin.fetchOffsets({ groupId, topics: TOPICS })) {
        if (t.partitions.every((p) => Number(p.offset) < 0)) continue; // a topic this group does not consume
        const ends = await admin.fetchTopicOffsets(t.topic);
        for (const p of t.partitions) {
          const end = ends.find((e) => e.partition === p.partition);
          lag += Math.max(0, Number(end?.high ?? 0) - (Number(p.offset) < 0 ? Number(end?.low ?? 0) : Number(p.offset)));
        }
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** N produce→consume round trips, CONCURRENCY lanes with one message in flight each, acks=all, same broker. */
async function kafkaBaseline(kafka: Kafka, n: number): Promise<number> {
  const topic = `bench_flow_rt_${RUN}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `bench_flow_${RUN}`, maxWaitTimeInMs: 100 });
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
        await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify({ key, at: Date.now(), pad: 'x'.repeat(512) }) }] });
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

/** When each stage of a journey's import→mail path committed, read back from the services' databases. */
interface Stages {
  paidAt: number;
  invoicedAt: number;
  queuedAt: number;
  sentAt: number;
}

async function query<R extends object>(url: string, sql: string, params: unknown[]): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Where the time from statement upload to e-invoice mail goes, hop by hop, so a long tail can be explained: the import
 * (order paid: the import's commit), billing's invoice (outbox → Kafka → billing's own consumer → PDF), notification's
 * delivery row (outbox → Kafka → notification's consumer), the send (mail worker → SMTP 250 → row marked sent). The
 * catcher stores a mail before it answers 250, so its file is a few ms older than `sent_at`: no hop after the send.
 * Database times are transaction or row timestamps on this machine's clock, the same clock as the bench's.
 */
async function hops(stack: DisposableStack, completed: Journey[]): Promise<{ hops: Record<string, { p50_ms: number; p99_ms: number; max_ms: number }>; slowest?: Record<string, number> }> {
  const orders = completed.map((j) => j.orderId!).filter(Boolean);
  const institutions = completed.map((j) => j.institutionId!).filter(Boolean);
  const [paid, invoiced, mailed] = await Promise.all([
    query<{ order_id: string; at: Date }>(stack.dbUrl('billing'), `select substr(stream_id, 15) as order_id, created_at as at from es_events where event_type = 'PaymentOrderPaid' and stream_id = any($1::text[])`, [orders.map((o) => `payment-order-${o}`)]),
    query<{ order_id: string; at: Date }>(stack.dbUrl('billing'), `select order_id::text, issued_at as at from billing_invoices where order_id = any($1::uuid[])`, [orders]),
    query<{ institution_id: string; queued: Date; sent: Date | null }>(
      stack.dbUrl('notification'),
      `select institution_id::text, created_at as queued, sent_at as sent from notification_deliveries where template = 'invoice-issued' and institution_id = any($1::uuid[])`,
      [institutions],
    ),
  ]);
  const byOrder = (rows: Array<{ order_id: string; at: Date }>) => new Map(rows.map((r) => [r.order_id, r.at.getTime()]));
  const paidAt = byOrder(paid);
  const invoicedAt = byOrder(invoiced);
  const mailRows = new Map(mailed.map((r) => [r.institution_id, r]));
  const names = ['import_to_paid', 'paid_to_invoice', 'invoice_to_queued', 'queued_to_sent'] as const;
  const spans: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  let slowest: { total: number; parts: Record<string, number> } | undefined;
  for (const j of completed) {
    const mail = mailRows.get(j.institutionId!);
    const t: Partial<Stages> = { paidAt: paidAt.get(j.orderId!), invoicedAt: invoicedAt.get(j.orderId!), queuedAt: mail?.queued.getTime(), sentAt: mail?.sent?.getTime() };
    if (t.paidAt === undefined || t.invoicedAt === undefined || t.queuedAt === undefined || t.sentAt === undefined) continue;
    const parts = { import_to_paid: t.paidAt - j.importedAt!, paid_to_invoice: t.invoicedAt - t.paidAt, invoice_to_queued: t.queuedAt - t.invoicedAt, queued_to_sent: t.sentAt - t.queuedAt };
    for (const n of names) spans[n]!.push(parts[n]);
    const total = j.invoicedAt! - j.importedAt!;
    if (!slowest || total > slowest.total) slowest = { total, parts };
  }
  const out: Record<string, { p50_ms: number; p99_ms: number; max_ms: number }> = {};
  for (const n of names) {
    const sorted = spans[n]!.sort((a, b) => a - b);
    out[n] = { p50_ms: round(percentile(sorted, 50), 0), p99_ms: round(percentile(sorted, 99), 0), max_ms: round(sorted[sorted.length - 1] ?? 0, 0) };
  }
  return { hops: out, slowest: slowest && { total_ms: round(slowest.total, 0), ...Object.fromEntries(Object.entries(slowest.parts).map(([k, v]) => [k, round(v, 0)])) } };
}

async function main(): Promise<void> {
  const stack = new DisposableStack('flow', PORTS);
  console.log('[flow] starting a disposable stack (PostgreSQL cluster lsc_flow, Redis, Kafka, SMTP, five services)');
  await stack.start();
  stack.createStaff(FINANCE.username, FINANCE.password, ['finance']);
  const user = new PatientUser({ baseUrl: stack.baseUrl, redisUrl: stack.redisUrl, smsDir: stack.smsDir });
  const kafka = new Kafka({ clientId: 'bench-flow', brokers: [stack.kafkaBrokers], logLevel: logLevel.NOTHING });
  try {
    const logo = await sharp({ create: { width: 164, height: 78, channels: 3, background: '#a31d24' } }).png().toBuffer();
    const journeys: Journey[] = Array.from({ length: N }, (_, i) => PatientUser.newInstitution(i, RUN, DOMAIN));
    const byEmail = new Map(journeys.map((j) => [j.email, j]));
    const watcher = mailWatcher(stack.mailDir, byEmail);
    const ip = '10.253.0.1';
    const finance = await user.patiently('finance login', async () => {
      const r = await user.call('POST', '/api/v1/identity/sessions', { json: { login: FINANCE.username, password: FINANCE.password, ...(await user.captcha(ip, 'login')) }, ip });
      if (r.status !== 200) throw new Error(`finance login ${r.status} ${r.text.slice(0, 200)}`);
      return r.json.accessToken as string;
    });

    const cpuAtStart = cpuSnapshot(stack, CPU_OWNERS);
    const started = Date.now();
    const ready: Journey[] = [];
    let onboardingDone = false;
    let batches = 0;
    // The clerk imports whatever transfers have arrived, every 2 s, like working through the day's statements.
    const importer = (async () => {
      while (!onboardingDone || ready.length > 0) {
        if (ready.length === 0) {
          await sleep(500);
          continue;
        }
        const rows = ready.splice(0, ready.length);
        const file = journeyStatement(`FL${RUN}`, batches, rows);
        const name = `flow-${RUN}-${batches++}.csv`;
        const at = Date.now();
        await user.patiently('statement import', async () => {
          const form = new FormData();
          form.append('profile', 'bank-of-beijing');
          form.append('file', new Blob([file], { type: 'text/csv' }), name);
          const r = await user.call('POST', '/api/v1/billing/statements', { form, token: finance });
          // 202: queued for billing's background import; the journeys' mails show when it is done.
          if (r.status !== 202) throw new Error(`statement import ${r.status} ${r.text.slice(0, 300)}`);
        });
        for (const j of rows) j.importedAt = at;
        await sleep(2000);
      }
    })();

    let cursor = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (cursor < journeys.length) {
          const j = journeys[cursor++]!;
          try {
            await user.onboard(j, logo);
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
    while (Date.now() < deadline && journeys.some((j) => j.importedAt && !j.invoicedAt)) await sleep(500);
    watcher.stop();

    const cpuUsed = cpuSince(cpuAtStart, cpuSnapshot(stack, CPU_OWNERS));
    const completed = journeys.filter((j) => j.invoicedAt);
    const lastDone = Math.max(...completed.map((j) => j.invoicedAt!), started + 1);
    const journeysPerSecond = completed.length / ((lastDone - started) / 1000);
    const latencies = completed.map((j) => j.invoicedAt! - j.importedAt!).sort((a, b) => a - b);
    const failed = journeys.filter((j) => j.error);
    if (failed.length) console.log(`[flow] ${failed.length} journeys failed; first: ${failed.slice(0, 3).map((j) => j.error).join(' | ')}`);
    const rss = Object.fromEntries(SERVICES.map((s) => [s, stack.peakRssMiB(s) ?? null]));
    const importToMail = await hops(stack, completed);
    console.log(`[flow] import→mail hop by hop: ${JSON.stringify(importToMail.hops)}; slowest journey: ${JSON.stringify(importToMail.slowest)}`);

    let lag = await groupLag(kafka);
    const lagDeadline = Date.now() + 120_000;
    while (lag > 0 && Date.now() < lagDeadline) {
      await sleep(1000);
      lag = await groupLag(kafka);
    }
    // The duplicate-mail exposure: a crash between the SMTP server's 250 and the `sent` commit re-sends that mail.
    const notificationMetrics = await (await fetch(`http://127.0.0.1:${PORTS.notification}/metrics`)).text();
    const mailRecordWindow = { ...histogramSummary(notificationMetrics, 'lsc_mail_record_delay_seconds'), notification_loop_lag: gaugesMs(notificationMetrics, /^nodejs_eventloop_lag_(mean|p99|max)_seconds/) };
    const baseline = await kafkaBaseline(kafka, N);
    const perJourney = Object.fromEntries(Object.entries(cpuUsed.seconds).map(([k, v]) => [k, round((v * 1000) / Math.max(1, completed.length), 1)]));
    console.log(`[flow] CPU ms per completed journey: ${JSON.stringify(perJourney)}; machine busy ${round(cpuUsed.busyShare * 100, 0)}% of ${cpus().length} cores`);
    console.log(`[flow] ${completed.length}/${N} journeys in ${((lastDone - started) / 1000).toFixed(1)} s (${batches} statements); import→e-invoice mail p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms; peak RSS MiB ${JSON.stringify(rss)}; lag at end ${lag}`);
    report({
      bench: 'flow',
      ours: journeysPerSecond,
      baseline,
      unit: 'journeys/s (baseline: raw Kafka round trips/s)',
      journeys: N,
      completed: completed.length,
      concurrency: CONCURRENCY,
      statements: batches,
      p50_import_to_mail_ms: round(percentile(latencies, 50), 0),
      p99_import_to_mail_ms: round(percentile(latencies, 99), 0),
      import_to_mail_hops: importToMail.hops,
      slowest_import_to_mail_ms: importToMail.slowest,
      peak_rss_mib: rss,
      cpu_ms_per_journey: perJourney,
      machine_busy_share: round(cpuUsed.busyShare, 2),
      lag_end: lag,
      mail_record_window: mailRecordWindow,
    });
  } finally {
    await user.close();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
