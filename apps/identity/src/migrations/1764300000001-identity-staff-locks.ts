import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * identity_accounts.locked_at: set while a staff lock (AccountLockedByStaff on the account's stream) is in force,
 * written in the same transaction as the event, so the login query sees the lock without reading the stream.
 * The temporary brute-force lock stays in Redis only.
 */
export class IdentityStaffLocks1764300000001 implements MigrationInterface {
  name = 'IdentityStaffLocks1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table identity_accounts add column locked_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table identity_accounts drop column locked_at');
  }
}
