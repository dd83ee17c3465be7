import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Membership's own tables next to the event store. Streams are the truth; these are lookups written in the same
 * transaction as the append (uniqueness across streams) and the copy of identity's institutions (fed by its events).
 */
export class MembershipSchema1764400000000 implements MigrationInterface {
  name = 'MembershipSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table ms_institutions (
        institution_id uuid primary key,
        name text not null,
        email text,
        mobile text,
        landline text,
        region jsonb,
        street text,
        postcode text,
        registered_at timestamptz,
        updated_at timestamptz not null default now()
      );
      -- At most one unpaid application per institution: the row lives from Apply until paid or cancelled.
      create table ms_open_applications (
        institution_id uuid primary key,
        application_id uuid not null unique,
        opened_at timestamptz not null default now()
      );
      -- One membership stream per institution, kept across renewals.
      create table ms_institution_memberships (
        institution_id uuid primary key,
        membership_id uuid not null unique,
        created_at timestamptz not null default now()
      );
      -- Every stream that belongs to an institution, for its event history.
      create table ms_institution_streams (
        stream_id text primary key,
        institution_id uuid not null,
        created_at timestamptz not null default now()
      );
      create index ms_institution_streams_institution_idx on ms_institution_streams (institution_id);
      -- 会员编号 sequence; a number taken by a rolled-back activation is skipped (gaps are acceptable, reuse is not).
      create sequence ms_member_number_seq;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop sequence if exists ms_member_number_seq;
      drop table if exists ms_institution_streams, ms_institution_memberships, ms_open_applications, ms_institutions;`);
  }
}
