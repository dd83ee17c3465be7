import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { InstitutionRegistered, type IntegrationEvent } from '@lsc/contracts';
import { EVENT_STORE_DDL, PostgresEventStore, withTransaction, type NewEvent } from '@lsc/event-sourcing';
import { createTestDatabase, createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';

/**
 * Crash and redelivery tests with real processes, a real broker and a real database. Each asserts the invariant that
 * matters: every committed event has exactly one effect (0 lost, 0 duplicate effects), whatever was killed when.
 */
const repoRoot = join(__dirname, '..', '..', '..');
const workerPath = join(__dirname, '..', 'test', 'fault-worker.js');
const children = new Set<ChildProcess>();

function startWorker(config: Record<string, unknown>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerPath, JSON.stringify(config)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('"ready":true')) resolve(child);
    });
    child.on('exit', (code) => {
      children.delete(child);
      reject(new Error(`worker exited early (${code}): ${stderr}`));
    });
  });
}

function runWorker(config: Record<string, unknown>): Promise<{ ok: number; conflicts: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerPath, JSON.stringify(config)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`append worker failed (${code}): ${err}`))));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
}

const integrationEvent = (): IntegrationEvent => {
  const institutionId = randomUUID();
  return { eventId: randomUUID(), type: InstitutionRegistered.type, schemaVersion: 1, streamId: institutionId, occurredAt: new Date().toISOString(), correlationId: 'fault', data: { ...InstitutionRegistered.example, institutionId } };
};
const domainEvent = (): NewEvent => ({ eventId: randomUUID(), type: 'Registered', schemaVersion: 1, data: {}, metadata: { correlationId: 'fault', actor: 'test', occurredAt: new Date().toISOString() } });

/** Appends `count` single-event streams, `perTx` per transaction, each with its integration event in the outbox. */
async function appendWithOutbox(db: TestDatabase, topic: string, count: number, perTx = 1, onProgress?: (done: number) => Promise<void> | void): Promise<string[]> {
  const store = new PostgresEventStore(db.pool);
  const ids: string[] = [];
  for (let done = 0; done < count; ) {
    const n = Math.min(perTx, count - done);
    await withTransaction(db.pool, async (client) => {
      for (let i = 0; i < n; i++) {
        const e = integrationEvent();
        await store.append(`institution-${e.streamId}`, 'institution', 'no_stream', [domainEvent()], { outbox: [{ topic, key: e.streamId, event: e }], client });
        ids.push(e.eventId);
      }
    });
    done += n;
    await onProgress?.(done);
  }
  return ids;
}

const count = async (db: TestDatabase, sql: string): Promise<number> => Number((await db.pool.query(sql)).rows[0].n);

