/**
 * outbox-relay: 100k integration events from the outbox to Kafka (acks=all) vs a raw KafkaJS producer sending the very
 * same messages (the bytes the relay sends: key, payload text and headers as stored) with the same acks, producer
 * settings and batch size; then append-to-consumer latency at 1,000 events/s.
 *
 * Throughput rounds run baseline, relay, relay, baseline (ABBA), so a change of machine load during the run (the
 * machine is shared) weighs on both sides alike; each side's figure is its total events over its total time.
 *
 * Latency: three processes, as in production — the writers (appends through the event store, each with its integration
 * event in the outbox), the relay (this process), and a downstream consumer. Latency is measured from the append's
 * commit (the writer has the COMMIT reply) to the consumer receiving the message; all three read the same clock. The
 * writers are open-loop (a transaction starts on schedule whether or not earlier ones finished) and report their
 * committed rate and queueing, so a generator that falls behind shows in the result instead of lowering the load.
 * The latency is split at the relay's send (the Kafka message timestamp, set by the producer when it builds the
 * request): commit → send is the relay's poll and read, send → received the broker round trip and the consumer's
 * fetch. Each process reports its event-loop delay and CPU time over the timed window, the parent the machine's CPU.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { InstitutionRegistered } from '@lsc/contracts';
import { EVENT_STORE_DDL, PostgresEventStore, enqueueOutbox, withTransaction, type OutboxMessage } from '@lsc/event-sourcing';
import { OutboxRelay } from '@lsc/messaging';
import { createTestDatabase, createTestTopics, deleteTestTopics, testKafka, uniqueName } from '@lsc/testing';
import { machineJiffies, percentile, report, round, seconds } from '../common';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 100000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
/**
 * Events (each to its own stream, with its integration event) per append transaction in the latency run: one, as a
 * typical command writes. (Outbox transactions used to NOTIFY, which PostgreSQL serialises at commit — ~600 commits/s
 * here — so this was 4; the relay polls now, see commit-rate.ts.)
 */
const EVENTS_PER_TX = Number(process.env.BENCH_EVENTS_PER_TX ?? 1);
const POOL_SIZE = 30;

const now = (): number => performance.timeOrigin + performance.now();
const load = (): number => round(loadavg()[0]);

/** Event-loop delay (ms) and CPU time of this process since start(): what a process lost to its own and others' work. */
class ProcessStats {
  private histogram?: IntervalHistogram;
  private cpu = process.cpuUsage();
  private at = now();

  start(): void {
    this.histogram?.disable();
    this.histogram = monitorEventLoopDelay({ resolution: 5 });
    this.histogram.enable();
    this.cpu = process.cpuUsage();
    this.at = now();
  }

  snapshot(): LoopStats {
    const h = this.histogram!;
    const cpu = process.cpuUsage(this.cpu);
    // The histogram records each interval of its 5 ms timer: the delay is what exceeds 5 ms.
    const late = (ns: number) => round(Math.max(0, ns / 1e6 - 5), 1);
    return { loop_delay_p50_ms: late(h.percentile(50)), loop_delay_p99_ms: late(h.percentile(99)), loop_delay_max_ms: late(h.max), cpu_pct: round(((cpu.user + cpu.system) / 1000 / (now() - this.at)) * 100, 1) };
  }
}
interface LoopStats {
  loop_delay_p50_ms: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  /** CPU time over wall time, in % of one core. */
  cpu_pct: number;
}

const machineBusyPct = (from: { busy: number; total: number }): number => {
  const to = machineJiffies();
  return round(((to.busy - from.busy) / (to.total - from.total)) * 100, 1);
};

/** CPU ticks (user + system) used so far by every process: pid → [command name (java = the broker, postgres, node, …), ticks]. */
const ticksByProcess = (): Map<string, [string, number]> => {
  const ticks = new Map<string, [string, number]>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), Number(fields[11]) + Number(fields[12])]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks;
};
/**
 * The commands that used most CPU since `from`, in % of one core (clock ticks of 10 ms), summed over their processes;
 * what processes that exited within the window used is missed.
 */
const topCommands = (from: Map<string, [string, number]>, seconds: number): Record<string, number> => {
  const byName = new Map<string, number>();
  for (const [pid, [name, t]] of ticksByProcess()) byName.set(name, (byName.get(name) ?? 0) + t - (from.get(pid)?.[1] ?? 0));
  return Object.fromEntries(
    [...byName]
      .map(([name, t]) => [name, round(t / seconds, 1)] as const)
      .filter(([, pct]) => pct >= 1)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8),
  );
};

