import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { onEventsCommitted, WakeableSleep } from './commit-signal';
import { PostgresEventStore, type NewEvent } from './event-store';
import { MultiStreamEventStore } from './multi-stream';
import { EVENT_STORE_DDL } from './schema';
import { withTransaction } from './sql';

const event = (): NewEvent => ({ eventId: randomUUID(), type: 'Thing.Happened', schemaVersion: 1, data: { n: 1 }, metadata: { correlationId: 'c', actor: 't', occurredAt: '2026-09-01T00:00:00.000Z' } });
const outbox = () => [{ topic: 't.v1', key: 'k', event: { eventId: randomUUID(), type: 'x.Happened', schemaVersion: 1, streamId: 'k', correlationId: 'c', occurredAt: '2026-09-01T00:00:00.000Z', data: {} } }];

describe('commit signal (real PostgreSQL): wakes the loops that follow the store when events or outbox rows commit', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let signals: number;
  let unsubscribe: () => void;

  beforeAll(async () => {
    db = await createTestDatabase('es_signal', EVENT_STORE_DDL);
    store = new PostgresEventStore(db.pool);
    unsubscribe = onEventsCommitted(() => signals++);
  });
  afterAll(async () => {
    unsubscribe();
    await db.drop();
  });
  beforeEach(() => (signals = 0));

  it('signals once per committed append: on its own, with outbox rows, and inside a caller’s transaction after its COMMIT', async () => {
    await store.append(`s-${randomUUID()}`, 'thing', 'no_stream', [event()]);
    expect(signals).toBe(1);
    await store.append(`s-${randomUUID()}`, 'thing', 'no_stream', [event()], { outbox: outbox() });
    expect(signals).toBe(2);
    await withTransaction(db.pool, async (client) => {
      await store.append(`s-${randomUUID()}`, 'thing', 'no_stream', [event()], { client });
      await store.append(`s-${randomUUID()}`, 'thing', 'no_stream', [event()], { client });
      expect(signals).toBe(2); // not before the COMMIT: a reader woken now would not see the rows
    });
    expect(signals).toBe(3);
    await new MultiStreamEventStore(db.pool).append([{ streamId: `m-${randomUUID()}`, streamType: 'thing', expected: 'no_stream', events: [event()] }], { outbox: outbox() });
    expect(signals).toBe(4);
  });

  it('does not signal a rolled-back transaction, a failed append, or a transaction that wrote no events', async () => {
    await expect(
      withTransaction(db.pool, async (client) => {
        await store.append(`s-${randomUUID()}`, 'thing', 'no_stream', [event()], { client });
        throw new Error('handler failed after the append');
      }),
    ).rejects.toThrow('handler failed');
    const id = `s-${randomUUID()}`;
    await store.append(id, 'thing', 'no_stream', [event()]);
    signals = 0;
    await expect(store.append(id, 'thing', 'no_stream', [event()], { outbox: outbox() })).rejects.toThrow();
    await withTransaction(db.pool, (client) => client.query('select 1'));
    expect(signals).toBe(0);
  });
});

describe('WakeableSleep', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  const settled = (p: Promise<void>): { done: boolean } => {
    const state = { done: false };
    void p.then(() => (state.done = true));
    return state;
  };

  it('a wake ends the sleep at its minimum, not earlier, and a late wake ends it at once', async () => {
    const sleep = new WakeableSleep();
    const first = settled(sleep.sleep(1000, 10));
    sleep.wake();
    await jest.advanceTimersByTimeAsync(9);
    expect(first.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(first.done).toBe(true);

    const second = settled(sleep.sleep(1000, 10));
    await jest.advanceTimersByTimeAsync(300);
    expect(second.done).toBe(false);
    sleep.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(second.done).toBe(true);
  });

  it('without a wake it sleeps the whole time; a sleep without a minimum is ended only by cancel', async () => {
    const sleep = new WakeableSleep();
    const plain = settled(sleep.sleep(500));
    sleep.wake();
    await jest.advanceTimersByTimeAsync(499);
    expect(plain.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(plain.done).toBe(true);

    const cancelled = settled(sleep.sleep(10_000));
    sleep.cancel();
    await jest.advanceTimersByTimeAsync(0);
    expect(cancelled.done).toBe(true);
  });
});
