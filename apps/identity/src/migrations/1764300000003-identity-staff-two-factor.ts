import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff two-factor sign-in. The TOTP secret is stored sealed (AES-256-GCM, STAFF_TOTP_KEY); last_step is the time
 * step of the last code accepted, so a code is good once (a replayed code of the same or an earlier step is refused,
 * by a conditional update that two concurrent sign-ins cannot both pass). Recovery codes are stored as SHA-256 hashes
 * (they are random, 50 bits each, so a slow hash adds nothing) and used_at makes each single-use.
 * Rows are written in the same transaction as the StaffTwoFactorEnrolled/Reset event on the staff stream.
 */
export class IdentityStaffTwoFactor1764300000003 implements MigrationInterface {
  name = 'IdentityStaffTwoFactor1764300000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table identity_staff_totp (
      account_id uuid primary key references identity_accounts(account_id) on delete cascade,
      secret_sealed text not null,
      last_step bigint not null default 0,
      enrolled_at timestamptz not null default now()
    )`);
    await q.query(`create table identity_staff_recovery_codes (
      account_id uuid not null references identity_accounts(account_id) on delete cascade,
      code_hash text not null,
      used_at timestamptz,
      primary key (account_id, code_hash)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table identity_staff_recovery_codes');
    await q.query('drop table identity_staff_totp');
  }
}