const message = (topic: string): OutboxMessage => {
  const institutionId = randomUUID();
  return { topic, key: institutionId, event: { eventId: randomUUID(), type: InstitutionRegistered.type, schemaVersion: 1, streamId: institutionId, occurredAt: new Date().toISOString(), correlationId: 'bench', data: { ...InstitutionRegistered.example, institutionId } } };
};

/** Commits `messages` to the outbox in one transaction (chunked statements) and returns when it has committed. */
const fillOutbox = (pool: Pool, messages: OutboxMessage[]): Promise<void> =>
  withTransaction(pool, async (client) => {
    for (let i = 0; i < messages.length; i += 5000) await enqueueOutbox(client, messages.slice(i, i + 5000));
  });

/**
 * Commits a copy of the first `count` template rows (the outbox rows of the first fill, kept in bench_outbox_template)
 * to the outbox in one transaction: the relay then sends the very bytes the baseline sends, and the setup leaves no
 * garbage in this process (building 100k messages in JavaScript did, and its collection fell into the relay's timed
 * round, as the relay and the baseline producer share this process).
 */
const refillOutbox = (pool: Pool, count: number): Promise<void> =>
  withTransaction(pool, async (client) => {
    // As enqueueOutbox does: the transaction holds its id before it takes outbox ids.
    await client.query('select pg_current_xact_id()');
    await client.query(
      `insert into es_outbox (topic, message_key, event_id, event_type, schema_version, payload, headers)
       select topic, message_key, gen_random_uuid(), event_type, schema_version, payload, headers from bench_outbox_template order by id limit $1`,
      [count],
    );
  });

/** Resolves when the relay has had `count` events acknowledged by the broker (counted by its afterPublish hook). */
class PublishedCounter {
  private total = 0;
  /** Batches the broker acknowledged (relay rounds that published something). */
  batches = 0;
  private waiting: { target: number; resolve: () => void }[] = [];

  add = (n: number): void => {
    this.total += n;
    this.batches += 1;
    this.waiting = this.waiting.filter((w) => (this.total >= w.target ? (w.resolve(), false) : true));
  };

  until(count: number): Promise<void> {
    const target = this.total + count;
    return new Promise((resolve) => (this.total >= target ? resolve() : this.waiting.push({ target, resolve })));
  }
}

async function waitForEmptyOutbox(pool: Pool): Promise<void> {
  while ((await pool.query('select exists (select 1 from es_outbox) as any')).rows[0].any) await new Promise((r) => setTimeout(r, 5));
}

async function throughput(kafka: Kafka, pool: Pool, published: PublishedCounter, topic: string) {
  // The baseline sends exactly what the relay sends: the rows as stored, read back once (not timed).
  await fillOutbox(pool, Array.from({ length: TOTAL }, () => message(topic)));
  await pool.query('create table bench_outbox_template as select * from es_outbox');
  await pool.query('delete from es_outbox');
  const stored = (await pool.query<{ key: string; value: string; headers: Record<string, string> }>('select message_key as key, payload::text as value, headers from bench_outbox_template order by id')).rows;

  // Same producer settings as the relay's (one request in flight, acks=all, no compression, batches of BATCH).
  const producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const baselineRound = async (): Promise<number> => {
    const start = now();
    for (let i = 0; i < stored.length; i += BATCH) await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: stored.slice(i, i + BATCH) }] });
    return (now() - start) / 1000;
  };
  const relayRound = async (): Promise<number> => {
    const acknowledged = published.until(TOTAL);
    await refillOutbox(pool, TOTAL);
    // Timed from the commit: the relay is already the leader and idle (polling, backed off to its idle ceiling); done
    // when the broker acknowledged the last batch and the outbox is empty (its deletes are part of the work).
    const start = now();
    await acknowledged;
    await waitForEmptyOutbox(pool);
    return (now() - start) / 1000;
  };
  // Warm-up for both (connections, topic metadata), not timed.
  await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: stored.slice(0, BATCH) }] });
  const warmedUp = published.until(BATCH);
  await refillOutbox(pool, BATCH);
  await warmedUp;
  await waitForEmptyOutbox(pool);

  const rounds: { side: 'baseline' | 'relay'; seconds: number; load: number }[] = [];
  for (const side of ['baseline', 'relay', 'relay', 'baseline'] as const) {
    const took = side === 'baseline' ? await baselineRound() : await relayRound();
    rounds.push({ side, seconds: round(took, 3), load: load() });
    console.log(`${side}: ${(TOTAL / took).toFixed(0)} events/s (load ${load()})`);
  }
  await producer.disconnect();
  const rate = (side: string) => {
    const mine = rounds.filter((r) => r.side === side);
    return (mine.length * TOTAL) / mine.reduce((s, r) => s + r.seconds, 0);
  };
  return { ours: rate('relay'), baseline: rate('baseline'), rounds: rounds.map((r) => ({ ...r, events_per_s: Math.round(TOTAL / r.seconds) })) };
}