async function lagOf(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed, latest] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
    const done = new Map(committed[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    return latest.reduce((sum, p) => sum + Number(p.high) - Math.max(0, done.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('faults: crashes, outages and redelivery (real Kafka + PostgreSQL, separate processes)', () => {
  const kafka = testKafka();
  const topics: string[] = [];
  const dbs: TestDatabase[] = [];

  async function setup(name: string) {
    const topic = uniqueName(name);
    topics.push(...(await createTestTopics(kafka, [topic], { partitions: 3, withDeadLetter: true })));
    const db = await createTestDatabase(name, EVENT_STORE_DDL);
    dbs.push(db);
    return { topic, db, groupId: uniqueName(`${name}-g`), consumer: uniqueName(`${name}-c`) };
  }

  afterAll(async () => {
    for (const child of [...children]) await kill(child);
    await deleteTestTopics(kafka, topics);
    for (const db of dbs) await db.drop();
  });

  it('broker SIGKILLed while 2,000 events are appended and relayed, then restarted: 0 lost, 0 duplicate effects', async () => {
    const pidFile = join(repoRoot, '.var', 'kafka', 'kafka.pid');
    expect(existsSync(pidFile)).toBe(true);
    const { topic, db, groupId, consumer } = await setup('brokerkill');
    await startWorker({ mode: 'consume', dbUrl: db.url, topic, groupId, consumer });
    await startWorker({ mode: 'relay', dbUrl: db.url, lockName: uniqueName('relay') });
    let killedAt = 0;
    const ids = await appendWithOutbox(db, topic, 2000, 10, async (done) => {
      if (done >= 600 && !killedAt) {
        killedAt = Date.now();
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      }
    });
    await new Promise((r) => setTimeout(r, Math.max(0, 10000 - (Date.now() - killedAt))));
    const restart = spawnSync(process.execPath, ['scripts/infra/cli.mjs', 'up'], { cwd: repoRoot, encoding: 'utf8' });
    expect(restart.status).toBe(0);
    await eventually(() => count(db, 'select count(*) as n from effects').then((n) => n >= 2000), { timeoutMs: 240000, intervalMs: 1000, what: '2000 effects after the broker restart' });
    expect(await count(db, 'select count(distinct event_id) as n from effects')).toBe(2000);
    expect(await count(db, `select count(*) as n from es_inbox where consumer = '${consumer}'`)).toBe(2000);
    expect(await count(db, `select count(*) as n from effects where event_id = any('{${ids.join(',')}}'::uuid[])`)).toBe(2000);
    expect(await count(db, 'select count(*) as n from es_outbox')).toBe(0);
  });

  it('relay SIGKILLed between publish and delete: after restart 0 lost; re-published duplicates produce 0 duplicate effects', async () => {
    const { topic, db, groupId, consumer } = await setup('relaykill');
    const ids = await appendWithOutbox(db, topic, 1000, 50);
    await startWorker({ mode: 'consume', dbUrl: db.url, topic, groupId, consumer });
    const lockName = uniqueName('relay');
    const crashing = await startWorker({ mode: 'relay', dbUrl: db.url, lockName, batchSize: 100, crashAfterBatches: 3 });
    await new Promise((r) => crashing.once('exit', r));
    expect(crashing.signalCode).toBe('SIGKILL');
    expect(await count(db, 'select count(*) as n from es_outbox')).toBeGreaterThanOrEqual(800);
    await startWorker({ mode: 'relay', dbUrl: db.url, lockName, batchSize: 100 });
    await eventually(() => count(db, 'select count(*) as n from effects').then((n) => n >= 1000), { timeoutMs: 60000, what: '1000 effects' });
    await eventually(() => count(db, 'select count(*) as n from deliveries').then((n) => n >= 1100), { timeoutMs: 30000, what: 'the re-published batch to be delivered' });
    const deliveries = await count(db, 'select count(*) as n from deliveries');
    const duplicatesDelivered = deliveries - 1000;
    console.log(`relay crash: ${deliveries} deliveries for 1000 events (${duplicatesDelivered} duplicates delivered), 0 duplicate effects`);
    expect(duplicatesDelivered).toBeGreaterThanOrEqual(100);
    expect(await count(db, 'select count(*) as n from effects')).toBe(1000);
    expect(await count(db, `select count(*) as n from effects where event_id = any('{${ids.join(',')}}'::uuid[])`)).toBe(1000);
  });

  it('consumer SIGKILLed mid-batch 5 times during 10,000 events: 0 lost, inbox rows = distinct event ids = effects', async () => {
    const { topic, db, groupId, consumer } = await setup('consumerkill');
    await startWorker({ mode: 'relay', dbUrl: db.url, lockName: uniqueName('relay'), batchSize: 500 });
    const appending = appendWithOutbox(db, topic, 10000, 200);
    let current = await startWorker({ mode: 'consume', dbUrl: db.url, topic, groupId, consumer });
    for (let kills = 0; kills < 5; kills++) {
      await new Promise((r) => setTimeout(r, 1000 + Math.floor(Math.random() * 1500)));
      await kill(current);
      current = await startWorker({ mode: 'consume', dbUrl: db.url, topic, groupId, consumer });
    }
    await appending;
    await eventually(() => count(db, 'select count(*) as n from effects').then((n) => n >= 10000), { timeoutMs: 180000, intervalMs: 1000, what: '10000 effects' });
    expect(await count(db, 'select count(*) as n from effects')).toBe(10000);
    expect(await count(db, `select count(*) as n from es_inbox where consumer = '${consumer}'`)).toBe(10000);
    const deliveries = await count(db, 'select count(*) as n from deliveries');
    console.log(`consumer crashes: ${deliveries} deliveries for 10000 events (${deliveries - 10000} redelivered), 0 duplicate effects`);

    // The same events re-published 3 times, and the topic replayed from offset 0 by a fresh group: nothing changes.
    const before = (await db.pool.query(`select md5(string_agg(event_id::text, ',' order by event_id)) as h from effects`)).rows[0].h;
    const producer = kafka.producer();
    await producer.connect();
    const sample = (await db.pool.query('select event_id from effects limit 100')).rows.map((r) => r.event_id as string);
    for (let round = 0; round < 3; round++) {
      await producer.send({ topic, acks: -1, messages: sample.map((eventId) => ({ key: eventId, value: JSON.stringify({ ...integrationEvent(), eventId }) })) });
    }
    await producer.disconnect();
    const replayGroup = uniqueName('replay-g');
    const replay = await startWorker({ mode: 'consume', dbUrl: db.url, topic, groupId: replayGroup, consumer });
    await eventually(() => lagOf(kafka, replayGroup, topic).then((lag) => lag === 0), { timeoutMs: 120000, intervalMs: 1000, what: 'the replay to reach the end of the topic' });
    await eventually(() => lagOf(kafka, groupId, topic).then((lag) => lag === 0), { timeoutMs: 60000, intervalMs: 1000, what: 'the live group to drain the re-published copies' });
    await kill(replay);
    expect(await count(db, 'select count(*) as n from effects')).toBe(10000);
    expect((await db.pool.query(`select md5(string_agg(event_id::text, ',' order by event_id)) as h from effects`)).rows[0].h).toBe(before);
  });

  it('one poison message among 1,000: exactly 1 in the dead-letter topic, 999 processed, lag back to 0', async () => {
    const { topic, db, groupId, consumer } = await setup('poison');
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 1000 }, (_, i) => (i === 500 ? { key: 'poison', value: '{"this is": not json' } : { key: String(i), value: JSON.stringify(integrationEvent()) }));
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
    await startWorker({ mode: 'consume', dbUrl: db.url, topic, groupId, consumer });
    await eventually(() => count(db, 'select count(*) as n from effects').then((n) => n >= 999), { timeoutMs: 60000, what: '999 effects' });
    await eventually(() => lagOf(kafka, groupId, topic).then((lag) => lag === 0), { timeoutMs: 30000, what: 'lag 0' });
    const admin = kafka.admin();
    await admin.connect();
    const dlt = await admin.fetchTopicOffsets(`${topic}.dlt`);
    await admin.disconnect();
    expect(dlt.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1);
    expect(await count(db, 'select count(*) as n from effects')).toBe(999);

    // The operator's tools: list shows the dead letter with its cause; replay sends it back (here it is still poison,
    // so it returns to the dead-letter topic, and a second replay sends nothing new).
    const list = spawnSync(process.execPath, ['scripts/dlt.mjs', 'list', topic], { cwd: repoRoot, encoding: 'utf8' });
    expect(list.stdout).toContain(`${topic}.dlt: 1 dead letter(s)`);
    expect(list.stdout).toContain('contract_violation');
    const replay = spawnSync(process.execPath, ['scripts/dlt.mjs', 'replay', topic], { cwd: repoRoot, encoding: 'utf8' });
    expect(replay.stdout).toContain(`replayed 1 dead letter(s) from ${topic}.dlt to ${topic}`);
    await eventually(async () => {
      const admin2 = kafka.admin();
      await admin2.connect();
      const offsets = await admin2.fetchTopicOffsets(`${topic}.dlt`);
      await admin2.disconnect();
      return offsets.reduce((sum, p) => sum + Number(p.high), 0) === 2;
    }, { what: 'the replayed poison to be dead-lettered again' });
    const again = spawnSync(process.execPath, ['scripts/dlt.mjs', 'replay', topic], { cwd: repoRoot, encoding: 'utf8' });
    expect(again.stdout).toContain('replayed 1 dead letter(s)');
    expect(await count(db, 'select count(*) as n from effects')).toBe(999);
  });

  it('two processes appending to one stream: no lost update, conflicts surface as the typed error and are retried', async () => {
    const db = await createTestDatabase('twowriters', EVENT_STORE_DDL);
    dbs.push(db);
    const streamId = `counter-${randomUUID()}`;
    const [a, b] = await Promise.all([runWorker({ mode: 'append', dbUrl: db.url, streamId, count: 150, who: 'a' }), runWorker({ mode: 'append', dbUrl: db.url, streamId, count: 150, who: 'b' })]);
    console.log(`two writers: ${a.conflicts + b.conflicts} conflicts, all typed ConcurrencyError and retried`);
    expect(a.ok + b.ok).toBe(300);
    const events = await new PostgresEventStore(db.pool).readStream(streamId);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });
});
