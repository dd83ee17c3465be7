import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { Metrics } from '@lsc/service-kit';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { BillingSchema1764400000000 } from '../migrations/1764400000000-billing-schema';
import { oldestUnmatchedTransferAgeSeconds, registerUnmatchedTransferMetric } from './unmatched-transfers';

const METRIC = 'lsc_unmatched_transfer_oldest_age_seconds';

/** The unmatched-transfer age gauge read from billing's transfers read model, on real PostgreSQL. */
describe('lsc_unmatched_transfer_oldest_age_seconds (real PostgreSQL)', () => {
  jest.setTimeout(60000);
  let db: TestDatabase;
  let statementId: string;
  let line = 0;

  beforeAll(async () => {
    db = await createTestDatabase('billing_unmatched_metric');
    await new BillingSchema1764400000000().up({ query: (sql: string) => db.pool.query(sql) } as never);
    statementId = randomUUID();
    await db.pool.query(
      `insert into billing_statements (statement_id, filename, content, sha256, size, format, profile, balance_check, line_count, credit_count, new_credit_count, duplicate_count, debit_count, rejected, uploaded_by)
       values ($1, 'statement.csv', '\\x00', 'x', 1, 'csv', 'test', 'ok', 0, 0, 0, 0, 0, '[]', 'finance')`,
      [statementId],
    );
  });
  afterAll(() => db?.drop());

  /** A transfer imported `daysAgo` days ago (the bank booked it a month earlier: the import time is what counts). */
  const transfer = async (status: string, daysAgo: number): Promise<string> => {
    const id = randomUUID();
    line += 1;
    await db.pool.query(
      `insert into billing_transfers (transfer_id, statement_id, line_number, dedupe_key, content_hash, booked_on, amount_fen, payer_name, payer_account, remark, status, created_at)
       values ($1, $2, $3, $4, 'h', current_date - 30, 60000, '某某图书馆', '6222000000000000', '会费', $5, now() - make_interval(days => $6))`,
      [id, statementId, line, `key-${id}`, status, daysAgo],
    );
    return id;
  };
  const scrape = async (metrics: Metrics): Promise<number | undefined> => {
    const text = await metrics.render();
    const m = new RegExp(`^${METRIC}\\{service="billing"\\} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const DAY = 86400;

  it('is 0 while no transfer waits, matched transfers of any age included', async () => {
    expect(await oldestUnmatchedTransferAgeSeconds(db.pool)).toBe(0);
    await transfer('matched', 40);
    expect(await oldestUnmatchedTransferAgeSeconds(db.pool)).toBe(0);
    const metrics = new Metrics('billing');
    registerUnmatchedTransferMetric(metrics.registry, db.pool);
    expect(await scrape(metrics)).toBe(0);
  });

  it('reports the oldest unmatched, suggested or rejected-suggestion transfer on each scrape', async () => {
    const metrics = new Metrics('billing');
    registerUnmatchedTransferMetric(metrics.registry, db.pool);

    await transfer('suggested', 2);
    expect(await scrape(metrics)).toBeCloseTo(2 * DAY, -2);
    await transfer('rejected', 3);
    expect(await scrape(metrics)).toBeCloseTo(3 * DAY, -2);
    const oldest = await transfer('unmatched', 5);
    expect(await scrape(metrics)).toBeCloseTo(5 * DAY, -2);
    // Above the alert's threshold (3 days) exactly when the oldest waits longer than that.
    expect((await scrape(metrics))! > 3 * DAY).toBe(true);

    // Finance matches it: the next scrape shows the next oldest.
    await db.pool.query(`update billing_transfers set status = 'matched' where transfer_id = $1`, [oldest]);
    expect(await scrape(metrics)).toBeCloseTo(3 * DAY, -2);
    await db.pool.query(`update billing_transfers set status = 'matched' where status in ('suggested', 'rejected')`);
    expect(await scrape(metrics)).toBe(0);
  });

  it('keeps the last value and still answers the scrape when the read model cannot be read', async () => {
    const registry = new Registry();
    let fail = false;
    const warnings: string[] = [];
    const pool = { query: (sql: string, params?: unknown[]) => (fail ? Promise.reject(new Error('connection terminated')) : db.pool.query(sql, params)) };
    await transfer('unmatched', 4);
    registerUnmatchedTransferMetric(registry, pool as never, { warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)) } as never);
    const value = async () => Number(/^lsc_unmatched_transfer_oldest_age_seconds (\S+)$/m.exec(await registry.metrics())?.[1]);
    expect(await value()).toBeCloseTo(4 * DAY, -2);
    fail = true;
    expect(await value()).toBeCloseTo(4 * DAY, -2);
    expect(warnings).toEqual([`${METRIC} not refreshed`]);
  });
});
