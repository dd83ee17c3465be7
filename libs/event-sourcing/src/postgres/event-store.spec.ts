import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, eventually, type TestDatabase } from '@lsc/testing';
import { ConcurrencyError, PostgresEventStore, START, type NewEvent } from './event-store';
import { EVENT_STORE_DDL } from './schema';
import { Upcasters } from '../upcasters';

const event = (type = 'Thing.Happened', data: unknown = { n: 1 }): NewEvent => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data,
  metadata: { correlationId: 'c-1', actor: 'test', occurredAt: '2026-09-01T00:00:00.000Z' },
});

describe('PostgresEventStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es', EVENT_STORE_DDL);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('appends and reads a stream in version order', async () => {
    const id = `s-${randomUUID()}`;
    const r1 = await store.append(id, 'thing', 'no_stream', [event('A'), event('B')]);
    expect(r1.nextExpectedVersion).toBe(2);
    const r2 = await store.append(id, 'thing', 2, [event('C')]);
    expect(r2.nextExpectedVersion).toBe(3);
    const read = await store.readStream(id);
    expect(read.map((e) => [e.type, e.streamVersion])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ]);
    expect(read[0].metadata.correlationId).toBe('c-1');
  });

  it('rejects a stale expected version, a no_stream append to an existing stream and a version from the future', async () => {
    const id = `s-${randomUUID()}`;
    await store.append(id, 'thing', 'no_stream', [event()]);
    await expect(store.append(id, 'thing', 'no_stream', [event()])).rejects.toBeInstanceOf(ConcurrencyError);
    await store.append(id, 'thing', 1, [event()]);
    await expect(store.append(id, 'thing', 1, [event()])).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.append(id, 'thing', 5, [event()])).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream(id)).length).toBe(2);
  });

  it("'any' appends after whatever is there", async () => {
    const id = `s-${randomUUID()}`;
    await store.append(id, 'thing', 'any', [event()]);
    await store.append(id, 'thing', 'any', [event(), event()]);
    expect((await store.readStream(id)).map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  });

  it('writes outbox messages in the same transaction, and writes nothing when the append conflicts', async () => {
    const id = `s-${randomUUID()}`;
    const integration = (eventId: string) => ({ topic: 't', key: id, event: { eventId, type: 'x.Y', schemaVersion: 1, streamId: id, occurredAt: '2026-09-01T00:00:00.000Z', correlationId: 'c', data: {} } });
    const first = randomUUID();
    await store.append(id, 'thing', 'no_stream', [event()], { outbox: [integration(first)] });
    await expect(store.append(id, 'thing', 'no_stream', [event()], { outbox: [integration(randomUUID())] })).rejects.toBeInstanceOf(ConcurrencyError);
    const rows = await db.pool.query('select event_id, headers from es_outbox where message_key = $1', [id]);
    expect(rows.rows.map((r) => r.event_id)).toEqual([first]);
    expect(rows.rows[0].headers).toMatchObject({ 'event-id': first, 'event-type': 'x.Y', 'schema-version': '1', 'correlation-id': 'c' });
  });

  it('two writers racing on one stream: no lost update, every loser gets the typed ConcurrencyError', async () => {
    const id = `s-${randomUUID()}`;
    await store.append(id, 'thing', 'no_stream', [event()]);
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => store.append(id, 'thing', 1, [event()])));
    const ok = attempts.filter((a) => a.status === 'fulfilled');
    const conflicts = attempts.filter((a) => a.status === 'rejected' && a.reason instanceof ConcurrencyError);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(7);
    expect((await store.readStream(id)).length).toBe(2);
  });

  it('readAll never skips a transaction that commits after a later one (out-of-order commit)', async () => {
    const fresh = await createTestDatabase('es_gap', EVENT_STORE_DDL);
    const gapStore = new PostgresEventStore(fresh.pool);
    try {
      await gapStore.append('before', 'thing', 'no_stream', [event('Before')]);
      const slow = new Client({ connectionString: fresh.url });
      slow.on('error', () => undefined);
      await slow.connect();
      await slow.query('begin');
      // The slow transaction takes its position first…
      await slow.query(`insert into es_events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata) values ('slow', 'thing', 1, $1, 'Slow', 1, '{}', '{}')`, [randomUUID()]);
      // …a fast one commits a later position meanwhile.
      await gapStore.append('fast', 'thing', 'no_stream', [event('Fast')]);

      // readAll stops below the oldest transaction in flight anywhere in the cluster (other test files run in
      // parallel), so wait until only our slow transaction holds the horizon.
      const firstRead = await eventually(async () => {
        const read = await gapStore.readAll(START);
        return read.length > 0 ? read : undefined;
      }, { what: 'the committed event before the slow transaction' });
      expect(firstRead.map((e) => e.type)).toEqual(['Before']);
      const checkpoint = { transactionId: firstRead[0].transactionId, globalPosition: firstRead[0].globalPosition };
      expect(await gapStore.readAll(checkpoint)).toEqual([]);

      await slow.query('commit');
      await slow.end();
      const secondRead = await eventually(async () => {
        const read = await gapStore.readAll(checkpoint);
        return read.length >= 2 ? read : undefined;
      }, { what: 'both late and early transactions' });
      expect(secondRead.map((e) => e.type)).toEqual(['Slow', 'Fast']);
      // A reader that polled global_position > last would have read Fast and then skipped Slow forever.
      expect(BigInt(secondRead[0].globalPosition)).toBeLessThan(BigInt(secondRead[1].globalPosition));
    } finally {
      await fresh.drop();
    }
  });

  it('readAll returns positions in numeric order past single digits (no text ordering)', async () => {
    const fresh = await createTestDatabase('es_order', EVENT_STORE_DDL);
    try {
      const ordered = new PostgresEventStore(fresh.pool);
      for (let i = 0; i < 25; i++) await ordered.append(`s-${i}`, 'thing', 'no_stream', [event('E', { i })]);
      await ordered.append('batch', 'thing', 'no_stream', Array.from({ length: 15 }, (_, i) => event('B', { i })));
      const all = await eventually(async () => {
        const read = await ordered.readAll(START, { limit: 1000 });
        return read.length === 40 ? read : undefined;
      }, { what: 'all 40 events below the horizon' });
      expect(all).toHaveLength(40);
      const positions = all.map((e) => BigInt(e.globalPosition));
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
      const paged = [...(await ordered.readAll(START, { limit: 12 }))];
      while (paged.length < 40) {
        const last = paged[paged.length - 1];
        paged.push(...(await ordered.readAll({ transactionId: last.transactionId, globalPosition: last.globalPosition }, { limit: 12 })));
      }
      expect(paged.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    } finally {
      await fresh.drop();
    }
  });

  it('upcasts old event versions on read, never rewriting the stored row', async () => {
    const id = `s-${randomUUID()}`;
    await store.append(id, 'thing', 'no_stream', [event('Renamed', { fullName: '图书馆' })]);
    const upcasting = new PostgresEventStore(db.pool, new Upcasters().register('Renamed', 1, (d) => ({ name: (d as { fullName: string }).fullName })));
    const [read] = await upcasting.readStream(id);
    expect(read).toMatchObject({ schemaVersion: 2, data: { name: '图书馆' } });
    const raw = await db.pool.query('select schema_version, data from es_events where stream_id = $1', [id]);
    expect(raw.rows[0]).toEqual({ schema_version: 1, data: { fullName: '图书馆' } });
  });
});
