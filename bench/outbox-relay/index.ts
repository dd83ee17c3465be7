/**
 * outbox-relay: 100k integration events from the outbox to Kafka (acks=all) vs a raw KafkaJS producer sending the
 * same messages with the same acks and batch size; then append-to-consumer latency at 1,000 events/s.
 */
import { randomUUID } from 'node:crypto';
import { InstitutionRegistered } from '@lsc/contracts';
import { EVENT_STORE_DDL, PostgresEventStore, enqueueOutbox, withTransaction, type OutboxMessage } from '@lsc/event-sourcing';
import { OutboxRelay } from '@lsc/messaging';
import { createTestDatabase, createTestTopics, deleteTestTopics, testKafka, uniqueName } from '@lsc/testing';
import { percentile, report, round, seconds } from '../common';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 100000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);

const message = (topic: string): OutboxMessage => {
  const institutionId = randomUUID();
  return { topic, key: institutionId, event: { eventId: randomUUID(), type: InstitutionRegistered.type, schemaVersion: 1, streamId: institutionId, occurredAt: new Date().toISOString(), correlationId: 'bench', data: { ...InstitutionRegistered.example, institutionId } } };
};

async function main(): Promise<void> {
  const kafka = testKafka('bench-relay');
  const topic = uniqueName('bench_relay');
  await createTestTopics(kafka, [topic], { partitions: 6 });
  const db = await createTestDatabase('bench_relay', EVENT_STORE_DDL, 30);
  try {
    const messages = Array.from({ length: TOTAL }, () => message(topic));

    // Baseline: the same messages straight from memory through one KafkaJS producer, same acks, same batches.
    const producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    const baselineStart = process.hrtime.bigint();
    for (let i = 0; i < TOTAL; i += BATCH) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic, messages: messages.slice(i, i + BATCH).map((m) => ({ key: m.key, value: JSON.stringify(m.event), headers: { 'event-id': m.event.eventId, 'event-type': m.event.type, 'schema-version': '1', 'correlation-id': 'bench' } })) }],
      });
    }
    const baselineSeconds = Number(process.hrtime.bigint() - baselineStart) / 1e9;
    await producer.disconnect();

    // Ours: the same messages committed to the outbox first (not timed), then drained by the relay.
    for (let i = 0; i < TOTAL; i += 5000) await withTransaction(db.pool, (client) => enqueueOutbox(client, messages.slice(i, i + 5000)));
    const relay = new OutboxRelay(db.pool, kafka, { lockName: uniqueName('relay'), batchSize: BATCH, idlePollMs: 20 });
    const oursStart = process.hrtime.bigint();
    relay.start();
    for (;;) {
      const left = Number((await db.pool.query('select count(*) as n from es_outbox')).rows[0].n);
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const oursSeconds = Number(process.hrtime.bigint() - oursStart) / 1e9;

    // Latency: append (event + outbox in one transaction) → relay → Kafka → a consumer, at ~1,000 events/s.
    const latencyTopic = uniqueName('bench_latency');
    await createTestTopics(kafka, [latencyTopic], { partitions: 6 });
    const latencies: number[] = [];
    const fromRequest: number[] = [];
    const committedAt = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: uniqueName('bench-g'), maxWaitTimeInMs: 10 });
    await consumer.connect();
    await consumer.subscribe({ topic: latencyTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message: m }) => {
        const now = Date.now();
        const envelope = JSON.parse(m.value!.toString());
        fromRequest.push(now - Number(envelope.data.sentAtMs));
        const committed = committedAt.get(envelope.eventId);
        latencies.push(committed === undefined ? 0 : now - committed);
      },
    });
    await new Promise((r) => setTimeout(r, 3000));
    const store = new PostgresEventStore(db.pool);
    const latencySeconds = seconds('BENCH_LATENCY_SECONDS', 10);
    const rate = 1000;
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < latencySeconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      const burst: Promise<unknown>[] = [];
      for (; sent < due; sent++) {
        const m = message(latencyTopic);
        (m.event.data as Record<string, unknown>).sentAtMs = Date.now();
        burst.push(
          store
            .append(`bench-${m.key}`, 'institution', 'no_stream', [{ eventId: randomUUID(), type: 'Registered', schemaVersion: 1, data: {}, metadata: { correlationId: 'bench', actor: 'bench', occurredAt: m.event.occurredAt } }], { outbox: [m] })
            .then(() => void committedAt.set(m.event.eventId, Date.now())),
        );
      }
      await Promise.all(burst);
      await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + 30000;
    while (latencies.length < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    await relay.stop();
    await deleteTestTopics(kafka, [latencyTopic]);
    const sorted = [...latencies].sort((a, b) => a - b);
    const sortedFromRequest = [...fromRequest].sort((a, b) => a - b);

    const ours = TOTAL / oursSeconds;
    const baseline = TOTAL / baselineSeconds;
    console.log(`raw producer: ${baseline.toFixed(0)} events/s; relay: ${ours.toFixed(0)} events/s; latency at ${rate}/s: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms (${latencies.length}/${sent} received)`);
    report({
      bench: 'outbox-relay',
      ours,
      baseline,
      unit: 'events/s',
      events: TOTAL,
      latency_rate_per_s: rate,
      latency_p50_ms: percentile(sorted, 50),
      latency_p99_ms: percentile(sorted, 99),
      latency_from_request_p50_ms: percentile(sortedFromRequest, 50),
      latency_from_request_p99_ms: percentile(sortedFromRequest, 99),
      latency_note: 'latency_p50/p99 from the append committing to the consumer receiving; from_request adds client-side queueing for the database',
      latency_received: latencies.length,
      latency_sent: sent,
      relay_seconds: round(oursSeconds),
      target_ratio: 0.7,
      target_p99_ms: 100,
    });
  } finally {
    await deleteTestTopics(kafka, [topic]);
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
