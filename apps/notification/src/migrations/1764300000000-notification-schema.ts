import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * recipients: the registered address per institution, kept current from identity events. *_as_of guard against an
 * older event overwriting a newer value if events are ever replayed out of order.
 *
 * deliveries: one row per (source event, template) — the unique key is what makes a redelivered event harmless. The
 * consumer inserts it in the inbox transaction; the worker claims it (lease), sends, and records the outcome.
 */
export class NotificationSchema1764300000000 implements MigrationInterface {
  name = 'NotificationSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table notification_recipients (
        institution_id uuid primary key,
        name text,
        email text,
        name_as_of timestamptz,
        email_as_of timestamptz,
        updated_at timestamptz not null default now()
      );

      create table notification_deliveries (
        id uuid primary key,
        source_key text not null,
        template text not null,
        institution_id uuid,
        payload jsonb not null,
        status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
        attempts int not null default 0,
        next_attempt_at timestamptz not null default now(),
        claim_token uuid,
        lease_until timestamptz,
        recipient text,
        message_id text,
        last_error text,
        failure_reason text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        sent_at timestamptz,
        constraint notification_deliveries_source_template_uq unique (source_key, template)
      );
      create index notification_deliveries_due on notification_deliveries (next_attempt_at) where status = 'pending';
      create index notification_deliveries_lease on notification_deliveries (lease_until) where status = 'sending';
      create index notification_deliveries_institution on notification_deliveries (institution_id, created_at desc);
      create index notification_deliveries_status on notification_deliveries (status, created_at desc);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists notification_deliveries, notification_recipients');
  }
}
