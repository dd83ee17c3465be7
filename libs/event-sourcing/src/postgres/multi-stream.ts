import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EventHeaders } from '@lsc/contracts';
import { Upcasters } from '../upcasters';
import { ConcurrencyError, DuplicateEventError, type ExpectedVersion, type NewEvent, type OutboxMessage, type StoredEvent } from './event-store';
import { SELECT_COLUMNS, toStoredEvent, type EventRow } from './rows';
import { noteEventWrites } from './commit-signal';
import { isUniqueViolation, withTransaction, type Queryable } from './sql';

/** Events for one stream inside a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  streamType: string;
  expected: ExpectedVersion;
  events: NewEvent[];
}

const EVENT_COLUMNS = ['stream_id', 'stream_type', 'stream_version', 'event_id', 'event_type', 'schema_version', 'data', 'metadata'];
const OUTBOX_COLUMNS = ['topic', 'message_key', 'event_id', 'event_type', 'schema_version', 'payload', 'headers'];

/** A value in COPY's text format: backslash and the row/column separators escaped. */
const copyText = (value: string): string => (/[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]) : value);
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };


/**
 * Reads and appends many streams at once, for commands that touch many aggregates in one transaction (a bank
 * statement applying payments to thousands of orders): one query reads them all, one version check and one COPY
 * append to all of them with optimistic concurrency per stream, one COPY writes the outbox. Reads go through the same upcasters
 * as PostgresEventStore, so callers never see stored (old) event shapes.
 */
export class MultiStreamEventStore {
  constructor(
    readonly pool: Pool,
    private readonly upcasters: Upcasters = new Upcasters(),
  ) {}

  /** Each stream's events in version order (streams without events are absent from the map). */
  async readStreams(streamIds: readonly string[], options: { client?: Queryable } = {}): Promise<Map<string, StoredEvent[]>> {
    const out = new Map<string, StoredEvent[]>();
    if (streamIds.length === 0) return out;
    const r = await (options.client ?? this.pool).query<EventRow>(
      `select ${SELECT_COLUMNS} from es_events where stream_id = any($1::text[]) order by es_events.stream_id, es_events.stream_version`,
      [[...new Set(streamIds)]],
    );
    for (const row of r.rows) {
      let list = out.get(row.stream_id);
      if (!list) out.set(row.stream_id, (list = []));
      list.push(toStoredEvent(row, this.upcasters));
    }
    return out;
  }

  /**
   * Appends to several streams and writes the outbox messages, atomically. Throws ConcurrencyError naming a stream
   * that is not at its expected version (nothing is written then: the caller's transaction must be rolled back, which
   * withTransaction does when no `client` is passed). A stream may appear only once. Returns each stream's next
   * expected version.
   */
  async append(appends: readonly StreamAppend[], options: { outbox?: readonly OutboxMessage[]; client?: PoolClient } = {}): Promise<Map<string, number>> {
    const seen = new Set<string>();
    for (const a of appends) {
      if (seen.has(a.streamId)) throw new Error(`stream ${a.streamId} appears twice in one multi-stream append`);
      seen.add(a.streamId);
    }
    const run = (client: PoolClient) => this.run(client, appends, options.outbox ?? []);
    return options.client ? run(options.client) : withTransaction(this.pool, run);
  }

