import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statement imports run as background jobs (issue #23): the upload stores the file here and answers at once; a worker
 * claims the row under a lease, and each committed chunk of the import moves the row's checkpoint in the same
 * transaction, so an import interrupted by a restart resumes after its last committed chunk instead of importing twice.
 * `attempt` fences a worker whose lease was taken over: its checkpoint update finds no row and its chunk rolls back.
 */
export class StatementImportJobs1765200000100 implements MigrationInterface {
  name = 'StatementImportJobs1765200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table billing_statement_imports (
        import_id uuid primary key,
        filename text not null,
        content_type text,
        profile text,
        content bytea,
        size integer not null,
        sha256 text not null,
        actor text not null,
        correlation_id text not null,
        state text not null check (state in ('queued', 'running', 'done', 'failed')),
        attempt integer not null default 0,
        lease_until timestamptz,
        total_lines integer,
        credit_lines integer,
        parsed_lines integer not null default 0,
        persisted_lines integer not null default 0,
        matched_lines integer not null default 0,
        checkpoint jsonb,
        result jsonb,
        error jsonb,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`create index billing_statement_imports_pending on billing_statement_imports (created_at) where state in ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table billing_statement_imports');
  }
}
