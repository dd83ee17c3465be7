// A separate process for fault tests (it must be SIGKILL-able): runs a relay, a consumer or an appender against the
// built libraries. Usage: node fault-worker.js '<json config>'
require('reflect-metadata');
const { randomUUID } = require('node:crypto');
const { Pool } = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const { PostgresEventStore, ConcurrencyError } = require('@lsc/event-sourcing');
const { OutboxRelay, KafkaEventRouter } = require('@lsc/messaging');
const { InstitutionRegistered } = require('@lsc/contracts');

const config = JSON.parse(process.argv[2]);
const pool = new Pool({ connectionString: config.dbUrl, max: 5 });
pool.on('error', () => undefined);
const kafka = new Kafka({ clientId: `fault-${config.mode}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 3000 } });
const report = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function relay() {
  let batches = 0;
  const r = new OutboxRelay(pool, kafka, {
    lockName: config.lockName,
    idlePollMs: 50,
    batchSize: config.batchSize ?? 100,
    afterPublish: () => {
      batches += 1;
      if (config.crashAfterBatches && batches >= config.crashAfterBatches) process.kill(process.pid, 'SIGKILL');
    },
  });
  r.start();
  report({ ready: true });
}

async function consume() {
  await pool.query('create table if not exists effects (event_id uuid primary key, applied_at timestamptz default now())');
  await pool.query('create table if not exists deliveries (id bigserial primary key, event_id text)');
  const router = new KafkaEventRouter(pool, kafka, { consumer: config.consumer });
  router.on(InstitutionRegistered, async (event, { client }) => {
    // A plain insert: a second application of the same event would fail loudly, not hide.
    await client.query('insert into effects (event_id) values ($1)', [event.eventId]);
  });
  const consumer = kafka.consumer({ groupId: config.groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 500,
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      const value = message.value?.toString() ?? '';
      let eventId = null;
      try {
        eventId = JSON.parse(value).eventId ?? null;
      } catch {
        /* poison */
      }
      await pool.query('insert into deliveries (event_id) values ($1)', [eventId]);
      await router.dispatch({ topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers, heartbeat });
    },
  });
  report({ ready: true });
}

async function append() {
  const store = new PostgresEventStore(pool);
  let ok = 0;
  let conflicts = 0;
  for (let i = 0; i < config.count; i++) {
    for (;;) {
      const version = (await store.readStream(config.streamId)).length;
      try {
        await store.append(config.streamId, 'counter', version === 0 ? 'no_stream' : version, [{ eventId: randomUUID(), type: 'Incremented', schemaVersion: 1, data: { by: config.who }, metadata: { correlationId: 'c', actor: config.who, occurredAt: new Date().toISOString() } }]);
        ok += 1;
        break;
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        conflicts += 1;
      }
    }
  }
  report({ ok, conflicts });
  await pool.end();
}

({ relay, consume, append })[config.mode]().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
