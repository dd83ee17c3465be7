import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Membership's copy of the published fee schedule, fed by billing's FeeScheduleVersionPublished / FeeChanged events:
 * applications take their fee, amount and names from it (no synchronous call to billing).
 */
export class FeeScheduleReadModel1765100000000 implements MigrationInterface {
  name = 'FeeScheduleReadModel1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table ms_fee_schedule_versions (
        version_id text primary key,
        effective_from date not null,
        -- [{qualificationCode, qualificationName, tierCode, tierName, feePerYearFen, placeholder}]
        entries jsonb not null,
        late_join_cutoff text,
        -- Copied from a v1 announcement (no placeholders, no term policy): billing's v2 re-announcement replaces it.
        from_v1 boolean not null default false,
        published_at timestamptz not null,
        updated_at timestamptz not null default now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists ms_fee_schedule_versions;`);
  }
}
