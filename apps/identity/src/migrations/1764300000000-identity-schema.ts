import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity's own tables next to the event store:
 * - identity_unique_claims: name/email/mobile/login_name uniqueness across streams, written in the append's transaction;
 * - identity_accounts: credentials (argon2id hash) and roles, never in events; an institution account can only hold
 *   the role `institution` (check constraint), staff accounts only staff roles;
 * - identity_logos: re-encoded registration logos (bytea), served by id.
 */
export class IdentitySchema1764300000000 implements MigrationInterface {
  name = 'IdentitySchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table identity_accounts (
        account_id uuid primary key,
        kind text not null check (kind in ('institution', 'staff')),
        institution_id uuid unique,
        password_hash text not null,
        roles text[] not null,
        created_at timestamptz not null default now(),
        password_changed_at timestamptz not null default now(),
        constraint identity_accounts_roles check (
          (kind = 'institution' and institution_id is not null and roles = array['institution']::text[])
          or (kind = 'staff' and institution_id is null and cardinality(roles) > 0 and roles <@ array['finance', 'member_admin', 'super_admin']::text[])
        )
      )`);
    await q.query(`
      create table identity_unique_claims (
        kind text not null check (kind in ('name', 'email', 'mobile', 'login_name')),
        value text not null,
        account_id uuid not null references identity_accounts (account_id) on delete cascade,
        claimed_at timestamptz not null default now(),
        primary key (kind, value)
      )`);
    await q.query('create index identity_unique_claims_account on identity_unique_claims (account_id)');
    await q.query(`
      create table identity_logos (
        logo_id uuid primary key,
        content_type text not null,
        content bytea not null,
        width int not null,
        height int not null,
        created_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table identity_logos');
    await q.query('drop table identity_unique_claims');
    await q.query('drop table identity_accounts');
  }
}
