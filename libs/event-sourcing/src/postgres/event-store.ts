import type { Pool, PoolClient } from 'pg';
import { EventHeaders, type IntegrationEvent } from '@lsc/contracts';
import { noteEventWrites } from './commit-signal';
import { isUniqueViolation, withTransaction, type Queryable } from './sql';
import { Upcasters } from '../upcasters';
import { SELECT_COLUMNS, toStoredEvent, type EventRow } from './rows';

export interface EventMetadata {
  correlationId: string;
  causationId?: string;
  actor: string;
  occurredAt: string;
  [extra: string]: unknown;
}

export interface NewEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  streamId: string;
  streamType: string;
  streamVersion: number;
  /** bigint as decimal string: positions outgrow Number.MAX_SAFE_INTEGER only in theory, but never lose precision. */
  globalPosition: string;
  transactionId: string;
}

/** Expected stream version: an exact version, 'no_stream' (must not exist yet) or 'any' (no check). */
export type ExpectedVersion = number | 'no_stream' | 'any';

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
  ) {
    super(`stream ${streamId} is not at the expected version ${String(expected)}`);
    this.name = 'ConcurrencyError';
  }
}

export class DuplicateEventError extends Error {
  constructor(readonly streamId: string) {
    super(`an event appended to ${streamId} already exists (same event id)`);
    this.name = 'DuplicateEventError';
  }
}

/** An integration event to publish through the outbox, written in the same transaction as the append. */
export interface OutboxMessage {
  topic: string;
  key: string;
  event: IntegrationEvent;
}

export interface AppendResult {
  nextExpectedVersion: number;
  globalPositions: string[];
}

export interface Checkpoint {
  transactionId: string;
  globalPosition: string;
}

export const START: Checkpoint = { transactionId: '0', globalPosition: '0' };

const APPEND_SQL = `
insert into es_events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
select $1, $2, $3::int + t.ord::int, t.event_id, t.event_type, t.schema_version, t.data, t.metadata
from unnest($4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[]) with ordinality as t(event_id, event_type, schema_version, data, metadata, ord)
where $3::int = 0 or exists (select 1 from es_events where stream_id = $1 and stream_version = $3::int)
returning global_position::text`;

// No NOTIFY: PostgreSQL serialises the commits of notifying transactions (a global lock held through the commit's WAL
// flush, so no group commit), which capped outbox writers at a fraction of the plain commit rate. The relay polls
// instead, with a short adaptive interval (see OutboxRelay in @lsc/messaging).
const OUTBOX_SQL = `
insert into es_outbox (topic, message_key, event_id, event_type, schema_version, payload, headers)
select t.* from unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[]) as t`;

// ORDER BY must name the table's columns (es_events.x),
// or PostgreSQL sorts by the text output columns of the same name ("10" < "9").

export class PostgresEventStore {
  constructor(
    readonly pool: Pool,
    private readonly upcasters: Upcasters = new Upcasters(),
  ) {}

  /**
   * Appends events with an optimistic concurrency check and, in the same transaction, the outbox messages.
   * Pass `client` to join a transaction the caller opened (e.g. with a projection or inbox write).
   */
  async append(streamId: string, streamType: string, expected: ExpectedVersion, events: NewEvent[], options: { outbox?: OutboxMessage[]; client?: PoolClient } = {}): Promise<AppendResult> {
    if (events.length === 0 && !options.outbox?.length) return { nextExpectedVersion: typeof expected === 'number' ? expected : 0, globalPositions: [] };
    const run = async (client: Queryable): Promise<AppendResult> => {
      const base = expected === 'no_stream' ? 0 : expected === 'any' ? await this.currentVersion(client, streamId) : expected;
      const positions = events.length > 0 ? await this.insertEvents(client, streamId, streamType, base, expected, events) : [];
      if (options.outbox?.length) await enqueueOutbox(client, options.outbox, { transactionHasId: positions.length > 0 });
      noteEventWrites(client, client !== this.pool);
      return { nextExpectedVersion: base + events.length, globalPositions: positions };
    };
    if (options.client) return run(options.client);
    // One INSERT statement is atomic on its own: skip BEGIN/COMMIT round trips when there is nothing else to write.
    // ('any' reads the current version first, so it still needs a transaction.)
    if (!options.outbox?.length && expected !== 'any') return run(this.pool);
    return withTransaction(this.pool, run);
  }

