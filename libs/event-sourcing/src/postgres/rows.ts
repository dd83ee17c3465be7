import type { Upcasters } from '../upcasters';
import type { EventMetadata, StoredEvent } from './event-store';

/** Columns are cast to text for exact bigint/xid8 values; shared by every reader of es_events. */
export const SELECT_COLUMNS = 'stream_id, stream_type, stream_version, global_position::text, transaction_id::text, event_id, event_type, schema_version, data, metadata';

export interface EventRow {
  stream_id: string;
  stream_type: string;
  stream_version: number;
  global_position: string;
  transaction_id: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
}

/** A row as the domain sees it: upcast to the newest schema version of its type. */
export function toStoredEvent(row: EventRow, upcasters: Upcasters): StoredEvent {
  const upcast = upcasters.upcast(row.event_type, row.schema_version, row.data);
  return {
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: upcast.schemaVersion,
    data: upcast.data,
    metadata: row.metadata,
  };
}
