import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { createTestDatabase, eventually, type TestDatabase } from '@lsc/testing';
import { EVENT_STORE_DDL } from './postgres/schema';
import { PostgresEventStore, type NewEvent, type StoredEvent } from './postgres/event-store';
import { ProjectionRunner, type Projection } from './projections';

const e = (type: string, data: unknown): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: { correlationId: 'c', actor: 't', occurredAt: '2026-09-01T00:00:00.000Z' } });

/** Totals per account; version 2 also counts events, to prove a changed projection is rebuilt from position 0. */
const totals = (version: number): Projection => ({
  name: 'account_totals',
  version,
  streamTypes: ['account'],
  createTable: (table) => `create table ${table} (account_id text primary key, total integer not null${version > 1 ? ', events integer not null' : ''})`,
  async apply(client: PoolClient, table: string, event: StoredEvent) {
    const amount = (event.data as { amount: number }).amount;
    if (version > 1) {
      await client.query(`insert into ${table} (account_id, total, events) values ($1, $2, 1) on conflict (account_id) do update set total = ${table}.total + excluded.total, events = ${table}.events + 1`, [event.streamId, amount]);
    } else {
      await client.query(`insert into ${table} (account_id, total) values ($1, $2) on conflict (account_id) do update set total = ${table}.total + excluded.total`, [event.streamId, amount]);
    }
  },
});

