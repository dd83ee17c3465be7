import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { ImportCheckpoint, ImportSummary } from '../statement-importer';

export type ImportState = 'queued' | 'running' | 'done' | 'failed';

export interface NewImportJob {
  importId: string;
  filename: string;
  contentType?: string;
  profile?: string;
  content: Buffer;
  actor: string;
  correlationId: string;
}

export interface ClaimedImportJob extends NewImportJob {
  /** Fences this worker: its writes count only while no other worker has taken the job over. */
  attempt: number;
  checkpoint?: ImportCheckpoint;
}

export interface ImportFailure {
  code: string;
  message: string;
}

/** What the progress endpoint answers; `result` is the synchronous import's summary, unchanged. */
export interface ImportJobView {
  importId: string;
  statementId: string;
  filename: string;
  state: ImportState;
  progress: { totalLines: number | null; parsedLines: number; creditLines: number | null; persistedLines: number; matchedLines: number; percent: number };
  result: ImportSummary | null;
  error: ImportFailure | null;
  attempts: number;
  uploadedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** This attempt no longer owns the job (its lease ran out and another worker took it): its chunk must not commit. */
export class ImportLeaseLost extends Error {
  constructor(importId: string) {
    super(`statement import ${importId} was taken over by another worker`);
  }
}

/**
 * Percent of the import done: parsing is the first 5 %, the credit lines' chunks the rest. 100 only once the result is
 * stored, so a bar at 100 % always has figures behind it.
 */
export function importPercent(state: ImportState, parsedLines: number, totalLines: number | null, creditLines: number | null, persistedLines: number): number {
  if (state === 'done') return 100;
  if (totalLines === null || parsedLines < totalLines) return 0;
  if (!creditLines) return 99;
  return Math.min(99, 5 + Math.floor((95 * persistedLines) / creditLines));
}

/** The job table's adapter (migration 1765200000100): enqueue, claim under a lease, checkpoint, finish. */
export class ImportJobs {
  constructor(private readonly pool: Pool) {}

  async enqueue(job: NewImportJob): Promise<void> {
    await this.pool.query(
      `insert into billing_statement_imports (import_id, filename, content_type, profile, content, size, sha256, actor, correlation_id, state)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued')`,
      [job.importId, job.filename, job.contentType ?? null, job.profile ?? null, job.content, job.content.length, createHash('sha256').update(job.content).digest('hex'), job.actor, job.correlationId],
    );
  }

  /** The oldest queued job, or a running one whose worker stopped renewing its lease (a crash or a restart). */
  async claim(leaseMs: number): Promise<ClaimedImportJob | undefined> {
    const r = await this.pool.query(
      `update billing_statement_imports set state = 'running', attempt = attempt + 1, lease_until = now() + $1 * interval '1 millisecond', started_at = coalesce(started_at, now())
        where import_id = (select import_id from billing_statement_imports where state = 'queued' or (state = 'running' and lease_until < now())
                           order by created_at for update skip locked limit 1)
        returning import_id, filename, content_type, profile, content, actor, correlation_id, attempt, checkpoint`,
      [leaseMs],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return {
      importId: row.import_id, filename: row.filename, contentType: row.content_type ?? undefined, profile: row.profile ?? undefined, content: row.content,
      actor: row.actor, correlationId: row.correlation_id, attempt: row.attempt, checkpoint: row.checkpoint ?? undefined,
    };
  }

  async renewLease(importId: string, attempt: number, leaseMs: number): Promise<boolean> {
    const r = await this.pool.query(`update billing_statement_imports set lease_until = now() + $3 * interval '1 millisecond' where import_id = $1 and attempt = $2 and state = 'running'`, [importId, attempt, leaseMs]);
    return r.rowCount === 1;
  }

  async parsed(importId: string, attempt: number, lines: number, credits: number): Promise<void> {
    await this.pool.query(`update billing_statement_imports set total_lines = $3, parsed_lines = $3, credit_lines = $4 where import_id = $1 and attempt = $2`, [importId, attempt, lines, credits]);
  }

  /** In the chunk's own transaction: no row updated means another worker owns the job, and the chunk rolls back. */
  async checkpoint(client: PoolClient, importId: string, attempt: number, c: ImportCheckpoint): Promise<void> {
    const r = await client.query(
      `update billing_statement_imports set checkpoint = $3, persisted_lines = $4, matched_lines = $5 where import_id = $1 and attempt = $2 and state = 'running'`,
      [importId, attempt, JSON.stringify(c), c.creditsDone, c.counts.autoMatched],
    );
    if (r.rowCount !== 1) throw new ImportLeaseLost(importId);
  }

  /** The file stays in billing_statements (the original is kept there); the job keeps only its result. */
  async finish(importId: string, attempt: number, result: ImportSummary): Promise<void> {
    await this.pool.query(
      `update billing_statement_imports set state = 'done', result = $3, content = null, lease_until = null, finished_at = now() where import_id = $1 and attempt = $2 and state = 'running'`,
      [importId, attempt, JSON.stringify(result)],
    );
  }

  async fail(importId: string, attempt: number, error: ImportFailure): Promise<void> {
    await this.pool.query(
      `update billing_statement_imports set state = 'failed', error = $3, content = null, lease_until = null, finished_at = now() where import_id = $1 and attempt = $2 and state = 'running'`,
      [importId, attempt, JSON.stringify(error)],
    );
  }

  /** A stopping worker hands the job back at once instead of letting its lease run out. */
  async release(importId: string, attempt: number): Promise<void> {
    await this.pool.query(`update billing_statement_imports set lease_until = now() where import_id = $1 and attempt = $2 and state = 'running'`, [importId, attempt]);
  }

  async view(importId: string): Promise<ImportJobView | undefined> {
    const r = await this.pool.query(
      `select import_id, filename, state, attempt, total_lines, parsed_lines, credit_lines, persisted_lines, matched_lines, result, error, actor, created_at, started_at, finished_at
         from billing_statement_imports where import_id = $1`,
      [importId],
    );
    const j = r.rows[0];
    if (!j) return undefined;
    return {
      importId: j.import_id,
      statementId: j.import_id,
      filename: j.filename,
      state: j.state,
      progress: {
        totalLines: j.total_lines,
        parsedLines: j.parsed_lines,
        creditLines: j.credit_lines,
        persistedLines: j.persisted_lines,
        matchedLines: j.matched_lines,
        percent: importPercent(j.state, j.parsed_lines, j.total_lines, j.credit_lines, j.persisted_lines),
      },
      result: j.result,
      error: j.error,
      attempts: j.attempt,
      uploadedBy: j.actor,
      createdAt: j.created_at,
      startedAt: j.started_at,
      finishedAt: j.finished_at,
    };
  }
}