  private async insertEvents(client: Queryable, streamId: string, streamType: string, base: number, expected: ExpectedVersion, events: NewEvent[]): Promise<string[]> {
    try {
      const result = await client.query<{ global_position: string }>(APPEND_SQL, [
        streamId,
        streamType,
        base,
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ]);
      if (result.rowCount !== events.length) throw new ConcurrencyError(streamId, expected);
      return result.rows.map((r) => r.global_position);
    } catch (err) {
      if (isUniqueViolation(err, 'es_events_stream_version_uq')) throw new ConcurrencyError(streamId, expected);
      if (isUniqueViolation(err, 'es_events_event_id_uq')) throw new DuplicateEventError(streamId);
      throw err;
    }
  }

  private async currentVersion(client: Queryable, streamId: string): Promise<number> {
    const r = await client.query<{ v: number | null }>('select max(stream_version) as v from es_events where stream_id = $1', [streamId]);
    return r.rows[0]?.v ?? 0;
  }

  async readStream(streamId: string, options: { fromVersion?: number; client?: Queryable } = {}): Promise<StoredEvent[]> {
    const q = options.client ?? this.pool;
    const r = await q.query<EventRow>(`select ${SELECT_COLUMNS} from es_events where stream_id = $1 and stream_version >= $2 order by stream_version`, [streamId, options.fromVersion ?? 1]);
    return r.rows.map((row) => this.toStoredEvent(row));
  }

  /**
   * Reads committed events after the checkpoint in commit-safe order: only rows of transactions older than every
   * transaction still in flight, ordered by (transaction id, position). A transaction that commits late is therefore
   * read after the ones before it committed, never skipped.
   */
  async readAll(after: Checkpoint, options: { limit?: number; streamTypes?: string[]; client?: Queryable } = {}): Promise<StoredEvent[]> {
    const q = options.client ?? this.pool;
    const { where, params } = readableAfter(after, options.streamTypes);
    params.push(options.limit ?? 1000);
    const r = await q.query<EventRow>(`select ${SELECT_COLUMNS} from es_events where ${where} order by es_events.transaction_id, es_events.global_position limit $${params.length}`, params);
    return r.rows.map((row) => this.toStoredEvent(row));
  }

  /** Whether readAll(after) would return anything now: one indexed probe, no rows fetched. */
  async hasEventsAfter(after: Checkpoint, options: { streamTypes?: string[]; client?: Queryable } = {}): Promise<boolean> {
    const { where, params } = readableAfter(after, options.streamTypes);
    const r = await (options.client ?? this.pool).query<{ pending: boolean }>(`select exists (select 1 from es_events where ${where}) as pending`, params);
    return r.rows[0].pending;
  }

  private toStoredEvent(row: EventRow): StoredEvent {
    return toStoredEvent(row, this.upcasters);
  }

}

/** The events readAll may return after a checkpoint: those of transactions older than every one still in flight. */
function readableAfter(after: Checkpoint, streamTypes?: string[]): { where: string; params: unknown[] } {
  const params: unknown[] = [after.transactionId, after.globalPosition];
  let where = `(es_events.transaction_id, es_events.global_position) > ($1::xid8, $2::bigint) and es_events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
  if (streamTypes?.length) {
    params.push(streamTypes);
    where += ` and es_events.stream_type = any($3::text[])`;
  }
  return { where, params };
}

export async function enqueueOutbox(client: Queryable, messages: OutboxMessage[], options: { transactionHasId?: boolean } = {}): Promise<void> {
  // The transaction must hold its id before it takes outbox ids, so the relay can tell when an id it skipped can no
  // longer commit. After an event insert it already does.
  if (!options.transactionHasId) await client.query('select pg_current_xact_id()');
  noteEventWrites(client, true);
  await client.query(OUTBOX_SQL, [
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => m.event.eventId),
    messages.map((m) => m.event.type),
    messages.map((m) => m.event.schemaVersion),
    messages.map((m) => JSON.stringify(m.event)),
    messages.map((m) =>
      JSON.stringify({
        [EventHeaders.eventId]: m.event.eventId,
        [EventHeaders.eventType]: m.event.type,
        [EventHeaders.schemaVersion]: String(m.event.schemaVersion),
        [EventHeaders.correlationId]: m.event.correlationId,
        ...(m.event.causationId ? { [EventHeaders.causationId]: m.event.causationId } : {}),
      }),
    ),
  ]);
}
