import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { CommandHandler } from './command-handler';
import { DomainError, type Command, type Decider, type DomainEvent } from './decider';
import { EVENT_STORE_DDL } from './postgres/schema';
import { ConcurrencyError, PostgresEventStore } from './postgres/event-store';
import { TransactionRolledBack, withTransaction } from './postgres/sql';
import { specFor } from './testing';

type CounterCommand = Command<'Increment', { by: number }> | Command<'Close', Record<string, never>>;
type CounterEvent = DomainEvent<'Incremented', { by: number; total: number }> | DomainEvent<'Closed', { at: string }>;
interface CounterState {
  total: number;
  closed: boolean;
}

/** A tiny decider used to exercise the handler: increments until closed; time comes from metadata. */
const counter: Decider<CounterCommand, CounterState, CounterEvent> = {
  streamType: 'counter',
  initialState: () => ({ total: 0, closed: false }),
  decide(command, state) {
    if (state.closed) throw new DomainError('COUNTER_CLOSED', '计数器已关闭');
    if (command.type === 'Close') return [{ type: 'Closed', schemaVersion: 1, data: { at: command.metadata.now } }];
    return [{ type: 'Incremented', schemaVersion: 1, data: { by: command.data.by, total: state.total + command.data.by } }];
  },
  evolve(state, event) {
    return event.type === 'Incremented' ? { ...state, total: event.data.total } : { ...state, closed: true };
  },
};

const meta = { now: '2026-09-01T00:00:00.000Z', actor: 'tester', correlationId: 'corr-9' };
const inc = (by: number): CounterCommand => ({ type: 'Increment', data: { by }, metadata: meta });

describe('the decider spec helper', () => {
  it('given/when/then on events and on errors', () => {
    specFor(counter).given([]).when(inc(2)).then([{ type: 'Incremented', schemaVersion: 1, data: { by: 2, total: 2 } }]);
    specFor(counter)
      .given([{ type: 'Closed', schemaVersion: 1, data: { at: meta.now } }])
      .when(inc(1))
      .thenThrows('COUNTER_CLOSED');
  });
});

describe('CommandHandler (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('cmd', EVENT_STORE_DDL, 20);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('loads, decides, appends with metadata and writes the mapped integration events to the outbox atomically', async () => {
    const handler = new CommandHandler({
      decider: counter,
      store,
      toIntegrationEvents: ({ events }) => events.map((e) => ({ topic: 'counter.events.v1', event: { type: 'counter.Changed', schemaVersion: 1, data: { kind: e.type } } })),
    });
    const id = `counter-${randomUUID()}`;
    await handler.handle(id, inc(2));
    const decided = await handler.handle(id, inc(3));
    expect(decided.state.total).toBe(5);
    expect(decided.version).toBe(2);
    const events = await store.readStream(id);
    expect(events[1].metadata).toMatchObject({ correlationId: 'corr-9', actor: 'tester', occurredAt: meta.now, commandType: 'Increment' });
    const outbox = await db.pool.query('select payload from es_outbox where message_key = $1 order by id', [id]);
    expect(outbox.rows).toHaveLength(2);
    expect(outbox.rows[1].payload).toMatchObject({ type: 'counter.Changed', streamId: id, correlationId: 'corr-9', causationId: decided.stored[0].eventId });
  });

  it('withTransaction refuses to report success when PostgreSQL rolled the transaction back at COMMIT (a swallowed error)', async () => {
    await db.pool.query('create table if not exists tx_probe (n int)');
    await expect(
      withTransaction(db.pool, async (client) => {
        await client.query('insert into tx_probe values (1)');
        await client.query('select 1/0').catch(() => undefined);
        return 'looks fine';
      }),
    ).rejects.toBeInstanceOf(TransactionRolledBack);
    expect((await db.pool.query('select count(*)::int as n from tx_probe')).rows[0].n).toBe(0);
  });

  it('a broken rule appends nothing', async () => {
    const handler = new CommandHandler({ decider: counter, store });
    const id = `counter-${randomUUID()}`;
    await handler.handle(id, { type: 'Close', data: {}, metadata: meta });
    await expect(handler.handle(id, inc(1))).rejects.toMatchObject({ code: 'COUNTER_CLOSED' });
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('retries optimistic-concurrency conflicts a bounded number of times: 20 concurrent increments, none lost', async () => {
    const handler = new CommandHandler({ decider: counter, store, maxAttempts: 50 });
    const id = `counter-${randomUUID()}`;
    await Promise.all(Array.from({ length: 20 }, () => handler.handle(id, inc(1))));
    const { state, version } = await handler.load(id);
    expect(state.total).toBe(20);
    expect(version).toBe(20);
  });

  it('surfaces the typed ConcurrencyError once attempts run out', async () => {
    const handler = new CommandHandler({ decider: counter, store, maxAttempts: 1 });
    const id = `counter-${randomUUID()}`;
    await handler.handle(id, inc(1));
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => handler.handle(id, inc(1))));
    const conflicts = results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError);
    expect(conflicts.length).toBeGreaterThan(0);
    expect(conflicts.length + results.filter((r) => r.status === 'fulfilled').length).toBe(10);
  });

  it('inside a caller transaction a conflict rolls back only its savepoint', async () => {
    const handler = new CommandHandler({ decider: counter, store, maxAttempts: 3 });
    const id = `counter-${randomUUID()}`;
    await withTransaction(db.pool, async (client) => {
      await client.query('create table if not exists side_effects (id text primary key)');
      await client.query('insert into side_effects values ($1)', [id]);
      await handler.handle(id, inc(4), { client });
    });
    expect((await db.pool.query('select count(*)::int as n from side_effects where id = $1', [id])).rows[0].n).toBe(1);
    expect((await handler.load(id)).state.total).toBe(4);
  });
});