describe('projections (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('proj', EVENT_STORE_DDL);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('is woken by a commit of events in this process instead of waiting out its idle delay; stop() does not wait for it', async () => {
    const runner = new ProjectionRunner(db.pool, store, [{ ...totals(1), name: 'woken_totals', streamTypes: ['woken_account'] }], { idleDelayMs: 30_000 });
    runner.start();
    try {
      await eventually(async () => (await db.pool.query(`select count(*)::int as n from es_projections where name = 'woken_totals'`)).rows[0].n === 1, { what: 'the projection registered' });
      await new Promise((r) => setTimeout(r, 200)); // caught up and asleep for 30 s
      const account = `woken-${randomUUID()}`;
      await store.append(account, 'woken_account', 'no_stream', [e('Deposited', { amount: 7 })]);
      const appendedAt = Date.now();
      await eventually(async () => (await db.pool.query('select total from woken_totals where account_id = $1', [account])).rows[0]?.total === 7, { what: 'the woken update', timeoutMs: 5000 });
      expect(Date.now() - appendedAt).toBeLessThan(2000);
    } finally {
      const stopping = Date.now();
      await runner.stop();
      expect(Date.now() - stopping).toBeLessThan(2000);
    }
  });

  it('follows the store with the checkpoint in the same transaction, then rebuilds online when its version changes', async () => {
    for (let i = 0; i < 50; i++) await store.append(`acct-${i % 5}`, 'account', 'any', [e('Deposited', { amount: 10 })]);
    await store.append('other', 'not-an-account', 'no_stream', [e('Ignored', { amount: 999 })]);

    const v1 = new ProjectionRunner(db.pool, store, [totals(1)], { idleDelayMs: 20 });
    v1.start();
    await eventually(async () => (await db.pool.query('select count(*)::int as n from account_totals').catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n === 5, { what: 'v1 rows' });
    await store.append('acct-0', 'account', 'any', [e('Deposited', { amount: 5 })]);
    await eventually(async () => (await db.pool.query(`select total from account_totals where account_id = 'acct-0'`)).rows[0]?.total === 105, { what: 'live update' });
    await v1.stop();

    // A new version of the projection: the runner rebuilds into a new table while the old view keeps answering.
    const v2 = new ProjectionRunner(db.pool, store, [totals(2)], { idleDelayMs: 20 });
    v2.start();
    await eventually(async () => (await db.pool.query(`select active_version from es_projections where name = 'account_totals'`)).rows[0]?.active_version === 2, { what: 'switch to v2' });
    const rows = (await db.pool.query('select account_id, total, events from account_totals order by account_id')).rows;
    expect(rows).toEqual([
      { account_id: 'acct-0', total: 105, events: 11 },
      { account_id: 'acct-1', total: 100, events: 10 },
      { account_id: 'acct-2', total: 100, events: 10 },
      { account_id: 'acct-3', total: 100, events: 10 },
      { account_id: 'acct-4', total: 100, events: 10 },
    ]);
    const tables = (await db.pool.query(`select tablename from pg_tables where tablename like 'account_totals__g%'`)).rows;
    expect(tables).toHaveLength(1);

    // An operator's forced rebuild of the same version gives the same answer from position 0.
    const forced = await v2.forceRebuild('account_totals');
    expect(forced.events).toBe(51);
    expect((await db.pool.query('select sum(total)::int as s from account_totals')).rows[0].s).toBe(505);
    await v2.stop();
  });

  it('once caught up, looks with one probe instead of a transaction, and the probe still finds events this process was not told about', async () => {
    const projection = { ...totals(1), name: 'probed_totals', streamTypes: ['probed_account'] };
    const runner = new ProjectionRunner(db.pool, store, [projection], { idleDelayMs: 20, activePollMs: 20 });
    const batches = jest.spyOn(runner, 'runBatch');
    const probes = jest.spyOn(store, 'hasEventsAfter');
    runner.start();
    try {
      await eventually(async () => (await db.pool.query(`select count(*)::int as n from es_projections where name = 'probed_totals'`)).rows[0].n === 1, { what: 'the projection registered' });
      await new Promise((r) => setTimeout(r, 300));
      const [batchesBefore, probesBefore] = [batches.mock.calls.length, probes.mock.calls.length];
      await new Promise((r) => setTimeout(r, 500));
      expect(probes.mock.calls.length - probesBefore).toBeGreaterThan(5); // it keeps looking, every ~20 ms …
      expect(batches.mock.calls.length - batchesBefore).toBe(0); // … without opening a transaction
      // A commit this process does not signal (as another replica's would be): a transaction begun by hand.
      const account = `probed-${randomUUID()}`;
      const client = await db.pool.connect();
      try {
        await client.query('begin');
        await store.append(account, 'probed_account', 'no_stream', [e('Deposited', { amount: 4 })], { client });
        await client.query('commit');
      } finally {
        client.release();
      }
      await eventually(async () => (await db.pool.query('select total from probed_totals where account_id = $1', [account])).rows[0]?.total === 4, { what: 'the unsignalled event applied', timeoutMs: 5000 });
    } finally {
      await runner.stop();
      batches.mockRestore();
      probes.mockRestore();
    }
  });

  it('two runners of one projection (two replicas) apply every event exactly once, whichever moved the checkpoint', async () => {
    const projection = { ...totals(1), name: 'replicated_totals', streamTypes: ['replicated_account'] };
    const runners = [0, 1].map(() => new ProjectionRunner(db.pool, store, [projection], { idleDelayMs: 20, activePollMs: 20 }));
    runners.forEach((r) => r.start());
    try {
      await eventually(async () => (await db.pool.query(`select count(*)::int as n from es_projections where name = 'replicated_totals'`)).rows[0].n === 1, { what: 'the projection registered' });
      for (let i = 0; i < 40; i++) {
        await store.append(`rep-${i % 4}`, 'replicated_account', 'any', [e('Deposited', { amount: 1 })]);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 30)); // let both runners take turns
      }
      await eventually(async () => (await db.pool.query('select sum(total)::int as s from replicated_totals')).rows[0]?.s === 40, { what: 'all 40 applied', timeoutMs: 10000 });
      await new Promise((r) => setTimeout(r, 300));
      expect((await db.pool.query('select account_id, total from replicated_totals order by account_id')).rows).toEqual(
        [0, 1, 2, 3].map((k) => ({ account_id: `rep-${k}`, total: 10 })),
      );
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
  });
});
