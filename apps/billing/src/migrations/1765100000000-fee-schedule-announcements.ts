import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fee-schedule versions announced as billing.FeeScheduleVersionPublished v2 (placeholders and term policy). Versions
 * published before v2 existed are announced again once, on start-up, so membership's read model has every version.
 */
export class FeeScheduleAnnouncements1765100000000 implements MigrationInterface {
  name = 'FeeScheduleAnnouncements1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table billing_fee_schedule_announced (version_id text primary key, announced_at timestamptz not null default now());`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists billing_fee_schedule_announced;`);
  }
}