type FromConsumer = { ready: true } | { received: [string, number, number][]; stats?: LoopStats };
type FromGenerator = { warm: string[] } | { done: GeneratorResult };
interface GeneratorResult {
  /** [event id, requested at, committed at] for every event of the timed run. */
  events: [string, number, number][];
  scheduledPerS: number;
  committedPerS: number;
  maxInFlight: number;
  stats: LoopStats;
}

/** A child process (node `this file` <role> …) talking to the parent over IPC. */
function child<T>(args: string[], onMessage: (m: T) => void): { process: ReturnType<typeof fork>; exited: Promise<never> } {
  const proc = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  proc.on('message', (m) => onMessage(m as T));
  const exited = new Promise<never>((_, reject) => proc.on('exit', (code) => reject(new Error(`bench child ${args[0]} exited (${code})`))));
  exited.catch(() => undefined);
  return { process: proc, exited };
}

async function latency(kafka: Kafka, dbUrl: string, relayStats: ProcessStats, published: PublishedCounter) {
  const topic = uniqueName('bench_latency');
  await createTestTopics(kafka, [topic], { partitions: 6 });
  const receivedAt = new Map<string, number>();
  /** Event id → the Kafka message timestamp: when the relay's producer built the request carrying it. */
  const sentAt = new Map<string, number>();
  let consumerStats: LoopStats | undefined;
  let consumerReady!: () => void;
  const ready = new Promise<void>((resolve) => (consumerReady = resolve));
  const consumer = child<FromConsumer>(['consumer', topic], (m) => {
    if ('ready' in m) consumerReady();
    else {
      for (const [id, at, sent] of m.received) {
        receivedAt.set(id, at);
        sentAt.set(id, sent);
      }
      if (m.stats) consumerStats = m.stats;
    }
  });
  let warm: string[] | undefined;
  let result: GeneratorResult | undefined;
  const generator = child<FromGenerator>(['generator', dbUrl, topic], (m) => {
    if ('warm' in m) warm = m.warm;
    else result = m.done;
  });
  const until = async (condition: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await Promise.race([new Promise((r) => setTimeout(r, 20)), consumer.exited, generator.exited]);
    }
  };
  try {
    await Promise.race([ready, consumer.exited]);
    // Warm-up through the same path until the consumer has it (its fetch loop and the relay's topic metadata are live).
    await until(() => warm !== undefined && warm.every((id) => receivedAt.has(id)), 60000, 'the warm-up events at the consumer');
    const loadBefore = load();
    const machineFrom = machineJiffies();
    const commandsFrom = ticksByProcess();
    const windowStart = now();
    const batchesBefore = published.batches;
    relayStats.start();
    consumer.process.send('go');
    generator.process.send('go');
    await until(() => result !== undefined, (seconds('BENCH_LATENCY_SECONDS', 10) + 120) * 1000, 'the load generator');
    const relayLoop = relayStats.snapshot();
    const machineBusy = machineBusyPct(machineFrom);
    const commands = topCommands(commandsFrom, (now() - windowStart) / 1000);
    const relayBatchesPerS = round((published.batches - batchesBefore) / ((now() - windowStart) / 1000));
    generator.process.send('end');
    const events = result!.events;
    const deadline = Date.now() + 30000;
    while (events.some(([id]) => !receivedAt.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // The consumer's statistics come with its next report (every 100 ms).
    consumerStats = undefined;
    await until(() => consumerStats !== undefined, 5000, 'the consumer statistics');
    const delivered = events.filter(([id]) => receivedAt.has(id));
    const fromCommit = delivered.map(([id, , committed]) => receivedAt.get(id)! - committed);
    const fromRequest = delivered.map(([id, requested]) => receivedAt.get(id)! - requested);
    const queueing = events.map(([, requested, committed]) => committed - requested);
    // Kafka timestamps are whole milliseconds: the split is good to ~1 ms.
    const toSend = delivered.map(([id, , committed]) => sentAt.get(id)! - committed);
    const sendToReceive = delivered.map(([id]) => receivedAt.get(id)! - sentAt.get(id)!);
    const p = (a: number[], q: number) => round(percentile([...a].sort((x, y) => x - y), q), 1);
    return {
      sent: events.length,
      received: delivered.length,
      p50: p(fromCommit, 50),
      p99: p(fromCommit, 99),
      max: p(fromCommit, 100),
      fromRequestP50: p(fromRequest, 50),
      fromRequestP99: p(fromRequest, 99),
      generatorCommittedPerS: result!.committedPerS,
      generatorScheduledPerS: result!.scheduledPerS,
      generatorQueueP99: p(queueing, 99),
      maxTransactionsInFlight: result!.maxInFlight,
      loadBefore,
      commitToSendP50: p(toSend, 50),
      commitToSendP99: p(toSend, 99),
      sendToReceiveP50: p(sendToReceive, 50),
      sendToReceiveP99: p(sendToReceive, 99),
      processes: { relay: relayLoop, generator: result!.stats, consumer: consumerStats! },
      machineBusy,
      commands,
      relayBatchesPerS,
    };
  } finally {
    consumer.process.kill();
    generator.process.kill();
    await deleteTestTopics(kafka, [topic]);
  }
}

/**
 * Child process: the service's writers. Appends through the event store (event + integration event in the outbox,
 * EVENTS_PER_TX streams per transaction) on an open-loop schedule: each transaction starts at its time whether or
 * not earlier ones finished, so a database that cannot keep up shows as queueing and a lower committed rate.
 */
async function generate(dbUrl: string, topic: string): Promise<void> {
  const pool = new Pool({ connectionString: dbUrl, max: POOL_SIZE });
  const store = new PostgresEventStore(pool);
  let inFlight = 0;
  let maxInFlight = 0;
  const appendTx = async (): Promise<[string, number, number][]> => {
    const messages = Array.from({ length: EVENTS_PER_TX }, () => message(topic));
    const requested = now();
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await withTransaction(pool, async (client) => {
      for (const m of messages) {
        await store.append(`bench-${m.key}`, 'institution', 'no_stream', [{ eventId: randomUUID(), type: 'Registered', schemaVersion: 1, data: {}, metadata: { correlationId: 'bench', actor: 'bench', occurredAt: m.event.occurredAt } }], { outbox: [m], client });
      }
    });
    // Committed: the client has the COMMIT reply.
    const committed = now();
    inFlight -= 1;
    return messages.map((m) => [m.event.eventId, requested, committed]);
  };
  const warm: string[] = [];
  for (let i = 0; i < 20; i++) warm.push(...(await appendTx()).map(([id]) => id));
  process.send!({ warm });
  await new Promise((resolve) => process.once('message', resolve));
  const stats = new ProcessStats();
  stats.start();
  maxInFlight = 0;
  const durationMs = seconds('BENCH_LATENCY_SECONDS', 10) * 1000;
  const transactions: Promise<[string, number, number][]>[] = [];
  const started = now();
  let due = 0;
  while (now() - started < durationMs) {
    const shouldHave = Math.floor((((now() - started) / 1000) * RATE) / EVENTS_PER_TX);
    for (; due < shouldHave; due++) transactions.push(appendTx());
    await new Promise((r) => setTimeout(r, 1));
  }
  const scheduledFor = (now() - started) / 1000;
  const events = (await Promise.all(transactions)).flat();
  const loop = stats.snapshot();
  const lastCommit = Math.max(...events.map(([, , committed]) => committed));
  process.send!({
    done: {
      events,
      scheduledPerS: Math.round((due * EVENTS_PER_TX) / scheduledFor),
      committedPerS: Math.round(events.length / ((lastCommit - started) / 1000)),
      maxInFlight,
      stats: loop,
    },
  } satisfies FromGenerator);
  // Connections (and their backends' CPU counters) stay until the parent has read the CPU figures.
  await new Promise((resolve) => process.once('message', resolve));
  await pool.end();
  process.on('disconnect', () => process.exit(0));
}

/** Child process: the downstream consumer. Reports (event id, time received) to the parent every 100 ms. */
async function consume(topic: string): Promise<void> {
  const kafka = testKafka('bench-latency-consumer');
  // minBytes 1 (the default): the broker answers a fetch as soon as a message arrives, so maxWaitTimeInMs only bounds
  // an idle fetch and adds nothing to latency.
  const consumer = kafka.consumer({ groupId: uniqueName('bench-g') });
  let pending: [string, number, number][] = [];
  const stats = new ProcessStats();
  stats.start();
  process.on('message', () => stats.start());
  consumer.on(consumer.events.GROUP_JOIN, () => process.send!({ ready: true }));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message: m }) => {
      pending.push([m.headers!['event-id']!.toString(), now(), Number(m.timestamp)]);
    },
  });
  setInterval(() => {
    process.send!({ received: pending, stats: stats.snapshot() });
    pending = [];
  }, 100);
  process.on('disconnect', () => process.exit(0));
}

