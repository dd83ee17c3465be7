import { onEventsCommitted, WakeableSleep } from '@lsc/event-sourcing';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface OutboxRelayOptions {
  /** Distinguishes relays sharing one database (tests); one relay per service database holds the lock. */
  lockName?: string;
  batchSize?: number;
  /**
   * Poll interval while rows keep coming (and for idleAfterMs after the last one); also the shortest time between the
   * starts of two rounds unless the relay is behind (a full batch). Default 10.
   */
  minPollMs?: number;
  /** Poll interval ceiling: reached, growing ×1.5 per empty poll, once nothing has come for idleAfterMs. */
  idlePollMs?: number;
  /** How long without rows before the poll interval starts to grow from minPollMs towards idlePollMs. */
  idleAfterMs?: number;
  standbyPollMs?: number;
  maxBackoffMs?: number;
  logger?: Logger;
  registry?: Registry;
  /** Test seam for crash tests: runs after the broker acknowledged a batch and before it is deleted. */
  afterPublish?: (count: number) => Promise<void> | void;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  /** The envelope as JSON text, sent as is (no parse/serialise round trip). */
  payload: string;
  headers: Record<string, string>;
}

/**
 * When the relay reads next: at once after a full batch (it is behind); after a round that published less, once
 * minPollMs have passed since that round began (rows trickling in are sent in batches of minPollMs' worth, not one
 * produce request and one fetch at the consumers each per row); after an empty round, after an adaptive interval —
 * minPollMs while rows have come in the last idleAfterMs, then growing ×1.5 per empty poll up to idlePollMs.
 *
 * Polling, not LISTEN/NOTIFY: PostgreSQL serialises the commits of notifying transactions (a global lock held through
 * the commit's WAL flush, so no group commit), which capped outbox writers far below the plain commit rate; an idle
 * poll is one indexed read on the leader's connection (costs in bench/outbox-relay/commit-rate.ts). A commit of outbox
 * rows in this process wakes an idle relay (onEventsCommitted, @lsc/event-sourcing), so the idle ceiling only bounds how
 * late rows committed by another replica go out. 10 ms rather than
 * 5: at 1,000 events/s the relay then sends ~100 batches/s instead of ~175–250, which took ~35% of a core off the
 * relay, the broker, PostgreSQL and the consumer together on a 2-core machine, for ~2.5 ms more median latency.
 */
export class PollInterval {
  private lastRowsAt: number;
  private current: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly idleAfterMs: number,
    now = Date.now(),
  ) {
    this.lastRowsAt = now;
    this.current = minMs;
  }

  /**
   * The delay before the next read, given how many rows the last round published (0: none), whether that was a full
   * batch, and how long the round took.
   */
  next(published: number, full: boolean, roundMs: number, now = Date.now()): number {
    if (published > 0) {
      this.lastRowsAt = now;
      this.current = this.minMs;
      return full ? 0 : Math.max(0, this.minMs - roundMs);
    }
    if (now - this.lastRowsAt < this.idleAfterMs) return (this.current = this.minMs);
    const delay = this.current;
    this.current = Math.min(this.maxMs, Math.max(this.minMs, this.current * 1.5));
    return delay;
  }
}

/**
 * Publishes outbox rows to Kafka in commit order per stream (key = stream id, acks=all, one request in flight) and
 * deletes them only after the broker acknowledged. A crash between the two re-publishes: consumers' inboxes absorb it.
 * Only the holder of the PostgreSQL advisory lock publishes, so any number of replicas may run a relay.
 */
