import type { Logger } from 'pino';
import { StatementFormatError } from '../../statements';
import { ImportInterrupted, type StatementImporter } from '../statement-importer';
import { ImportLeaseLost, type ClaimedImportJob, type ImportJobs } from './import-jobs';

export interface ImportWorkerOptions {
  /** How long a claimed job stays this worker's without a renewal; a crashed worker's job is taken over after it. */
  leaseMs: number;
  /** Idle look for queued jobs (an upload in this process wakes the worker at once). */
  pollMs: number;
  /** Attempts before a job that keeps failing is marked failed rather than retried forever. */
  maxAttempts: number;
}

export const DEFAULT_IMPORT_WORKER_OPTIONS: ImportWorkerOptions = { leaseMs: 60_000, pollMs: 2_000, maxAttempts: 5 };

/**
 * Runs queued statement imports one at a time. Every billing instance runs one; the lease and `attempt` fence decide
 * which one owns a job, and the importer's per-chunk checkpoint makes a taken-over job resume where it stopped.
 */
export class StatementImportWorker {
  private stopping = false;
  private running?: Promise<void>;
  private wakeUp?: () => void;
  private readonly abort = new AbortController();

  constructor(
    private readonly jobs: ImportJobs,
    private readonly importer: StatementImporter,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
    private readonly options: ImportWorkerOptions = DEFAULT_IMPORT_WORKER_OPTIONS,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** An upload was queued: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Ends the current job between two chunks (it stays resumable) and the loop. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let job: ClaimedImportJob | undefined;
      try {
        job = await this.jobs.claim(this.options.leaseMs);
      } catch (err) {
        if (!this.stopping) this.logger.warn({ err }, 'statement import queue unavailable');
      }
      if (job) {
        await this.run(job);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  async run(job: ClaimedImportJob): Promise<void> {
    const { importId, attempt } = job;
    if (attempt > this.options.maxAttempts) {
      this.logger.error({ importId, attempt }, 'statement import gave up after repeated failures');
      await this.jobs.fail(importId, attempt, { code: 'IMPORT_FAILED', message: '流水导入多次中断未能完成，请重新上传或联系系统管理员' });
      return;
    }
    const heartbeat = setInterval(() => {
      this.jobs.renewLease(importId, attempt, this.options.leaseMs).catch((err) => this.logger.warn({ err, importId }, 'statement import lease not renewed'));
    }, Math.max(50, Math.floor(this.options.leaseMs / 3)));
    try {
      const summary = await this.importer.import(
        { content: job.content, filename: job.filename, contentType: job.contentType, profile: job.profile, actor: job.actor, correlationId: job.correlationId },
        {
          statementId: importId,
          resume: job.checkpoint,
          signal: this.abort.signal,
          onParsed: (lines, credits) => this.jobs.parsed(importId, attempt, lines, credits),
          checkpoint: (client, c) => this.jobs.checkpoint(client, importId, attempt, c),
        },
      );
      await this.jobs.finish(importId, attempt, summary);
      this.logger.info({ importId, lines: summary.lines, newCredits: summary.newCredits, resumedFromChunk: job.checkpoint?.chunks ?? 0 }, 'statement import done');
    } catch (err) {
      if (err instanceof StatementFormatError) {
        await this.jobs.fail(importId, attempt, { code: 'STATEMENT_UNREADABLE', message: err.message });
      } else if (err instanceof ImportInterrupted) {
        await this.jobs.release(importId, attempt).catch(() => undefined);
      } else if (err instanceof ImportLeaseLost) {
        this.logger.warn({ importId, attempt }, 'statement import taken over by another worker');
      } else {
        // Left running: once the lease runs out this or another instance resumes it from its last checkpoint.
        this.logger.error({ err, importId, attempt }, 'statement import attempt failed; it will be resumed');
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}

/** Nest lifecycle: the worker starts with the application and stops before the pool closes (onApplicationShutdown). */
export class StatementImportWorkerLifecycle {
  constructor(private readonly worker: StatementImportWorker) {}
  onApplicationBootstrap(): void {
    this.worker.start();
  }
  onModuleDestroy(): Promise<void> {
    return this.worker.stop();
  }
}