  private async run(client: PoolClient, appends: readonly StreamAppend[], outbox: readonly OutboxMessage[]): Promise<Map<string, number>> {
    const withEvents = appends.filter((a) => a.events.length > 0);
    const current = new Map<string, number>();
    if (withEvents.length > 0) {
      const r = await client.query<{ stream_id: string; v: number }>('select stream_id, max(stream_version) as v from es_events where stream_id = any($1::text[]) group by stream_id', [
        withEvents.map((a) => a.streamId),
      ]);
      for (const row of r.rows) current.set(row.stream_id, row.v);
    }
    const versionOf = (a: StreamAppend): number => current.get(a.streamId) ?? 0;
    // The check before the write catches a stream that is not where the caller read it; a writer that appends
    // between this check and the COPY takes the same version numbers first, and the unique constraint
    // (stream_id, stream_version) then fails the COPY — the same guarantee as PostgresEventStore.append.
    for (const a of withEvents) {
      const version = versionOf(a);
      if (a.expected === 'no_stream' ? version !== 0 : a.expected !== 'any' && a.expected !== version) throw new ConcurrencyError(a.streamId, a.expected);
    }
    if (withEvents.length > 0) {
      try {
        await copyInto(client, 'es_events', EVENT_COLUMNS, withEvents.flatMap((a) => a.events.map((e, k) => [a.streamId, a.streamType, versionOf(a) + k + 1, e.eventId, e.type, e.schemaVersion, e.data, e.metadata])));
      } catch (err) {
        if (isUniqueViolation(err, 'es_events_stream_version_uq')) {
          const streamId = /=\((.*), \d+\) already exists/.exec((err as { detail?: string }).detail ?? '')?.[1] ?? withEvents[0].streamId;
          throw new ConcurrencyError(streamId, withEvents.find((a) => a.streamId === streamId)?.expected ?? withEvents[0].expected);
        }
        if (isUniqueViolation(err, 'es_events_event_id_uq')) throw new DuplicateEventError(withEvents[0].streamId);
        throw err;
      }
    }
    if (outbox.length > 0) await enqueueOutboxRows(client, outbox, { transactionHasId: withEvents.length > 0 });
    noteEventWrites(client, true);
    return new Map(appends.map((a) => [a.streamId, (a.events.length > 0 ? versionOf(a) : typeof a.expected === 'number' ? a.expected : current.get(a.streamId) ?? 0) + a.events.length]));
  }
}

/**
 * Streams rows into a table with COPY (text format). Values: null/undefined → NULL, strings as they are, numbers
 * and booleans as text, anything else as JSON (for json/jsonb columns). Needs a dedicated client (a transaction's).
 */
export async function copyInto(client: PoolClient, table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<void> {
  const sql = `copy ${table} (${columns.join(', ')}) from stdin`;
  await pipeline(Readable.from(copyLines(rows)), client.query(copyFrom(sql)));
}

function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return copyText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return copyText(JSON.stringify(value));
}

function* copyLines(rows: Iterable<readonly unknown[]>): Generator<string> {
  let batch = '';
  for (const row of rows) {
    batch += `${row.map(copyValue).join('\t')}\n`;
    // ~64 KB writes: large enough to be cheap, small enough not to build the whole COPY in memory.
    if (batch.length >= 1 << 16) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

/**
 * enqueueOutbox for large batches: the same rows (payload = the envelope, headers as the relay expects), streamed
 * with COPY. Inserting ~100k messages through array or JSON parameters was several times slower than COPY here,
 * and it was the largest cost of importing a bank statement.
 */
export async function enqueueOutboxRows(client: PoolClient, messages: readonly OutboxMessage[], options: { transactionHasId?: boolean } = {}): Promise<void> {
  if (messages.length === 0) return;
  // As in enqueueOutbox: the transaction takes its id before outbox ids, so the relay knows when a skipped id is
  // final. No NOTIFY (it would serialise commits): the relay polls.
  if (!options.transactionHasId) await client.query('select pg_current_xact_id()');
  await copyInto(
    client,
    'es_outbox',
    OUTBOX_COLUMNS,
    messages.map((m) => [
      m.topic,
      m.key,
      m.event.eventId,
      m.event.type,
      m.event.schemaVersion,
      m.event,
      {
        [EventHeaders.eventId]: m.event.eventId,
        [EventHeaders.eventType]: m.event.type,
        [EventHeaders.schemaVersion]: String(m.event.schemaVersion),
        [EventHeaders.correlationId]: m.event.correlationId,
        ...(m.event.causationId ? { [EventHeaders.causationId]: m.event.causationId } : {}),
      },
    ]),
  );
}