export class OutboxRelay {
  private stopped = true;
  private loop?: Promise<void>;
  /** The relay's waits; a commit of outbox rows in this process ends an idle one early (see PollInterval). */
  private readonly waits = new WakeableSleep();
  private unsubscribe?: () => void;
  private producer?: Producer;
  private lockClient?: PoolClient;
  private readonly options: Required<Omit<OutboxRelayOptions, 'logger' | 'registry' | 'afterPublish'>> & Pick<OutboxRelayOptions, 'logger' | 'afterPublish'>;
  private readonly published?: Counter;
  private readonly business?: BusinessCounters;
  leader = false;
  private cursor = '0';
  /** Ids the broker acknowledged, deleted by the next read (same statement, no round trip of their own). */
  private acknowledged: string[] = [];
  private prefetched?: Promise<OutboxRow[]>;
  /**
   * Outbox ids the cursor passed while their transaction was in flight → a transaction id above that transaction's
   * (null until known). Once the horizon (the oldest transaction still in flight) reaches it, the transaction has ended.
   */
  private readonly gaps = new Map<string, bigint | null>();
  /**
   * After a reset (new leadership, or starting over after a failure) the first row read defines a floor: ids below it
   * that were not visible then belong to transactions in flight then (or are gone). They are not listed one by one as
   * gaps — on a long-lived outbox the first id is in the millions, and listing them took seconds and hundreds of MB —
   * but looked up as a range (minus the ones already published) until the horizon passes the floor's bound.
   */
  private floor?: { below: string; bound: bigint | null; seen: Set<string> };
  private bounding = false;
  /**
   * Bumped whenever the cursor is reset: a read still in flight from before (the read-ahead of a batch whose send
   * failed) must not move the cursor forward again, or the rows it read would be skipped until the next leadership.
   */
  private epoch = 0;

