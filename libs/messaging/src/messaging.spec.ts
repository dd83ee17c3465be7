import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { InstitutionNameChanged, InstitutionRegistered, type IntegrationEvent } from '@lsc/contracts';
import { EVENT_STORE_DDL, PostgresEventStore, enqueueOutbox, withTransaction, type NewEvent } from '@lsc/event-sourcing';
import { createTestDatabase, createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { OutboxRelay } from './outbox-relay';
import { KafkaEventRouter } from './event-router';
import { PermanentError } from './errors';

const domainEvent = (): NewEvent => ({ eventId: randomUUID(), type: 'Registered', schemaVersion: 1, data: {}, metadata: { correlationId: 'corr-1', actor: 't', occurredAt: new Date().toISOString() } });

const registered = (streamId: string, overrides: Partial<IntegrationEvent> = {}): IntegrationEvent => ({
  eventId: randomUUID(),
  type: InstitutionRegistered.type,
  schemaVersion: 1,
  streamId,
  occurredAt: new Date().toISOString(),
  correlationId: 'corr-1',
  data: { ...InstitutionRegistered.example, institutionId: randomUUID() },
  ...overrides,
});

async function collect(kafka: Kafka, topic: string, into: KafkaMessage[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: uniqueName('g') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void into.push(message) });
  return consumer;
}

