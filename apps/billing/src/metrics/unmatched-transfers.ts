import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { PG_POOL } from '@lsc/messaging';
import { LOGGER, Metrics } from '@lsc/service-kit';
import type { TransferStatus } from '../domain';

/** A transfer waits for finance while no order has it: no match yet, a suggestion to confirm, or a rejected suggestion. */
export const WAITING_TRANSFER_STATUSES: readonly TransferStatus[] = ['unmatched', 'suggested', 'rejected'];

/**
 * Seconds since the oldest still-waiting transfer was imported (billing_transfers.created_at), 0 when none waits.
 * The import time, not the bank's booking date: the alert is about how long finance has had it on the list, and a
 * month-old statement imported today must not alert at once.
 */
export async function oldestUnmatchedTransferAgeSeconds(pool: Pick<Pool, 'query'>): Promise<number> {
  const r = await pool.query<{ age: number | null }>(
    `select extract(epoch from now() - min(created_at))::float8 as age from billing_transfers where status = any($1::text[])`,
    [WAITING_TRANSFER_STATUSES],
  );
  return Math.max(0, r.rows[0]?.age ?? 0);
}

/**
 * The gauge behind the LscUnmatchedTransferOld alert and the business dashboard, read from billing's transfers read
 * model when Prometheus scrapes (no timer). If the query fails the previous value stays, so one failed read neither
 * fails the whole scrape nor resets the alert's `for:` clock.
 */
export function registerUnmatchedTransferMetric(registry: Registry, pool: Pick<Pool, 'query'>, logger?: Pick<Logger, 'warn'>): Gauge {
  // A literal name: deploy/test/observability.spec.ts reads the declared metric names from the source.
  return new Gauge({
    name: 'lsc_unmatched_transfer_oldest_age_seconds',
    help: 'Seconds since the oldest bank transfer still waiting to be matched (unmatched, suggested or suggestion rejected) was imported; 0 when none waits',
    registers: [registry],
    async collect() {
      try {
        this.set(await oldestUnmatchedTransferAgeSeconds(pool));
      } catch (err) {
        logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'lsc_unmatched_transfer_oldest_age_seconds not refreshed');
      }
    },
  });
}

@Injectable()
export class UnmatchedTransferMetrics {
  readonly gauge: Gauge;

  constructor(@Inject(Metrics) metrics: Metrics, @Inject(PG_POOL) pool: Pool, @Inject(LOGGER) logger: Logger) {
    this.gauge = registerUnmatchedTransferMetric(metrics.registry, pool, logger);
  }
}