  constructor(
    private readonly pool: Pool,
    private readonly kafka: Kafka,
    options: OutboxRelayOptions = {},
  ) {
    this.options = { lockName: 'outbox-relay', batchSize: 1000, minPollMs: 10, idlePollMs: 50, idleAfterMs: 1000, standbyPollMs: 2000, maxBackoffMs: 5000, ...options };
    if (options.registry) {
      this.business = new BusinessCounters(options.registry);
      this.published = new Counter({ name: 'outbox_published_total', help: 'Integration events published from the outbox to Kafka', registers: [options.registry] });
      const pool = this.pool;
      const age = new Gauge({ name: 'outbox_oldest_pending_age_seconds', help: 'Age of the oldest unpublished outbox event', registers: [options.registry] });
      // Sampled on scrape, so the gauges are current without a timer.
      new Gauge({
        name: 'outbox_pending_events',
        help: 'Integration events waiting in the outbox',
        registers: [options.registry],
        async collect() {
          const r = await pool.query<{ n: string; age: number | null }>('select count(*)::text as n, extract(epoch from now() - min(created_at))::float8 as age from es_outbox');
          this.set(Number(r.rows[0].n));
          age.set(r.rows[0].age ?? 0);
        },
      });
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe ??= onEventsCommitted(() => this.waits.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.waits.cancel();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    const poll = new PollInterval(this.options.minPollMs, this.options.idlePollMs, this.options.idleAfterMs);
    while (!this.stopped) {
      try {
        if (!this.leader) {
          await this.tryBecomeLeader();
          if (!this.leader) {
            await this.sleep(this.options.standbyPollMs);
            continue;
          }
        }
        const roundStart = Date.now();
        const published = await this.publishBatch();
        backoff = 100;
        const delay = poll.next(published, published >= this.options.batchSize, Date.now() - roundStart);
        // Woken by a commit in this process, an idle wait ends minPollMs after it began: never more reads than before.
        if (delay > 0) await this.sleep(delay, this.options.minPollMs);
      } catch (err) {
        this.options.logger?.warn({ err: (err as Error).message, backoffMs: backoff }, 'outbox relay failed; backing off');
        // Start over from the table: rows not yet deleted are read (and published) again, none is skipped.
        this.resetCursor();
        await this.resetProducer();
        if (this.lockClient && !(await this.lockStillHeld())) await this.releaseLeadership();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      }
    }
    if (this.lockClient && this.acknowledged.length > 0) {
      // Left behind, they would only be published again by the next leader (inboxes absorb that); still, tidy up.
      await this.lockClient.query('delete from es_outbox where id = any($1::bigint[])', [this.acknowledged]).catch(() => undefined);
      this.acknowledged = [];
    }
    await this.releaseLeadership();
    await this.resetProducer();
  }

  private async tryBecomeLeader(): Promise<void> {
    const client = await this.pool.connect();
    try {
      const r = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [this.options.lockName]);
      if (!r.rows[0].locked) {
        client.release();
        return;
      }
      client.on('error', () => undefined);
      // The relay's only writes are deletes of rows the broker already has: one lost in a database crash means the row
      // is published again (inboxes absorb it), never lost, so they need not wait for the WAL flush.
      await client.query('set synchronous_commit = off');
      this.lockClient = client;
      this.resetCursor();
      this.leader = true;
      this.options.logger?.info({ lock: this.options.lockName }, 'outbox relay is the publisher');
    } catch (err) {
      client.release(true);
      throw err;
    }
  }

  private resetCursor(): void {
    this.epoch += 1;
    this.cursor = '0';
    this.gaps.clear();
    this.floor = undefined;
    this.prefetched = undefined;
  }

  private async lockStillHeld(): Promise<boolean> {
    try {
      await this.lockClient!.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  private async releaseLeadership(): Promise<void> {
    const client = this.lockClient;
    this.lockClient = undefined;
    this.leader = false;
    if (!client) return;
    try {
      await client.query('reset synchronous_commit');
      await client.query('select pg_advisory_unlock(hashtext($1))', [this.options.lockName]);
      client.release();
    } catch {
      client.release(true);
    }
  }

  private async ensureProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    // One request in flight keeps per-partition order across retries; duplicates after a failed ack are absorbed by inboxes.
    // The Java client's murmur2 partitioner, named so kafkajs does not warn: a key lands where any other client puts it.
    const producer = this.kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 200 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  /**
   * One round: read the next committed rows, publish them with acks=all; the next read deletes what the broker
   * acknowledged. Rows are read forward from a cursor (so the scan never wades through the dead tuples of rows already
   * published). An id skipped by the cursor belongs to a transaction still in flight (or rolled back): it is remembered
   * as a gap, looked up by primary key every round, and forgotten only once that transaction has certainly ended. So a
   * late commit is published late, never lost, and a long transaction elsewhere in the cluster delays nothing but its
   * own rows. Per-stream order holds: a stream's next event cannot commit before the previous one (the append would
   * conflict), so it is never read before it.
   */
  async publishBatch(): Promise<number> {
    let rows = (await this.prefetched) ?? [];
    this.prefetched = undefined;
    // The read-ahead was taken when the previous send began; rows committed while the broker acknowledged would
    // otherwise wait a whole extra round (a send and its ack) — top the batch up with a fresh read.
    if (rows.length < this.options.batchSize) rows = rows.concat(await this.readBatch(this.options.batchSize - rows.length));
    if (rows.length === 0) return 0;
    const producer = await this.ensureProducer();
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const list = byTopic.get(row.topic);
      if (list) list.push(row);
      else byTopic.set(row.topic, [row]);
    }
    const sending = producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic.entries()].map(([topic, list]) => ({
        topic,
        messages: list.map((row) => ({ key: row.message_key, value: row.payload, headers: row.headers })),
      })),
    });
    // Behind (a full batch): read the next batch while the broker acknowledges this one. On any failure the run loop
    // resets the cursor, so whatever was read ahead is read again. Not behind, the read after the ack finds whatever
    // committed meanwhile anyway: a read ahead would only double the reads (and their CPU) per round.
    let next: Promise<OutboxRow[]> | undefined;
    if (rows.length >= this.options.batchSize) {
      next = this.readBatch();
      next.catch(() => undefined);
    }
    await sending;
    this.prefetched = next;
    await this.options.afterPublish?.(rows.length);
    // Deleted by the next read. A crash before that re-publishes them (inboxes absorb the duplicates); nothing is lost.
    for (const row of rows) this.acknowledged.push(row.id);
    this.published?.inc(rows.length);
    if (this.business) for (const row of rows) this.business.count(row.payload);
    return rows.length;
  }

  /**
   * One statement (one round trip, one snapshot): the remembered gaps that have committed since, the rows below the
   * floor not yet published, then the next rows after the cursor, and the snapshot's horizon (xmin, the oldest
   * transaction in flight). Newly skipped ids become gaps; a gap not found once the horizon has passed its bound (see
   * boundGaps) can no longer commit (its transaction rolled back) and is dropped; so is the floor, once the horizon
   * has passed its bound and its lookup was complete (fewer rows than the limit). Rows and horizon come from the same
   * snapshot, so a gap whose transaction committed below the horizon is visible in it.
   */
  private async readBatch(limit: number = this.options.batchSize): Promise<OutboxRow[]> {
    const epoch = this.epoch;
    const deleting = this.acknowledged;
    this.acknowledged = [];
    const floor = this.floor;
    const reading = this.db.query<Omit<OutboxRow, 'id'> & { id: string | null; xmin: string; kind: 'gap' | 'floor' | 'next' | null }>(
      `with published as (delete from es_outbox where id = any($4::bigint[]))
       select pg_snapshot_xmin(h.s)::text as xmin, o.id::text as id, o.topic, o.message_key, o.payload::text as payload, o.headers, o.kind
       from pg_current_snapshot() as h(s)
       left join lateral (
         (select id, topic, message_key, payload, headers, 'gap' as kind from es_outbox where id = any($3::bigint[]))
         union all
         (select id, topic, message_key, payload, headers, 'floor' as kind from es_outbox where id < $6::bigint and id <> all($7::bigint[]) order by id limit $2)
         union all
         (select id, topic, message_key, payload, headers, 'next' as kind from es_outbox where id > $1::bigint and id <> all($5::bigint[]) order by id limit $2)
       ) as o on true
       order by o.id`,
      // Only the deleted ids the cursor has not passed need excluding from the forward read (rows of the same statement
      // still see them): after a reset, none otherwise — a 1,000-element NOT IN per row read is not free. Below the
      // floor: the ones published since it was set, and any being deleted.
      [
        this.cursor,
        limit,
        this.gaps.size > 0 ? [...this.gaps.keys()] : [],
        deleting,
        deleting.filter((id) => idAbove(id, this.cursor)),
        floor?.below ?? '0',
        floor ? [...floor.seen, ...deleting.filter((id) => idAbove(floor.below, id))] : [],
      ],
    );
    const result = await reading.catch((err: unknown) => {
      // Nothing was deleted (one statement): they are still published rows to delete, never to read again.
      this.acknowledged.push(...deleting);
      throw err;
    });
    // The cursor was reset while this read was in flight: its rows are read again from the start.
    if (epoch !== this.epoch) return [];
    const horizon = BigInt(result.rows[0].xmin);
    const rows: OutboxRow[] = [];
    const found = new Set<string>();
    let belowFloor = 0;
    let previous = BigInt(this.cursor);
    for (const { id, topic, message_key, payload, headers, kind } of result.rows) {
      if (id === null) continue;
      rows.push({ id, topic, message_key, payload, headers });
      if (kind === 'gap') {
        found.add(id);
        continue;
      }
      if (kind === 'floor') {
        floor!.seen.add(id);
        belowFloor += 1;
        continue;
      }
      const position = BigInt(id);
      if (this.cursor === '0') {
        // The first row since the reset: what is missing below it is the floor's (bound by boundGaps), not gaps.
        this.floor = { below: id, bound: null, seen: new Set() };
      } else {
        for (let missing = previous + 1n; missing < position; missing++) this.gaps.set(missing.toString(), null);
      }
      previous = position;
      this.cursor = id;
    }
    // Found gaps are published now; a gap still missing once its transaction has certainly ended was rolled back.
    for (const [id, bound] of this.gaps) if (found.has(id) || (bound !== null && bound <= horizon)) this.gaps.delete(id);
    // Every transaction that held an id below the floor has ended, and this complete lookup saw what they committed.
    if (floor && this.floor === floor && floor.bound !== null && floor.bound <= horizon && belowFloor < limit) this.floor = undefined;
    if (!this.bounding && (this.floor?.bound === null || [...this.gaps.values()].includes(null))) this.boundGaps();
    return rows;
  }

  /**
   * Gives every gap without one a transaction id above its transaction's. The snapshot's xmax is no such bound: it is
   * one past the latest *completed* transaction, and a transaction still running may hold a higher id — the horizon
   * can pass that xmax while it runs, and its row would be dropped before it commits. Instead take a fresh transaction
   * id now, after the read that found the gap: the missing row's transaction took its id before the row was skipped
   * (writers take a transaction id before outbox ids, and a later id was already visible), ids are handed out in
   * order, so this one is higher. The statement writes no data, so its commit is not flushed synchronously. It is
   * queued on the leader connection without waiting; until it answers the gaps are only looked up, never dropped.
   */
  private boundGaps(): void {
    const epoch = this.epoch;
    const unbounded = [...this.gaps].filter(([, bound]) => bound === null).map(([id]) => id);
    // The same holds for the floor: an id below it was handed out before the floor's row, which was visible.
    const floor = this.floor?.bound === null ? this.floor : undefined;
    this.bounding = true;
    this.db.query<{ xid: string }>('select pg_current_xact_id()::text as xid').then(
      (r) => {
        this.bounding = false;
        if (epoch !== this.epoch) return;
        const bound = BigInt(r.rows[0].xid);
        for (const id of unbounded) if (this.gaps.get(id) === null) this.gaps.set(id, bound);
        if (floor && floor.bound === null) floor.bound = bound;
      },
      // The next read fails on a broken connection too and starts over; until then the gaps just stay.
      () => void (this.bounding = false),
    );
  }

  /**
   * The leader's own connection (the one holding the advisory lock): the relay never waits behind the service's
   * request traffic for a pooled connection, and loses leadership with it.
   */
  private get db(): PoolClient {
    if (!this.lockClient) throw new Error('outbox relay lost its connection');
    return this.lockClient;
  }

  /** Waits `ms`; from `minMs` on, a commit of outbox rows in this process ends the wait (default: only stop() does). */
  private sleep(ms: number, minMs = ms): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.waits.sleep(ms, minMs);
  }
}