async function main(): Promise<void> {
  const kafka = testKafka('bench-relay');
  const topic = uniqueName('bench_relay');
  await createTestTopics(kafka, [topic], { partitions: 6 });
  const db = await createTestDatabase('bench_relay', EVENT_STORE_DDL, POOL_SIZE);
  const published = new PublishedCounter();
  const relay = new OutboxRelay(db.pool, kafka, {
    lockName: uniqueName('relay'),
    batchSize: BATCH,
    afterPublish: published.add,
    // The relay's defaults unless set (for tuning runs).
    ...(process.env.BENCH_RELAY_MIN_POLL_MS ? { minPollMs: Number(process.env.BENCH_RELAY_MIN_POLL_MS) } : {}),
  });
  try {
    const loadAtStart = load();
    relay.start();
    const t = await throughput(kafka, db.pool, published, topic);
    const l = await latency(kafka, db.url, new ProcessStats(), published);
    await relay.stop();
    if (l.generatorCommittedPerS < RATE * 0.95) console.log(`warning: the writers committed ${l.generatorCommittedPerS} events/s of the ${RATE}/s asked for (database saturated, machine load ${load()}); the latency is at that lower rate`);
    console.log(
      `raw producer: ${t.baseline.toFixed(0)} events/s; relay: ${t.ours.toFixed(0)} events/s; latency at ${RATE}/s (${EVENTS_PER_TX} events per transaction, generator committed ${l.generatorCommittedPerS}/s): p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.received}/${l.sent} received); load ${loadAtStart} → ${load()}`,
    );
    console.log(
      `latency split: commit → relay send p50 ${l.commitToSendP50} / p99 ${l.commitToSendP99} ms, send → consumer p50 ${l.sendToReceiveP50} / p99 ${l.sendToReceiveP99} ms; relay ${l.relayBatchesPerS} batches/s; machine CPU busy ${l.machineBusy}% of ${cpus().length} cores; ` +
        Object.entries(l.processes)
          .map(([name, s]) => `${name}: loop delay p99 ${s.loop_delay_p99_ms} ms (max ${s.loop_delay_max_ms}), CPU ${s.cpu_pct}%`)
          .join('; ') +
        `; CPU by command (% of one core): ${JSON.stringify(l.commands)}`,
    );
    report({
      bench: 'outbox-relay',
      ours: t.ours,
      baseline: t.baseline,
      unit: 'events/s',
      events: TOTAL,
      batch: BATCH,
      rounds: t.rounds,
      latency_rate_per_s: RATE,
      latency_events_per_tx: EVENTS_PER_TX,
      latency_p50_ms: l.p50,
      latency_p99_ms: l.p99,
      latency_max_ms: l.max,
      latency_from_request_p50_ms: l.fromRequestP50,
      latency_from_request_p99_ms: l.fromRequestP99,
      latency_received: l.received,
      latency_sent: l.sent,
      generator_scheduled_per_s: l.generatorScheduledPerS,
      generator_committed_per_s: l.generatorCommittedPerS,
      generator_queue_p99_ms: l.generatorQueueP99,
      generator_max_tx_in_flight: l.maxTransactionsInFlight,
      // The latency figures describe the asked-for load only if the writers committed it (within 5%).
      generator_kept_up: l.generatorCommittedPerS >= RATE * 0.95,
      latency_commit_to_send_p50_ms: l.commitToSendP50,
      latency_commit_to_send_p99_ms: l.commitToSendP99,
      latency_send_to_receive_p50_ms: l.sendToReceiveP50,
      latency_send_to_receive_p99_ms: l.sendToReceiveP99,
      latency_processes: l.processes,
      latency_machine_cpu_busy_pct: l.machineBusy,
      latency_relay_batches_per_s: l.relayBatchesPerS,
      latency_cpu_by_command_pct: l.commands,
      latency_note: 'latency_p50/p99/max: append commit (writer process) → relay (this process) → consumer (its own process) receiving; from_request adds the wait for a database connection and the commit',
      load_1m: { start: loadAtStart, latency_start: l.loadBefore, end: load() },
      target_ratio: 0.7,
      target_p99_ms: 100,
    });
  } finally {
    await relay.stop();
    await deleteTestTopics(kafka, [topic]);
    await db.drop();
  }
}

const [role, ...args] = process.argv.slice(2);
const run = role === 'consumer' ? consume(args[0]) : role === 'generator' ? generate(args[0], args[1]) : main();
run.catch((err) => {
  console.error(err);
  process.exit(1);
});
