import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff accounts managed in the console (issue #23): display name and login name for the list, and disabled_at, set
 * in the same transaction as StaffAccountDisabled on the staff stream, so login and refresh refuse at once.
 */
export class IdentityStaffAccounts1764300000002 implements MigrationInterface {
  name = 'IdentityStaffAccounts1764300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table identity_accounts add column display_name text, add column username text, add column staff_status text, add column disabled_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table identity_accounts drop column display_name, drop column username, drop column staff_status, drop column disabled_at');
  }
}
