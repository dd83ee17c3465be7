import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of the event store, the transactional outbox, the consumer inbox and projection bookkeeping.
 * transaction_id (xid8) lets readers stop below the oldest in-flight transaction, so late commits are never skipped.
 */
export const EVENT_STORE_DDL = `
create table if not exists es_events (
  global_position bigserial primary key,
  transaction_id xid8 not null default pg_current_xact_id(),
  stream_id text not null,
  stream_type text not null,
  stream_version integer not null check (stream_version > 0),
  event_id uuid not null,
  event_type text not null,
  schema_version integer not null,
  data jsonb not null,
  metadata jsonb not null,
  created_at timestamptz not null default now(),
  constraint es_events_stream_version_uq unique (stream_id, stream_version),
  constraint es_events_event_id_uq unique (event_id)
);
create index if not exists es_events_tx_pos_idx on es_events (transaction_id, global_position);
create index if not exists es_events_type_idx on es_events (stream_type, global_position);

create table if not exists es_outbox (
  id bigserial primary key,
  transaction_id xid8 not null default pg_current_xact_id(),
  topic text not null,
  message_key text not null,
  event_id uuid not null,
  event_type text not null,
  schema_version integer not null,
  payload jsonb not null,
  headers jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint es_outbox_event_id_uq unique (event_id)
);

alter table es_outbox add column if not exists transaction_id xid8 not null default pg_current_xact_id();
create index if not exists es_outbox_tx_id_idx on es_outbox (transaction_id, id);

create table if not exists es_inbox (
  consumer text not null,
  event_id text not null,
  event_type text,
  received_at timestamptz not null default now(),
  primary key (consumer, event_id)
);

create table if not exists es_effect_claims (
  effect_key text primary key,
  status text not null default 'claimed',
  claimed_at timestamptz not null default now(),
  completed_at timestamptz,
  detail jsonb
);

create table if not exists es_projections (
  name text primary key,
  active_table text,
  active_version integer,
  updated_at timestamptz not null default now()
);

create sequence if not exists es_projection_generation_seq;

create table if not exists es_checkpoints (
  name text primary key,
  transaction_id xid8 not null default '0'::xid8,
  global_position bigint not null default 0,
  updated_at timestamptz not null default now()
);
`;

export const EVENT_STORE_DROP = `
drop sequence if exists es_projection_generation_seq;
drop table if exists es_checkpoints, es_projections, es_effect_claims, es_inbox, es_outbox, es_events cascade;`;

/** Include in every event-sourced service's TypeORM migrations list. */
export class EventStoreSchema1764200000000 implements MigrationInterface {
  name = 'EventStoreSchema1764200000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(EVENT_STORE_DDL);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(EVENT_STORE_DROP);
  }
}
