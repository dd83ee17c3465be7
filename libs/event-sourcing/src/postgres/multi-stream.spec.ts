import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { ConcurrencyError, DuplicateEventError, PostgresEventStore, enqueueOutbox, type NewEvent, type OutboxMessage } from './event-store';
import { MultiStreamEventStore, enqueueOutboxRows } from './multi-stream';
import { EVENT_STORE_DDL } from './schema';
import { withTransaction } from './sql';
import { Upcasters } from '../upcasters';

const event = (type = 'Thing.Happened', data: unknown = { n: 1 }): NewEvent => ({
  eventId: randomUUID(),
  type,
  schemaVersion: 1,
  data,
  metadata: { correlationId: 'c-1', actor: 'test', occurredAt: '2026-09-01T00:00:00.000Z' },
});
const message = (key: string, causationId?: string): OutboxMessage => ({
  topic: 't',
  key,
  event: { eventId: randomUUID(), type: 'x.Y', schemaVersion: 1, streamId: key, occurredAt: '2026-09-01T00:00:00.000Z', correlationId: 'c', ...(causationId ? { causationId } : {}), data: { text: '单位\\名称 "引号"\n\t\r\\n', n: 1 } },
});
const sid = () => `s-${randomUUID()}`;

describe('MultiStreamEventStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let multi: MultiStreamEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_multi', EVENT_STORE_DDL);
    store = new PostgresEventStore(db.pool);
    multi = new MultiStreamEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('appends to several streams in one go, each continuing its own versions, readable by the single-stream store', async () => {
    const [a, b, c] = [sid(), sid(), sid()];
    await store.append(a, 'thing', 'no_stream', [event('A1'), event('A2')]);
    await store.append(c, 'thing', 'no_stream', [event('C1')]);
    const result = await multi.append([
      { streamId: a, streamType: 'thing', expected: 2, events: [event('A3')] },
      { streamId: b, streamType: 'other', expected: 'no_stream', events: [event('B1'), event('B2')] },
      { streamId: c, streamType: 'thing', expected: 'any', events: [event('C2')] },
    ]);
    expect([...result]).toEqual([
      [a, 3],
      [b, 2],
      [c, 2],
    ]);
    expect((await store.readStream(a)).map((e) => [e.type, e.streamVersion])).toEqual([['A1', 1], ['A2', 2], ['A3', 3]]);
    const bRead = await store.readStream(b);
    expect(bRead.map((e) => [e.type, e.streamType, e.streamVersion])).toEqual([['B1', 'other', 1], ['B2', 'other', 2]]);
    expect(bRead[0]).toMatchObject({ data: { n: 1 }, metadata: { correlationId: 'c-1', actor: 'test' } });
    // Positions follow the order of the appends.
    expect(Number(bRead[0].globalPosition)).toBeLessThan(Number(bRead[1].globalPosition));
    const read = await multi.readStreams([a, b, c, sid()]);
    expect([...read.keys()].sort()).toEqual([a, b, c].sort());
    expect(read.get(c)!.map((e) => e.type)).toEqual(['C1', 'C2']);
  });

  it.each([
    ['a stream that moved on (stale expected version)', 1],
    ['no_stream for a stream that exists', 'no_stream' as const],
    ['a stream behind the expected version', 5],
  ])('rejects %s with ConcurrencyError naming it, and writes nothing to any stream or the outbox', async (_what, expected) => {
    const [ok, bad] = [sid(), sid()];
    await store.append(bad, 'thing', 'no_stream', [event(), event()]);
    const attempt = withTransaction(db.pool, (client) =>
      multi.append(
        [
          { streamId: ok, streamType: 'thing', expected: 'no_stream', events: [event()] },
          { streamId: bad, streamType: 'thing', expected, events: [event()] },
        ],
        { client, outbox: [message(ok)] },
      ),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: bad });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.readStream(ok)).toEqual([]);
    expect((await store.readStream(bad)).length).toBe(2);
    expect((await db.pool.query('select 1 from es_outbox where message_key = $1', [ok])).rowCount).toBe(0);
  });

  it('two writers racing on overlapping streams: exactly one wins, the other gets ConcurrencyError', async () => {
    const [shared, x, y] = [sid(), sid(), sid()];
    await store.append(shared, 'thing', 'no_stream', [event()]);
    const writer = (own: string) => multi.append([
      { streamId: own, streamType: 'thing', expected: 'no_stream', events: [event()] },
      { streamId: shared, streamType: 'thing', expected: 1, events: [event(own)] },
    ]);
    const results = await Promise.allSettled([writer(x), writer(y)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream(shared)).map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it('a writer that commits between the version check and the COPY makes the COPY fail with ConcurrencyError', async () => {
    const shared = sid();
    await store.append(shared, 'thing', 'no_stream', [event()]);
    const first = await db.pool.connect();
    try {
      await first.query('begin');
      await multi.append([{ streamId: shared, streamType: 'thing', expected: 1, events: [event('first')] }], { client: first });
      // The second writer's check sees version 1 (the first is uncommitted); its COPY waits on the first's row.
      const second = multi.append([{ streamId: shared, streamType: 'thing', expected: 1, events: [event('second')] }]);
      // The expectation is attached before the commit: under load the second's refusal can be processed before the
      // first's COMMIT answer, and a rejection nobody handles yet fails the test (jest) although it is the expected one.
      const refused = expect(second).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: shared });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await first.query('commit');
      await refused;
    } finally {
      first.release();
    }
    expect((await store.readStream(shared)).map((e) => e.type)).toEqual(['Thing.Happened', 'first']);
  });

  it('refuses the same stream twice and a duplicate event id', async () => {
    const a = sid();
    await expect(multi.append([
      { streamId: a, streamType: 'thing', expected: 'no_stream', events: [event()] },
      { streamId: a, streamType: 'thing', expected: 1, events: [event()] },
    ])).rejects.toThrow('appears twice');
    const e = event();
    await multi.append([{ streamId: a, streamType: 'thing', expected: 'no_stream', events: [e] }]);
    await expect(multi.append([{ streamId: sid(), streamType: 'thing', expected: 'no_stream', events: [{ ...e }] }])).rejects.toBeInstanceOf(DuplicateEventError);
  });

  it('writes outbox rows identical to enqueueOutbox (payload, headers, causation), in message order, even with no events', async () => {
    const key = sid();
    const messages = [message(key), message(key, randomUUID()), message(key)];
    await withTransaction(db.pool, (client) => multi.append([], { client, outbox: messages }));
    const reference = [message(`${key}-ref`), message(`${key}-ref`, randomUUID())];
    await withTransaction(db.pool, (client) => enqueueOutbox(client, reference));
    const ours = await db.pool.query('select event_id, event_type, schema_version, payload, headers, topic from es_outbox where message_key = $1 order by id', [key]);
    expect(ours.rows.map((r) => r.event_id)).toEqual(messages.map((m) => m.event.eventId));
    expect(ours.rows.map((r) => r.payload)).toEqual(messages.map((m) => JSON.parse(JSON.stringify(m.event))));
    const theirs = await db.pool.query('select event_type, schema_version, headers, topic from es_outbox where message_key = $1 order by id', [`${key}-ref`]);
    const shape = (r: { event_type: string; schema_version: number; headers: Record<string, string>; topic: string }) => ({ type: r.event_type, version: r.schema_version, topic: r.topic, headers: Object.keys(r.headers).sort() });
    expect(shape(ours.rows[1])).toEqual(shape(theirs.rows[1]));
    expect(shape(ours.rows[0])).toEqual(shape(theirs.rows[0]));
    expect(ours.rows[1].headers).toEqual({ 'event-id': messages[1].event.eventId, 'event-type': 'x.Y', 'schema-version': '1', 'correlation-id': 'c', 'causation-id': messages[1].event.causationId });
  });

  it('enqueueOutboxRows gives the transaction its id before taking outbox ids', async () => {
    const key = sid();
    await withTransaction(db.pool, async (client) => {
      await enqueueOutboxRows(client, [message(key)]);
      const r = await client.query<{ same: boolean }>('select transaction_id = pg_current_xact_id() as same from es_outbox where message_key = $1', [key]);
      expect(r.rows[0].same).toBe(true);
    });
  });

  it('does not NOTIFY (notifying commits are serialised by PostgreSQL; the relay polls)', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    try {
      await listener.query('listen es_outbox');
      const notifications: string[] = [];
      listener.on('notification', (n) => notifications.push(n.channel));
      await withTransaction(db.pool, (client) => enqueueOutboxRows(client, [message(sid())]));
      const key = sid();
      await store.append(key, 'thing', 'no_stream', [event('Created')], { outbox: [message(key)] });
      await withTransaction(db.pool, (client) => enqueueOutbox(client, [message(sid())]));
      // A notification is delivered when the notifying transaction commits; a round trip later it would have arrived.
      await listener.query('select 1');
      await new Promise((r) => setTimeout(r, 100));
      expect(notifications).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('reads streams through the upcasters', async () => {
    const a = sid();
    await store.append(a, 'thing', 'no_stream', [event('Renamed', { name: 'old' })]);
    const upcasting = new MultiStreamEventStore(db.pool, new Upcasters().register('Renamed', 1, (d) => ({ ...(d as object), displayName: (d as { name: string }).name })));
    const [e] = (await upcasting.readStreams([a])).get(a)!;
    expect(e).toMatchObject({ type: 'Renamed', schemaVersion: 2, data: { name: 'old', displayName: 'old' }, streamVersion: 1 });
  });
});
