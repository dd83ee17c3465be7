import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the staff console needs from billing's tables:
 * - billing_transfers.status 'set_aside' (非会费款项) with who, why and when, so the credit leaves the review queue
 *   and the unmatched report while staying visible in the statement;
 * - billing_staff: staff display names from identity.StaffAccountChanged, so reports show 确认人 by name.
 */
export class BillingConsole1764400000100 implements MigrationInterface {
  name = 'BillingConsole1764400000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table billing_transfers drop constraint billing_transfers_status_check');
    await q.query(`alter table billing_transfers add constraint billing_transfers_status_check check (status in ('matched', 'suggested', 'unmatched', 'rejected', 'set_aside'))`);
    await q.query('alter table billing_transfers add column set_aside_reason text, add column set_aside_by text, add column set_aside_at timestamptz');
    await q.query(`create table billing_staff (account_id uuid primary key, username text not null, display_name text not null, updated_at timestamptz not null)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table billing_staff');
    await q.query('alter table billing_transfers drop column set_aside_reason, drop column set_aside_by, drop column set_aside_at');
    await q.query('alter table billing_transfers drop constraint billing_transfers_status_check');
    await q.query(`alter table billing_transfers add constraint billing_transfers_status_check check (status in ('matched', 'suggested', 'unmatched', 'rejected'))`);
  }
}
