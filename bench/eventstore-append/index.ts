/**
 * eventstore-append: single-event appends to distinct streams with the concurrency check, 16 writers, vs raw pg
 * INSERTs of the same rows at the same concurrency. Phases alternate (baseline, ours, baseline, ours) so drift on a
 * shared machine hits both. Also reports 100-event batched appends.
 */
import { randomUUID } from 'node:crypto';
import { EVENT_STORE_DDL, PostgresEventStore, type NewEvent } from '@lsc/event-sourcing';
import { createTestDatabase } from '@lsc/testing';
import { report, runFor, seconds } from '../common';

const CONCURRENCY = 16;
const meta = { correlationId: 'bench', actor: 'bench', occurredAt: '2026-09-01T00:00:00.000Z' };
const event = (): NewEvent => ({ eventId: randomUUID(), type: 'Deposited', schemaVersion: 1, data: { amountFen: 600000, note: '会费' }, metadata: meta });

async function main(): Promise<void> {
  const durationMs = seconds('BENCH_SECONDS', 20) * 1000;
  const db = await createTestDatabase('bench_append', EVENT_STORE_DDL, CONCURRENCY + 2);
  try {
    await db.pool.query(`create table raw_events (like es_events including defaults including constraints including indexes)`);
    const store = new PostgresEventStore(db.pool);
    const raw = async () => {
      const e = event();
      await db.pool.query(
        'insert into raw_events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata) values ($1, $2, 1, $3, $4, $5, $6, $7)',
        [`raw-${e.eventId}`, 'account', e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata)],
      );
    };
    const ours = async () => {
      await store.append(`acct-${randomUUID()}`, 'account', 'no_stream', [event()]);
    };
    let baselineOps = 0;
    let oursOps = 0;
    const phase = durationMs / 2;
    baselineOps += await runFor(phase, CONCURRENCY, raw);
    oursOps += await runFor(phase, CONCURRENCY, ours);
    baselineOps += await runFor(phase, CONCURRENCY, raw);
    oursOps += await runFor(phase, CONCURRENCY, ours);
    const baselineRate = baselineOps / (durationMs / 1000);
    const oursRate = oursOps / (durationMs / 1000);

    const batchMs = Math.min(durationMs / 2, 10000);
    const batched = await runFor(batchMs, 4, async () => {
      await store.append(`batch-${randomUUID()}`, 'account', 'no_stream', Array.from({ length: 100 }, event));
    });
    const batchedRate = (batched * 100) / (batchMs / 1000);
    console.log(`raw INSERT: ${baselineRate.toFixed(0)} events/s; append (single, checked): ${oursRate.toFixed(0)} events/s; append (100/tx, 4 writers): ${batchedRate.toFixed(0)} events/s`);
    report({ bench: 'eventstore-append', ours: oursRate, baseline: baselineRate, unit: 'events/s', concurrency: CONCURRENCY, duration_s: durationMs / 1000, batched_100_per_tx_events_per_s: Math.round(batchedRate), target_ratio: 0.7 });
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
