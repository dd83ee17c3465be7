import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What notification remembers of applications and their payment orders, so billing's mails (which carry neither)
 * can speak of a renewal as a renewal and tell how to pay the rest of a partial payment: the kind from
 * membership.ApplicationSubmitted, the payee, remark and payment code from billing.PaymentOrderIssued.
 */
export class NotificationApplicationFacts1765100000000 implements MigrationInterface {
  name = 'NotificationApplicationFacts1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table notification_applications (
        application_id uuid primary key,
        institution_id uuid not null,
        kind text not null check (kind in ('new', 'renewal')),
        updated_at timestamptz not null default now()
      );
      create table notification_orders (
        order_id uuid primary key,
        application_id uuid not null,
        payee jsonb not null,
        transfer_remark text not null,
        payment_code text not null,
        amount_due_fen bigint not null,
        updated_at timestamptz not null default now()
      );
      create index notification_orders_application on notification_orders (application_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists notification_orders, notification_applications');
  }
}