describe('outbox relay and event router (real PostgreSQL + Kafka)', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let topic: string;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('msg', EVENT_STORE_DDL);
    kafka = testKafka();
    topic = uniqueName('events');
    await createTestTopics(kafka, [topic], { partitions: 3, withDeadLetter: true });
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await deleteTestTopics(kafka, [topic, `${topic}.dlt`]);
    await db.drop();
  });

  /**
   * Has the (started) relay publish one row and forgets it: the relay's cursor is then past its floor (the first row
   * after a reset), so ids it skips afterwards are gaps, which the tests below are about.
   */
  async function primeCursor(onTopic: string, received: KafkaMessage[]): Promise<void> {
    const primer = registered(`primer-${randomUUID()}`);
    await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: onTopic, key: primer.streamId, event: primer }]));
    await eventually(() => received.length >= 1, { what: 'the primer row' });
    received.length = 0;
  }

  it('publishes committed outbox rows keyed by stream with id/type/version/correlation headers, in stream order, and empties the outbox', async () => {
    const store = new PostgresEventStore(db.pool);
    const registry = new Registry();
    const relay = new OutboxRelay(db.pool, kafka, { lockName: uniqueName('relay'), idlePollMs: 50, registry });
    const received: KafkaMessage[] = [];
    consumers.push(await collect(kafka, topic, received));
    relay.start();
    const streamId = `inst-${randomUUID()}`;
    const sent: IntegrationEvent[] = [];
    for (let v = 0; v < 25; v++) {
      const e = registered(streamId);
      sent.push(e);
      await store.append(streamId, 'institution', v === 0 ? 'no_stream' : v, [domainEvent()], { outbox: [{ topic, key: streamId, event: e }] });
    }
    await eventually(() => received.length >= 25, { what: '25 messages' });
    await relay.stop();
    expect(received.map((m) => JSON.parse(m.value!.toString()).eventId)).toEqual(sent.map((e) => e.eventId));
    expect(received.every((m) => m.key!.toString() === streamId)).toBe(true);
    expect(received[0].headers).toMatchObject({ 'event-type': Buffer.from(InstitutionRegistered.type), 'schema-version': Buffer.from('1'), 'correlation-id': Buffer.from('corr-1') });
    expect((await db.pool.query('select count(*)::int as n from es_outbox')).rows[0].n).toBe(0);
    expect(await registry.getSingleMetricAsString('outbox_published_total')).toContain('outbox_published_total 25');
    expect(await registry.getSingleMetricAsString('lsc_registrations_total')).toContain('lsc_registrations_total 25');
  });

  it('publishes a row whose transaction commits after later rows were published (the cursor remembers the gap)', async () => {
    const gapTopic = uniqueName('gap');
    await createTestTopics(kafka, [gapTopic], { partitions: 1 });
    const received: KafkaMessage[] = [];
    consumers.push(await collect(kafka, gapTopic, received));
    const relay = new OutboxRelay(db.pool, kafka, { lockName: uniqueName('relay'), idlePollMs: 50 });
    relay.start();
    const slow = await db.pool.connect();
    try {
      await primeCursor(gapTopic, received);
      await slow.query('begin');
      const late = registered(`late-${randomUUID()}`);
      await enqueueOutbox(slow, [{ topic: gapTopic, key: late.streamId, event: late }]);
      const early = registered(`early-${randomUUID()}`);
      await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: gapTopic, key: early.streamId, event: early }]));
      await eventually(() => received.length >= 1, { what: 'the early row' });
      await new Promise((r) => setTimeout(r, 300));
      expect(received.map((m) => JSON.parse(m.value!.toString()).eventId)).toEqual([early.eventId]);
      await slow.query('commit');
      await eventually(() => received.length >= 2, { what: 'the late row after its commit' });
      expect(JSON.parse(received[1].value!.toString()).eventId).toBe(late.eventId);
    } finally {
      slow.release();
      await relay.stop();
      await deleteTestTopics(kafka, [gapTopic]);
    }
  });

  it('keeps waiting for a row whose transaction took a transaction id above every completed one (the snapshot xmax is no bound)', async () => {
    // A snapshot's xmax is one past the latest completed transaction, so a running transaction may hold an id at or
    // above it. Here the late writer takes its id after the early one, takes its outbox id first, and commits last;
    // a relay that took the xmax as the gap's bound would drop the gap while the late writer still runs (on a quiet
    // cluster; another transaction completing in between hides that).
    const gapTopic = uniqueName('xmax');
    await createTestTopics(kafka, [gapTopic], { partitions: 1 });
    const received: KafkaMessage[] = [];
    consumers.push(await collect(kafka, gapTopic, received));
    const relay = new OutboxRelay(db.pool, kafka, { lockName: uniqueName('relay'), idlePollMs: 20 });
    relay.start();
    const early = await db.pool.connect();
    const late = await db.pool.connect();
    try {
      await eventually(() => relay.leader, { what: 'leadership' });
      await primeCursor(gapTopic, received);
      await early.query('begin');
      await early.query('select pg_current_xact_id()');
      await late.query('begin');
      const lateEvent = registered(`late-${randomUUID()}`);
      await enqueueOutbox(late, [{ topic: gapTopic, key: lateEvent.streamId, event: lateEvent }]);
      const earlyEvent = registered(`early-${randomUUID()}`);
      await enqueueOutbox(early, [{ topic: gapTopic, key: earlyEvent.streamId, event: earlyEvent }], { transactionHasId: true });
      await early.query('commit');
      await eventually(() => received.length >= 1, { what: 'the early row' });
      // Many relay rounds while the late writer is still in flight.
      await new Promise((r) => setTimeout(r, 500));
      await late.query('commit');
      await eventually(() => received.length >= 2, { what: 'the late row after its commit', timeoutMs: 10000 });
      expect(received.map((m) => JSON.parse(m.value!.toString()).eventId)).toEqual([earlyEvent.eventId, lateEvent.eventId]);
    } finally {
      early.release();
      late.release();
      await relay.stop();
      await deleteTestTopics(kafka, [gapTopic]);
    }
  });

  it('forgets the id of a rolled-back transaction once no transaction then in flight remains (the gap set does not grow)', async () => {
    const gapTopic = uniqueName('rollback');
    await createTestTopics(kafka, [gapTopic], { partitions: 1 });
    const received: KafkaMessage[] = [];
    consumers.push(await collect(kafka, gapTopic, received));
    const relay = new OutboxRelay(db.pool, kafka, { lockName: uniqueName('relay'), idlePollMs: 50 });
    const gaps = () => (relay as unknown as { gaps: Map<string, bigint> }).gaps.size;
    relay.start();
    const slow = await db.pool.connect();
    try {
      await primeCursor(gapTopic, received);
      await slow.query('begin');
      const doomed = registered(`doomed-${randomUUID()}`);
      await enqueueOutbox(slow, [{ topic: gapTopic, key: doomed.streamId, event: doomed }]);
      const early = registered(`early-${randomUUID()}`);
      await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: gapTopic, key: early.streamId, event: early }]));
      await eventually(() => received.length >= 1, { what: 'the row after the in-flight one' });
      expect(gaps()).toBeGreaterThan(0);
      await slow.query('rollback');
      const after = registered(`after-${randomUUID()}`);
      await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: gapTopic, key: after.streamId, event: after }]));
      await eventually(() => received.length >= 2, { what: 'the row after the rollback' });
      // Other test files' transactions may hold the cluster horizon back for a moment; the gap goes once they end.
      await eventually(async () => {
        await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: gapTopic, key: 'tick', event: registered('tick') }]));
        return gaps() === 0;
      }, { what: 'the rolled-back id to be forgotten' });
      expect(received.map((m) => JSON.parse(m.value!.toString()).eventId)).not.toContain(doomed.eventId);
      // Drained before the topic goes: a row left for a deleted topic would block the next test's relay.
      await eventually(async () => (await db.pool.query('select count(*)::int as n from es_outbox where topic = $1', [gapTopic])).rows[0].n === 0, { what: 'the outbox drained' });
    } finally {
      slow.release();
      await relay.stop();
      await deleteTestTopics(kafka, [gapTopic]);
    }
  });

  it('after a reset, ids below the first row read are a floor, not gaps: a long-lived outbox costs nothing to start on, and rows of transactions in flight then are published or forgotten', async () => {
    // Ids in the millions, as in a service that has run for a while: listing them as gaps took seconds and hundreds
    // of MB on every start and every broker outage (2M ids: 2.9 s, +612 MB).
    const own = await createTestDatabase('floor', EVENT_STORE_DDL);
    await own.pool.query(`select setval(pg_get_serial_sequence('es_outbox', 'id'), 1000000)`);
    const floorTopic = uniqueName('floor');
    await createTestTopics(kafka, [floorTopic], { partitions: 1 });
    const received: KafkaMessage[] = [];
    consumers.push(await collect(kafka, floorTopic, received));
    const relay = new OutboxRelay(own.pool, kafka, { lockName: uniqueName('relay'), idlePollMs: 20 });
    const internals = relay as unknown as { gaps: Map<string, bigint | null>; floor?: { below: string; bound: bigint | null } };
    const early = await own.pool.connect();
    const late = await own.pool.connect();
    const doomed = await own.pool.connect();
    try {
      // As in the xmax test: the late writer takes its transaction id after the early one and its outbox id first, so
      // a bound taken from a snapshot's xmax would let the floor go while it still runs.
      await early.query('begin');
      await early.query('select pg_current_xact_id()');
      await late.query('begin');
      const lateEvent = registered(`late-${randomUUID()}`);
      await enqueueOutbox(late, [{ topic: floorTopic, key: lateEvent.streamId, event: lateEvent }]);
      await doomed.query('begin');
      const doomedEvent = registered(`doomed-${randomUUID()}`);
      await enqueueOutbox(doomed, [{ topic: floorTopic, key: doomedEvent.streamId, event: doomedEvent }]);
      const earlyEvent = registered(`early-${randomUUID()}`);
      await enqueueOutbox(early, [{ topic: floorTopic, key: earlyEvent.streamId, event: earlyEvent }], { transactionHasId: true });
      await early.query('commit');
      relay.start();
      await eventually(() => received.length >= 1, { what: 'the early row' });
      expect(internals.gaps.size).toBe(0);
      expect(internals.floor?.below).toBeDefined();
      // Many relay rounds while both writers below the floor are still in flight.
      await new Promise((r) => setTimeout(r, 500));
      expect(internals.floor).toBeDefined();
      await doomed.query('rollback');
      await late.query('commit');
      await eventually(() => received.length >= 2, { what: 'the late row after its commit', timeoutMs: 10000 });
      // Once no transaction then in flight remains, the floor goes (other test files' transactions may hold the
      // cluster's horizon back for a moment).
      await eventually(async () => {
        await withTransaction(own.pool, (c) => enqueueOutbox(c, [{ topic: floorTopic, key: 'tick', event: registered('tick') }]));
        return internals.floor === undefined;
      }, { what: 'the floor to be dropped' });
      await new Promise((r) => setTimeout(r, 200));
      const ids = received.map((m) => JSON.parse(m.value!.toString()).eventId);
      expect(ids.slice(0, 2)).toEqual([earlyEvent.eventId, lateEvent.eventId]);
      expect(ids).not.toContain(doomedEvent.eventId);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      early.release();
      late.release();
      doomed.release();
      await relay.stop();
      await deleteTestTopics(kafka, [floorTopic]);
      await own.drop();
    }
  });

  it('publishes a row committed while a batch was in flight in the next round, not after an idle wait', async () => {
    const wakeTopic = uniqueName('wake');
    await createTestTopics(kafka, [wakeTopic], { partitions: 1 });
    const received: KafkaMessage[] = [];
    consumers.push(await collect(kafka, wakeTopic, received));
    const second = registered(`second-${randomUUID()}`);
    const published: number[] = [];
    const relay = new OutboxRelay(db.pool, kafka, {
      lockName: uniqueName('relay'),
      // The round after a partial batch begins minPollMs after it began and reads the row committed meanwhile (in the
      // same statement that deletes the acknowledged batch).
      minPollMs: 20,
      afterPublish: async (count) => {
        published.push(count);
        if (published.length === 1) await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: wakeTopic, key: second.streamId, event: second }]));
      },
    });
    // Committed before the relay starts, so its first read (on becoming leader) finds it.
    const first = registered(`first-${randomUUID()}`);
    await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: wakeTopic, key: first.streamId, event: first }]));
    relay.start();
    try {
      await eventually(() => relay.leader, { what: 'leadership' });
      await eventually(() => published.length >= 2, { what: 'the row committed during the first batch to be published', timeoutMs: 15000 });
      await eventually(() => received.length >= 2, { what: 'both rows at the consumer' });
      expect(received.map((m) => JSON.parse(m.value!.toString()).eventId)).toEqual([first.eventId, second.eventId]);
    } finally {
      await relay.stop();
      await deleteTestTopics(kafka, [wakeTopic]);
    }
  });

  it('is woken by a commit of outbox rows in this process: no wait for the idle poll, yet no more reads than minPollMs allows', async () => {
    const wakeTopic = uniqueName('wake');
    await createTestTopics(kafka, [wakeTopic], { partitions: 1 });
    const published: number[] = [];
    // An idle poll of 30 s: only the wake-up can explain a prompt publish.
    const relay = new OutboxRelay(db.pool, kafka, { lockName: uniqueName('relay'), minPollMs: 10, idlePollMs: 30_000, idleAfterMs: 0, afterPublish: () => void published.push(Date.now()) });
    relay.start();
    try {
      await eventually(() => relay.leader, { what: 'leadership' });
      await new Promise((r) => setTimeout(r, 300));
      const e = registered(`wake-${randomUUID()}`);
      await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: wakeTopic, key: e.streamId, event: e }]));
      const committedAt = Date.now();
      await eventually(() => published.length >= 1, { what: 'the row published after the wake-up', timeoutMs: 10_000 });
      expect(published[0] - committedAt).toBeLessThan(1000);
      // A rolled-back transaction wakes nothing and publishes nothing.
      const lost = registered(`wake-${randomUUID()}`);
      await withTransaction(db.pool, async (c) => {
        await enqueueOutbox(c, [{ topic: wakeTopic, key: lost.streamId, event: lost }]);
        throw new Error('rolled back');
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      expect(published).toHaveLength(1);
    } finally {
      await relay.stop();
      await deleteTestTopics(kafka, [wakeTopic]);
    }
  });

  it('picks up a commit while idle by polling (no NOTIFY), backed off to at most the idle ceiling', async () => {
    const pollTopic = uniqueName('poll');
    await createTestTopics(kafka, [pollTopic], { partitions: 1 });
    const published: number[] = [];
    const relay = new OutboxRelay(db.pool, kafka, { lockName: uniqueName('relay'), minPollMs: 5, idlePollMs: 50, idleAfterMs: 100, afterPublish: () => void published.push(Date.now()) });
    relay.start();
    try {
      await eventually(() => relay.leader, { what: 'leadership' });
      // Idle long enough to have backed off to the ceiling.
      await new Promise((r) => setTimeout(r, 1000));
      const e = registered(`poll-${randomUUID()}`);
      await withTransaction(db.pool, (c) => enqueueOutbox(c, [{ topic: pollTopic, key: e.streamId, event: e }]));
      const committedAt = Date.now();
      await eventually(() => published.length >= 1, { what: 'the row published by a poll', timeoutMs: 10000 });
      // 50 ms ceiling + a read and a send; generous for a loaded machine, far below the old 250 ms idle poll + send.
      expect(published[0] - committedAt).toBeLessThan(1000);
    } finally {
      await relay.stop();
      await deleteTestTopics(kafka, [pollTopic]);
    }
  });

  it('only the advisory-lock holder publishes when two relays run', async () => {
    const lockName = uniqueName('relay');
    const a = new OutboxRelay(db.pool, kafka, { lockName, idlePollMs: 50, standbyPollMs: 100 });
    const b = new OutboxRelay(db.pool, kafka, { lockName, idlePollMs: 50, standbyPollMs: 100 });
    a.start();
    b.start();
    await eventually(() => a.leader || b.leader, { what: 'a leader' });
    await new Promise((r) => setTimeout(r, 300));
    expect([a.leader, b.leader].filter(Boolean)).toHaveLength(1);
    const wasLeader = a.leader ? a : b;
    const standby = a.leader ? b : a;
    await wasLeader.stop();
    await eventually(() => standby.leader, { what: 'standby takes over' });
    await standby.stop();
  });

  describe('router', () => {
    const consumerName = uniqueName('consumer');
    let router: KafkaEventRouter;
    const seen: string[] = [];
    const afterCommitted: string[] = [];
    let failTransiently = 0;

    beforeAll(async () => {
      router = new KafkaEventRouter(db.pool, kafka, { consumer: consumerName, transientAttempts: 3 });
      router.on(InstitutionRegistered, async (event, { client, afterCommit }) => {
        // Registered before a possible failure: a rolled-back attempt must not run it.
        afterCommit(() => afterCommitted.push(event.eventId));
        if (failTransiently-- > 0) throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
        await client.query('create table if not exists seen (event_id uuid primary key)');
        await client.query('insert into seen values ($1)', [event.eventId]);
        seen.push(event.eventId);
      });
      router.on(InstitutionNameChanged, async () => {
        throw new PermanentError('cannot handle');
      });
    });
    afterAll(() => router.close());

    const incoming = (value: unknown, offset = String(Math.floor(Math.random() * 1e9))) => ({ topic, partition: 0, offset, key: 'k', value: typeof value === 'string' ? value : Buffer.from(JSON.stringify(value)), headers: {} });

    it('handles an event once; a redelivery is acknowledged as a duplicate with no second effect', async () => {
      const e = registered('s1');
      expect(await router.dispatch(incoming(e))).toBe('processed');
      expect(await router.dispatch(incoming(e))).toBe('duplicate');
      expect(seen.filter((id) => id === e.eventId)).toHaveLength(1);
      expect((await db.pool.query('select count(*)::int as n from seen where event_id = $1', [e.eventId])).rows[0].n).toBe(1);
      expect(afterCommitted.filter((id) => id === e.eventId)).toHaveLength(1); // not again for the duplicate
    });

    it('retries transient failures and then succeeds; the inbox row and effect commit together', async () => {
      failTransiently = 2;
      const e = registered('s2');
      expect(await router.dispatch(incoming(e))).toBe('processed');
      expect((await db.pool.query('select count(*)::int as n from es_inbox where consumer = $1 and event_id = $2', [consumerName, e.eventId])).rows[0].n).toBe(1);
      expect(afterCommitted.filter((id) => id === e.eventId)).toHaveLength(1); // only the attempt that committed
    });

    it('leaves a message whose transient failures persist for redelivery (throws, inbox untouched)', async () => {
      failTransiently = 100;
      const e = registered('s3');
      await expect(router.dispatch(incoming(e))).rejects.toThrow('connection reset');
      expect((await db.pool.query('select count(*)::int as n from es_inbox where event_id = $1', [e.eventId])).rows[0].n).toBe(0);
      expect(afterCommitted).not.toContain(e.eventId);
      failTransiently = 0;
    });

    it('sends invalid JSON, contract violations and permanent handler errors to <topic>.dlt with error headers', async () => {
      const dead: KafkaMessage[] = [];
      consumers.push(await collect(kafka, `${topic}.dlt`, dead));
      const bad = registered('s4');
      (bad.data as Record<string, unknown>).email = 'not-an-email';
      expect(await router.dispatch(incoming('{not json'))).toBe('dead_lettered');
      expect(await router.dispatch(incoming(bad))).toBe('dead_lettered');
      expect(await router.dispatch(incoming({ ...registered('s5'), type: InstitutionNameChanged.type, data: InstitutionNameChanged.example }))).toBe('dead_lettered');
      expect(await router.dispatch(incoming({ ...registered('s6'), eventId: 'not-a-uuid' }))).toBe('dead_lettered');
      await eventually(() => dead.length >= 4, { what: '4 dead letters' });
      const classes = dead.map((m) => m.headers!['dlt-error-class']!.toString());
      expect(classes).toEqual(['contract_violation', 'contract_violation', 'permanent', 'contract_violation']);
      expect(dead[1].headers!['dlt-error']!.toString()).toContain('email');
      expect(dead[0].headers!['dlt-original-topic']!.toString()).toBe(topic);
    });

    it('ignores valid events it has no handler for, including types newer than its contracts (other consumers want them)', async () => {
      const otherRouter = new KafkaEventRouter(db.pool, kafka, { consumer: uniqueName('other') });
      expect(await otherRouter.dispatch(incoming(registered('s7')))).toBe('ignored');
      expect(await router.dispatch(incoming({ ...registered('s8'), type: 'identity.SomethingNew' }))).toBe('ignored');
    });

    it('with waitForOpen, holds messages until open() (handlers registered) instead of ignoring them', async () => {
      const early = new KafkaEventRouter(db.pool, kafka, { consumer: uniqueName('early'), waitForOpen: true });
      const handled: string[] = [];
      const pending = early.dispatch(incoming(registered('s11')));
      let settled = false;
      void pending.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      early.on(InstitutionRegistered, async (event) => void handled.push(event.eventId));
      early.open();
      expect(await pending).toBe('processed');
      expect(handled).toHaveLength(1);
      await early.close();
    });

    it('dead-letters a version it cannot read of a type it consumes, and invalid UTF-8 instead of decoding it to U+FFFD', async () => {
      const dead: KafkaMessage[] = [];
      consumers.push(await collect(kafka, `${topic}.dlt`, dead));
      const v9 = { ...registered('s9'), schemaVersion: 9 };
      expect(await router.dispatch(incoming(v9))).toBe('dead_lettered');
      const valid = Buffer.from(JSON.stringify(registered('s10')));
      const at = valid.indexOf(Buffer.from('"name":"')) + 8;
      const broken = Buffer.concat([valid.subarray(0, at), Buffer.from([0xc3, 0x28]), valid.subarray(at)]);
      expect(await router.dispatch({ ...incoming('x'), value: broken })).toBe('dead_lettered');
      await eventually(() => dead.some((m) => /isUtf8|UTF-8/.test(String(m.headers!['dlt-error']))) && dead.some((m) => /v9/.test(String(m.headers!['dlt-error']))), { what: 'both dead letters' });
      expect(seen).not.toContain(v9.eventId);
    });
  });
});
