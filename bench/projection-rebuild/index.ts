/**
 * projection-rebuild: 200k events rebuilt into a read model through the ProjectionRunner (online rebuild: new table,
 * checkpointed batches, switch) vs a raw SELECT scan of the same events folded in memory.
 */
import type { PoolClient } from 'pg';
import { EVENT_STORE_DDL, PostgresEventStore, ProjectionRunner, type Projection, type StoredEvent } from '@lsc/event-sourcing';
import { createTestDatabase } from '@lsc/testing';
import { report, round } from '../common';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 200000);
const ACCOUNTS = 2000;

/** Paid totals per institution, folded per batch and written with one multi-row upsert. */
const paidTotals: Projection = {
  name: 'paid_totals',
  version: 1,
  batchSize: 10000,
  createTable: (table) => `create table ${table} (institution_id text primary key, paid_fen bigint not null, payments integer not null)`,
  async apply(client, table, event) {
    await this.applyBatch!(client, table, [event]);
  },
  async applyBatch(client: PoolClient, table: string, events: StoredEvent[]) {
    const folded = fold(events);
    await client.query(
      `insert into ${table} (institution_id, paid_fen, payments) select * from unnest($1::text[], $2::bigint[], $3::int[])
       on conflict (institution_id) do update set paid_fen = ${table}.paid_fen + excluded.paid_fen, payments = ${table}.payments + excluded.payments`,
      [[...folded.keys()], [...folded.values()].map((v) => v.paid), [...folded.values()].map((v) => v.count)],
    );
  },
};

function fold(events: Array<{ streamId: string; data: unknown }>): Map<string, { paid: number; count: number }> {
  const totals = new Map<string, { paid: number; count: number }>();
  for (const e of events) {
    const t = totals.get(e.streamId) ?? { paid: 0, count: 0 };
    t.paid += (e.data as { amountFen: number }).amountFen;
    t.count += 1;
    totals.set(e.streamId, t);
  }
  return totals;
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_rebuild', EVENT_STORE_DDL);
  try {
    // 200k events in many transactions' worth of rows (generated in SQL: set-up, not measured).
    await db.pool.query(
      `insert into es_events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
       select 'inst-' || (g % ${ACCOUNTS}), 'payment', g / ${ACCOUNTS} + 1, gen_random_uuid(), 'PaymentApplied', 1,
              jsonb_build_object('amountFen', 100000 + (g % 7) * 100, 'transferId', gen_random_uuid()),
              jsonb_build_object('correlationId', 'bench', 'actor', 'bench', 'occurredAt', now())
       from generate_series(0, ${TOTAL - 1}) g`,
    );
    await db.pool.query('analyze es_events');

    // Baseline: scan the same rows in the same order and pages, fold in memory.
    const store = new PostgresEventStore(db.pool);
    const baselineStart = process.hrtime.bigint();
    let scanned = 0;
    const baselineTotals = new Map<string, { paid: number; count: number }>();
    for (let last = '0'; ; ) {
      const page = await db.pool.query<{ global_position: string; stream_id: string; data: unknown; metadata: unknown }>(
        'select global_position::text, stream_id, stream_type, stream_version, transaction_id::text, event_id, event_type, schema_version, data, metadata from es_events where es_events.global_position > $1 order by es_events.global_position limit 10000',
        [last],
      );
      if (page.rows.length === 0) break;
      for (const [k, v] of fold(page.rows.map((r) => ({ streamId: r.stream_id, data: r.data })))) {
        const t = baselineTotals.get(k) ?? { paid: 0, count: 0 };
        baselineTotals.set(k, { paid: t.paid + v.paid, count: t.count + v.count });
      }
      scanned += page.rows.length;
      last = page.rows[page.rows.length - 1].global_position;
    }
    const baselineSeconds = Number(process.hrtime.bigint() - baselineStart) / 1e9;

    const runner = new ProjectionRunner(db.pool, store, [paidTotals]);
    const oursStart = process.hrtime.bigint();
    const result = await runner.rebuild('paid_totals');
    const oursSeconds = Number(process.hrtime.bigint() - oursStart) / 1e9;

    const check = await db.pool.query('select count(*)::int as n, sum(paid_fen)::text as s from paid_totals');
    const expected = [...baselineTotals.values()].reduce((s, v) => s + v.paid, 0);
    if (result.events !== TOTAL || scanned !== TOTAL || check.rows[0].n !== ACCOUNTS || check.rows[0].s !== String(expected)) {
      throw new Error(`rebuild disagrees with the scan: ${JSON.stringify({ result, scanned, check: check.rows[0], expected })}`);
    }
    const ours = TOTAL / oursSeconds;
    const baseline = TOTAL / baselineSeconds;
    console.log(`raw scan + fold: ${baseline.toFixed(0)} events/s; projection rebuild: ${ours.toFixed(0)} events/s (${result.events} events into ${result.table})`);
    report({ bench: 'projection-rebuild', ours, baseline, unit: 'events/s', events: TOTAL, rebuild_seconds: round(oursSeconds), scan_seconds: round(baselineSeconds), target_ratio: 0.5 });
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
