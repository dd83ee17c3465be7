import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { PoolClient } from 'pg';
import { ApplicationSubmitted } from '@lsc/contracts';
import { EVENT_STORE_DDL, PostgresEventStore, Upcasters, withTransaction } from '@lsc/event-sourcing';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import type { BillingConfig } from '../../config';
import { FeeSchedules } from '../../fees/fee-schedules';
import { BillingSchema1764400000000 } from '../../migrations/1764400000000-billing-schema';
import { FeeScheduleAnnouncements1765100000000 } from '../../migrations/1765100000000-fee-schedule-announcements';
import { StatementImportJobs1765200000100 } from '../../migrations/1765200000100-statement-import-jobs';
import { PaymentOrders } from '../../orders/payment-orders';
import { StatementImporter, statementStream, type ImportCheckpoint } from '../statement-importer';
import { ImportJobs, ImportLeaseLost } from './import-jobs';
import { StatementImportWorker } from './import-worker';
import { fenAsYuanText } from '@lsc/validation';

/**
 * The background import over real PostgreSQL: an import killed in the middle of a chunk is taken over once its lease
 * runs out and resumes after its last committed chunk, with the same figures as an uninterrupted import and no credit,
 * event, message or payment written twice.
 */
describe('statement import jobs: crash-safe resume (real PostgreSQL)', () => {
  jest.setTimeout(120000);
  const TOPIC = 'billing.events.test';
  const silent = pino({ level: 'silent' });
  let db: TestDatabase;
  let store: PostgresEventStore;
  let orders: PaymentOrders;

  beforeAll(async () => {
    db = await createTestDatabase('billing_jobs');
    await db.pool.query(EVENT_STORE_DDL);
    const runner = { query: (sql: string) => db.pool.query(sql) } as never;
    await new BillingSchema1764400000000().up(runner);
    await new FeeScheduleAnnouncements1765100000000().up(runner);
    await new StatementImportJobs1765200000100().up(runner);
    store = new PostgresEventStore(db.pool, new Upcasters());
    const fees = new FeeSchedules(store, silent, { BILLING_TOPIC: TOPIC });
    await fees.ensureDefault();
    orders = new PaymentOrders(store, fees, { BILLING_TOPIC: TOPIC, PAYEE_ACCOUNT_NAME: '中国图书馆学会', PAYEE_BANK_NAME: '北京银行白石桥支行', PAYEE_ACCOUNT_NUMBER: '20000006591600105310002' } as BillingConfig);
  });
  afterAll(() => db?.drop());

  const issue = async (institutionName: string) => {
    const app = { ...ApplicationSubmitted.example, applicationId: randomUUID(), institutionId: randomUUID(), institutionName, invoiceTitle: institutionName, years: 1, submittedAt: new Date().toISOString() };
    const orderId = await withTransaction(db.pool, (client) => orders.issueForApplication(app, { now: new Date().toISOString(), actor: 'test', correlationId: randomUUID() }, client));
    const row = (await db.pool.query(`select payment_code, amount_due_fen from billing_orders where order_id = $1`, [orderId])).rows[0];
    return { orderId, name: institutionName, paymentCode: row.payment_code as string, amountFen: Number(row.amount_due_fen) };
  };

  /** `credits` unrelated credits, each order paid once by code, three rows repeated in the file, a debit and a bad date. */
  const statement = (prefix: string, credits: number, paying: Array<{ name: string; paymentCode: string; amountFen: number }>) => {
    const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    const rows = ['交易日期,交易流水号,收入金额,支出金额,对方单位名称,对方账号,用途'];
    for (let i = 0; i < credits; i++) rows.push(`${today},${prefix}${i},${100 + (i % 97)}.${String(i % 100).padStart(2, '0')},,某某书店${i % 300},62220000${String(i).padStart(8, '0')},图书款`);
    paying.forEach((o, i) => rows.splice(1 + i * 1700, 0, `${today},${prefix}P${i},${fenAsYuanText(o.amountFen, { grouping: false })},,${o.name},6222000099990${i},${o.name}会费 ${o.paymentCode}`));
    rows.push(`${today},${prefix}1,101.01,,某某书店1,6222000000000001,图书款`, `${today},${prefix}2,102.02,,某某书店2,6222000000000002,图书款`, `${today},${prefix}3,103.03,,某某书店3,6222000000000003,图书款`);
    rows.splice(2500, 0, `${today},${prefix}D,,12.00,银行,,手续费`);
    rows.splice(3100, 0, `2026-02-30,${prefix}X,50.00,,某某书店,6222000000000099,图书款`);
    return Buffer.from(rows.join('\r\n'));
  };

  const importerWith = (batchSize: number) => new StatementImporter(db.pool, store, orders, { billingTopic: TOPIC, batchSize });

  it('a job killed inside its third chunk resumes after the second once its lease is over: same figures as an uninterrupted import, nothing twice', async () => {
    // Reference: the synchronous import of an equivalent file (own orders, own references).
    const refOrders = [await issue('甲市图书馆'), await issue('乙市图书馆')];
    const reference = await importerWith(1000).import({ content: statement('REF', 6000, refOrders), filename: 'ref.csv', actor: 'finance-1', correlationId: randomUUID() });
    expect(reference).toMatchObject({ credits: 6005, newCredits: 6002, duplicates: 3, debitsIgnored: 1, autoMatched: 2 });
    expect(reference.rejected).toHaveLength(1);

    const jobOrders = [await issue('丙市图书馆'), await issue('丁市图书馆')];
    const jobs = new ImportJobs(db.pool);
    const importId = randomUUID();
    await jobs.enqueue({ importId, filename: 'big.csv', content: statement('JOB', 6000, jobOrders), actor: 'finance-1', correlationId: randomUUID() });
    expect((await jobs.view(importId))!.progress).toMatchObject({ percent: 0, persistedLines: 0 });

    // First attempt: the process dies while the third chunk's transaction is open (nothing of that chunk commits).
    class DyingJobs extends ImportJobs {
      override async checkpoint(client: PoolClient, id: string, attempt: number, c: ImportCheckpoint): Promise<void> {
        if (c.chunks === 3) throw new Error('SIGKILL');
        return super.checkpoint(client, id, attempt, c);
      }
    }
    const leaseMs = 300;
    const options = { leaseMs, pollMs: 50, maxAttempts: 5 };
    const first = new StatementImportWorker(new DyingJobs(db.pool), importerWith(1000), silent, options);
    const claimed = await jobs.claim(leaseMs);
    expect(claimed).toMatchObject({ importId, attempt: 1 });
    await first.run(claimed!);
    const midway = (await jobs.view(importId))!;
    expect(midway).toMatchObject({ state: 'running', progress: { totalLines: 6007, parsedLines: 6007, creditLines: 6005, persistedLines: 2000 } });
    expect(midway.progress.percent).toBe(5 + Math.floor((95 * 2000) / 6005));
    expect((await db.pool.query('select count(*)::int as n from billing_transfers where statement_id = $1', [importId])).rows[0].n).toBe(2000 - 0);
    // Still leased: another worker does not take it yet.
    expect(await jobs.claim(leaseMs)).toBeUndefined();

    // A restarted billing instance: its worker takes the job over after the lease and finishes it.
    await new Promise((r) => setTimeout(r, leaseMs + 50));
    const second = new StatementImportWorker(jobs, importerWith(2000), silent, options);
    second.start();
    const done = await waitFor(async () => {
      const v = (await jobs.view(importId))!;
      return v.state === 'done' ? v : undefined;
    });
    await second.stop();
    expect(done).toMatchObject({ attempts: 2, progress: { percent: 100, persistedLines: 6005, matchedLines: 2 } });
    // The rejected line's raw text carries this file's own reference; line number, field and reason must agree.
    const comparable = ({ statementId: _id, rejected, ...rest }: typeof reference) => ({ ...rest, rejected: rejected.map(({ raw: _raw, ...r }) => r) });
    expect(done.result!.statementId).toBe(importId);
    expect(comparable(done.result!)).toEqual(comparable(reference));

    // Nothing twice: one row per new credit, one TransferImported message each, each order paid once, stream versions 1..n.
    const count = async (sql: string, params: unknown[]) => (await db.pool.query(sql, params)).rows[0].n;
    expect(await count('select count(*)::int as n from billing_transfers where statement_id = $1', [importId])).toBe(6002);
    expect(await count(`select count(*)::int as n from es_outbox where event_type = 'billing.TransferImported' and payload->'data'->>'statementId' = $1`, [importId])).toBe(6002);
    expect(await count(`select count(*)::int as n from es_outbox where event_type = 'billing.TransferUnmatched' and payload->'data'->>'statementId' = $1`, [importId])).toBe(6000);
    const events = await db.pool.query(`select stream_version, jsonb_array_length(data->'transfers') as n from es_events where stream_id = $1 order by stream_version`, [statementStream(importId)]);
    expect(events.rows.map((e) => e.stream_version)).toEqual(events.rows.map((_, i) => i + 1));
    expect(events.rows.reduce((sum, e) => sum + e.n, 0)).toBe(6002);
    for (const o of jobOrders) {
      expect(await count(`select count(*)::int as n from es_events where stream_id = $1 and event_type = 'PaymentApplied'`, [`payment-order-${o.orderId}`])).toBe(1);
      expect((await db.pool.query('select status, amount_paid_fen from billing_orders where order_id = $1', [o.orderId])).rows[0]).toEqual({ status: 'paid', amount_paid_fen: String(o.amountFen) });
    }
    const statementRow = (await db.pool.query('select new_credit_count, duplicate_count, auto_matched, unmatched from billing_statements where statement_id = $1', [importId])).rows[0];
    expect(statementRow).toEqual({ new_credit_count: 6002, duplicate_count: 3, auto_matched: 2, unmatched: 6000 });
  });

  it('a worker whose lease was taken over cannot commit another chunk', async () => {
    const jobs = new ImportJobs(db.pool);
    const importId = randomUUID();
    await jobs.enqueue({ importId, filename: 'x.csv', content: Buffer.from('x'), actor: 'finance-1', correlationId: randomUUID() });
    const stale = (await jobs.claim(1))!;
    await new Promise((r) => setTimeout(r, 20));
    const current = (await jobs.claim(60000))!;
    expect(current.attempt).toBe(stale.attempt + 1);
    const c: ImportCheckpoint = { chunks: 1, batchSize: 10, version: 1, creditsDone: 10, counts: { newCredits: 10, duplicates: 0, autoMatched: 0, suggested: 0, unmatched: 10 } };
    await expect(withTransaction(db.pool, (client) => jobs.checkpoint(client, importId, stale.attempt, c))).rejects.toBeInstanceOf(ImportLeaseLost);
    await withTransaction(db.pool, (client) => jobs.checkpoint(client, importId, current.attempt, c));
    expect((await jobs.view(importId))!.progress.persistedLines).toBe(10);
  });

  it('an unreadable file fails the job with the parser’s Chinese message; the upload itself had succeeded', async () => {
    const jobs = new ImportJobs(db.pool);
    const importId = randomUUID();
    await jobs.enqueue({ importId, filename: 'notes.txt', content: Buffer.from('这不是银行流水\r\n随便写的'), actor: 'finance-1', correlationId: randomUUID() });
    const worker = new StatementImportWorker(jobs, importerWith(1000), silent, { leaseMs: 60000, pollMs: 50, maxAttempts: 5 });
    await worker.run((await jobs.claim(60000))!);
    const view = (await jobs.view(importId))!;
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'STATEMENT_UNREADABLE', message: expect.stringMatching(/[\u4e00-\u9fff]/) });
  });
});

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 90000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