/** a > b for ids as PostgreSQL prints bigints (decimal, no leading zeros, never negative here). */
const idAbove = (a: string, b: string): boolean => (a.length !== b.length ? a.length > b.length : a > b);

/**
 * Business figures for the dashboards, counted when the integration event that records the fact is published (so a
 * rolled-back command never counts, and each service counts only its own facts).
 */
class BusinessCounters {
  private readonly registrations: Counter;
  private readonly applications: Counter<'kind'>;
  private readonly matches: Counter<'mode'>;
  private readonly invoices: Counter;

  constructor(registry: Registry) {
    this.registrations = new Counter({ name: 'lsc_registrations_total', help: 'Institution accounts registered', registers: [registry] });
    this.applications = new Counter({ name: 'lsc_applications_submitted_total', help: 'Membership applications submitted, by kind (new|renewal)', labelNames: ['kind'], registers: [registry] });
    this.matches = new Counter({ name: 'lsc_payments_matched_total', help: 'Bank transfers matched to payment orders, by mode (auto|manual)', labelNames: ['mode'], registers: [registry] });
    this.invoices = new Counter({ name: 'lsc_invoices_issued_total', help: 'E-invoices issued', registers: [registry] });
  }

  count(payload: string): void {
    // Cheap prefilter: only the four event types below are parsed.
    if (!/"type":\s*"(identity\.InstitutionRegistered|membership\.ApplicationSubmitted|billing\.PaymentMatched|billing\.InvoiceIssued)"/.test(payload)) return;
    const event = JSON.parse(payload) as { type: string; data: { kind?: string; mode?: string } };
    if (event.type === 'identity.InstitutionRegistered') this.registrations.inc();
    else if (event.type === 'membership.ApplicationSubmitted') this.applications.inc({ kind: event.data.kind ?? 'new' });
    else if (event.type === 'billing.PaymentMatched') this.matches.inc({ mode: event.data.mode ?? 'auto' });
    else if (event.type === 'billing.InvoiceIssued') this.invoices.inc();
  }
}
