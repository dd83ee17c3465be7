import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ApplicationSubmitted, parseIntegrationEvent } from '@lsc/contracts';
import { EVENT_STORE_DDL, PostgresEventStore, Upcasters, withTransaction, type CommandMetadata } from '@lsc/event-sourcing';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import type { BillingConfig } from '../config';
import { FeeSchedules } from '../fees/fee-schedules';
import { BillingSchema1764400000000 } from '../migrations/1764400000000-billing-schema';
import { FeeScheduleAnnouncements1765100000000 } from '../migrations/1765100000000-fee-schedule-announcements';
import { OrderStreamConflict, PaymentOrders, orderStream, type PaymentToApply } from '../orders/payment-orders';
import { camt053Document } from '../../test-fixtures/statements/builders';
import { StatementImporter, statementStream } from './statement-importer';

/**
 * The importer applies a chunk's auto-matches in bulk. These tests hold the bulk path to the command-by-command one
 * (same events, versions, outbox messages and read-model rows) over real PostgreSQL, and check the chunking itself.
 */
describe('bulk payment application and chunked import (real PostgreSQL)', () => {
  jest.setTimeout(60000);
  const TOPIC = 'billing.events.test';
  let db: TestDatabase;
  let store: PostgresEventStore;
  let orders: PaymentOrders;

  beforeAll(async () => {
    db = await createTestDatabase('billing_bulk');
    await db.pool.query(EVENT_STORE_DDL);
    await new BillingSchema1764400000000().up({ query: (sql: string) => db.pool.query(sql) } as never);
    await new FeeScheduleAnnouncements1765100000000().up({ query: (sql: string) => db.pool.query(sql) } as never);
    store = new PostgresEventStore(db.pool, new Upcasters());
    const fees = new FeeSchedules(store, pino({ level: 'silent' }), { BILLING_TOPIC: TOPIC });
    await fees.ensureDefault();
    orders = new PaymentOrders(store, fees, { BILLING_TOPIC: TOPIC, PAYEE_ACCOUNT_NAME: '中国图书馆学会', PAYEE_BANK_NAME: '北京银行白石桥支行', PAYEE_ACCOUNT_NUMBER: '20000006591600105310002' } as BillingConfig);
  });
  afterAll(() => db?.drop());

  const meta = (): CommandMetadata => ({ now: new Date().toISOString(), actor: 'system:reconciler', correlationId: randomUUID() });
  const issue = async (institutionName: string, years = 1): Promise<string> => {
    const app = { ...ApplicationSubmitted.example, applicationId: randomUUID(), institutionId: randomUUID(), institutionName, invoiceTitle: institutionName, years, submittedAt: new Date().toISOString() };
    return withTransaction(db.pool, (client) => orders.issueForApplication(app, meta(), client));
  };

  /** Events after issuing, outbox messages and read-model row of an order, with its own ids replaced so two orders compare. */
  const recordOf = async (orderId: string) => {
    const stream = orderStream(orderId);
    const events = await db.pool.query(`select stream_version, event_id, event_type, data, metadata from es_events where stream_id = $1 and stream_version > 1 order by stream_version`, [stream]);
    const outbox = await db.pool.query(`select message_key, event_type, payload from es_outbox where message_key = $1 and event_type <> 'billing.PaymentOrderIssued' order by id`, [stream]);
    const row = await db.pool.query(`select status, amount_paid_fen, credit_fen, to_char(paid_on, 'YYYY-MM-DD') as paid_on from billing_orders where order_id = $1`, [orderId]);
    // Causation: a message names the first event of the command that produced it (commands start with PaymentApplied).
    let command = 0;
    const commandOf = new Map<string, number>();
    for (const e of events.rows) {
      if (e.event_type === 'PaymentApplied' || e.event_type === 'PaymentReceivedForCancelledOrder') command++;
      commandOf.set(e.event_id, command);
    }
    const strip = (data: Record<string, unknown>) => {
      const { orderId: _x, applicationId: _y, institutionId: _z, at: _at, ...rest } = data;
      return rest;
    };
    return {
      events: events.rows.map((e) => ({ version: e.stream_version, type: e.event_type, data: strip(e.data), commandType: e.metadata.commandType, actor: e.metadata.actor })),
      outbox: outbox.rows.map((m) => ({ type: m.event_type, streamId: m.payload.streamId === stream, causedByCommand: commandOf.get(m.payload.causationId), data: strip(m.payload.data) })),
      row: row.rows[0],
    };
  };

  it('writes exactly what ApplyPayment command by command writes: two payments on one order in a chunk, a redelivered transfer, a partial then the rest', async () => {
    const bulk = { a: await issue('甲图书馆'), b: await issue('乙图书馆', 2), c: await issue('丙图书馆') };
    const single = { a: await issue('甲图书馆'), b: await issue('乙图书馆', 2), c: await issue('丙图书馆') };
    const t = { a1: randomUUID(), a2: randomUUID(), b1: randomUUID(), b2: randomUUID(), c1: randomUUID() };
    const plan = (o: typeof bulk): PaymentToApply[] => [
      { orderId: o.a, transferId: t.a1, amountFen: 600000, matchId: t.a1, bookedOn: '2026-11-20' },
      { orderId: o.b, transferId: t.b1, amountFen: 500000, matchId: t.b1, bookedOn: '2026-11-20' },
      { orderId: o.a, transferId: t.a2, amountFen: 600000, matchId: t.a2, bookedOn: '2026-11-21' },
      { orderId: o.c, transferId: t.c1, amountFen: 600000, matchId: t.c1, bookedOn: '2026-11-21' },
      { orderId: o.c, transferId: t.c1, amountFen: 600000, matchId: t.c1, bookedOn: '2026-11-21' },
      { orderId: o.b, transferId: t.b2, amountFen: 700000, matchId: t.b2, bookedOn: '2026-11-22' },
    ];
    const m = meta();
    await withTransaction(db.pool, (client) => orders.applyPayments(plan(bulk), m, client));
    await withTransaction(db.pool, async (client) => {
      for (const p of plan(single)) await orders.applyPayment(p, m, client);
    });
    for (const k of ['a', 'b', 'c'] as const) expect(await recordOf(bulk[k])).toEqual(await recordOf(single[k]));
    const a = await recordOf(bulk.a);
    expect(a.events.map((e) => e.type)).toEqual(['PaymentApplied', 'PaymentOrderPaid', 'PaymentApplied', 'OverpaymentRecorded']);
    expect(a.events.map((e) => e.version)).toEqual([2, 3, 4, 5]);
    expect(a.row).toEqual({ status: 'overpaid', amount_paid_fen: '1200000', credit_fen: '600000', paid_on: '2026-11-20' });
    expect((await recordOf(bulk.b)).outbox.map((x) => x.type)).toEqual(['billing.PaymentOrderPartiallyPaid', 'billing.PaymentOrderPaid']);
    expect((await recordOf(bulk.c)).events.map((e) => e.type)).toEqual(['PaymentApplied', 'PaymentOrderPaid']);
  });

  it('refuses to overwrite a concurrent append to one of the orders (OrderStreamConflict), and a retry then applies on top of it', async () => {
    const orderId = await issue('丁图书馆');
    const first = await db.pool.connect();
    try {
      await first.query('begin');
      await orders.applyPayment({ orderId, transferId: randomUUID(), amountFen: 100000, matchId: randomUUID(), bookedOn: '2026-11-20' }, meta(), first);
      const racing = withTransaction(db.pool, (client) => orders.applyPayments([{ orderId, transferId: randomUUID(), amountFen: 500000, matchId: randomUUID(), bookedOn: '2026-11-21' }], meta(), client));
      // Attached before the commit: under load the refusal can be processed before the COMMIT answer, and an
      // unhandled rejection would fail the test although it is the expected outcome.
      const refused = expect(racing).rejects.toBeInstanceOf(OrderStreamConflict);
      await new Promise((r) => setTimeout(r, 300)); // the bulk insert now waits on the first transaction's version 2
      await first.query('commit');
      await refused;
    } finally {
      first.release();
    }
    await withTransaction(db.pool, (client) => orders.applyPayments([{ orderId, transferId: randomUUID(), amountFen: 500000, matchId: randomUUID(), bookedOn: '2026-11-21' }], meta(), client));
    const r = await db.pool.query(`select status, amount_paid_fen from billing_orders where order_id = $1`, [orderId]);
    expect(r.rows[0]).toEqual({ status: 'paid', amount_paid_fen: '600000' });
  });

  it('imports in chunks: one TransfersImported event per chunk on the statement stream, per-transfer integration events, a second full payment of the order in the same statement sent to review as a possible duplicate', async () => {
    const orderId = await issue('戊市少儿图书馆');
    const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    const csv = [
      '交易日期,交易流水号,收入金额,支出金额,对方单位名称,对方账号,用途',
      `${today},BULK001,6000.00,,戊市少儿图书馆,6222000011110001,戊市少儿图书馆+会费`,
      `${today},BULK002,88.00,,某某公司,6222000011110002,货款`,
      `${today},BULK003,,12.00,银行,,手续费`,
      `${today},BULK004,6000.00,,戊市少儿图书馆,6222000011110001,戊市少儿图书馆会费`,
      `${today},BULK004,6000.00,,戊市少儿图书馆,6222000011110001,戊市少儿图书馆会费`,
    ].join('\r\n');
    const stages: string[] = [];
    const importer = new StatementImporter(db.pool, store, orders, { billingTopic: TOPIC, batchSize: 2, onStage: (s) => void stages.push(s) });
    const summary = await importer.import({ content: Buffer.from(csv), filename: 'bulk.csv', actor: 'finance-1', correlationId: randomUUID() });
    expect(summary).toMatchObject({ credits: 4, newCredits: 3, duplicates: 1, debitsIgnored: 1, autoMatched: 1, suggested: 1, unmatched: 1 });
    expect(stages).toEqual(expect.arrayContaining(['parse', 'orders', 'index', 'decide', 'persist']));
    const events = await db.pool.query(`select stream_version, event_type, data from es_events where stream_id = $1 order by stream_version`, [statementStream(summary.statementId)]);
    expect(events.rows.map((e) => [e.stream_version, e.event_type])).toEqual([
      [1, 'TransfersImported'],
      [2, 'TransfersImported'],
    ]);
    const lines = events.rows.flatMap((e) => e.data.transfers);
    expect(lines.map((l: { bankReference: string; outcome: string }) => [l.bankReference, l.outcome])).toEqual([
      ['BULK001', 'matched'],
      ['BULK002', 'unmatched'],
      ['BULK004', 'suggested'],
    ]);
    expect(lines[0].match).toMatchObject({ allocations: [{ orderId, amountFen: 600000 }], actor: 'system:reconciler' });
    // Never confirmed automatically: finance decides between a refund and a carry-over.
    expect(lines[2].candidates[0]).toMatchObject({ orderId });
    expect(lines[2].candidates[0].reasons).toContain('订单已结清，可能为重复付款');
    const outbox = await db.pool.query(`select event_type, count(*)::int as n from es_outbox where payload->>'correlationId' = $1 group by event_type order by event_type`, [
      (await db.pool.query(`select metadata->>'correlationId' as c from es_events where stream_id = $1 limit 1`, [statementStream(summary.statementId)])).rows[0].c,
    ]);
    expect(Object.fromEntries(outbox.rows.map((r) => [r.event_type, r.n]))).toEqual({
      'billing.TransferImported': 3,
      'billing.PaymentMatched': 1,
      'billing.TransferUnmatched': 1,
      'billing.PaymentOrderPaid': 1,
    });
    const order = await db.pool.query(`select status, amount_paid_fen, credit_fen from billing_orders where order_id = $1`, [orderId]);
    expect(order.rows[0]).toEqual({ status: 'paid', amount_paid_fen: '600000', credit_fen: '0' });
    const statement = await db.pool.query(`select new_credit_count, duplicate_count, auto_matched, suggested, unmatched from billing_statements where statement_id = $1`, [summary.statementId]);
    expect(statement.rows[0]).toEqual({ new_credit_count: 3, duplicate_count: 1, auto_matched: 1, suggested: 1, unmatched: 1 });
  });
  it('a transfer in a later statement that repeats the payment of a settled order lands in the unmatched inbox with a note naming that order, never as a match or a suggestion', async () => {
    const orderId = await issue('庚市图书馆');
    const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    const header = '交易日期,交易流水号,收入金额,支出金额,对方单位名称,对方账号,用途';
    const importer = new StatementImporter(db.pool, store, orders, { billingTopic: TOPIC });
    const first = await importer.import({ content: Buffer.from([header, `${today},DUP001,6000.00,,庚市图书馆,6222000099990001,庚市图书馆+会费`].join('\r\n')), filename: 'first.csv', actor: 'finance-1', correlationId: randomUUID() });
    expect(first).toMatchObject({ autoMatched: 1 });
    const second = await importer.import({
      content: Buffer.from([header, `${today},DUP002,6000.00,,庚市图书馆,6222000099990001,庚市图书馆会费`, `${today},DUP003,88.00,,某某公司,6222000011110002,货款`].join('\r\n')),
      filename: 'second.csv',
      actor: 'finance-1',
      correlationId: randomUUID(),
    });
    expect(second).toMatchObject({ newCredits: 2, autoMatched: 0, suggested: 0, unmatched: 2 });
    const rows = await db.pool.query(`select bank_reference, status, notes, candidates from billing_transfers where statement_id = $1 order by line_number`, [second.statementId]);
    expect(rows.rows.map((r) => [r.bank_reference, r.status])).toEqual([
      ['DUP002', 'unmatched'],
      ['DUP003', 'unmatched'],
    ]);
    const { payment_code: code } = (await db.pool.query(`select payment_code from billing_orders where order_id = $1`, [orderId])).rows[0];
    expect(rows.rows[0].notes).toEqual([expect.stringMatching(new RegExp(`^可能为已结清订单的重复付款：庚市图书馆（缴费码 ${code}，应付 6,000\\.00元，匹配度 \\d+%）`))]);
    expect(rows.rows[1].notes).toEqual(['未找到匹配的订单']);
    const order = await db.pool.query(`select status, amount_paid_fen, credit_fen from billing_orders where order_id = $1`, [orderId]);
    expect(order.rows[0]).toEqual({ status: 'paid', amount_paid_fen: '600000', credit_fen: '0' });
    // Finance tooling on the topic gets the same: TransferUnmatched v2 with the notes and, for the repeat, the order.
    const published = await db.pool.query(`select payload from es_outbox where event_type = 'billing.TransferUnmatched' and payload->'data'->>'statementId' = $1 order by id`, [second.statementId]);
    const [repeat, unrelated] = published.rows.map((r) => parseIntegrationEvent(JSON.stringify(r.payload)));
    expect(repeat.schemaVersion).toBe(2);
    expect(repeat.data).toMatchObject({ bankReference: 'DUP002', notes: rows.rows[0].notes, possibleDuplicateOf: { orderId, institutionName: '庚市图书馆', paymentCode: code, amountDueFen: 600000 } });
    expect((repeat.data as { possibleDuplicateOf: { confidence: number } }).possibleDuplicateOf.confidence).toBeGreaterThan(0.5);
    expect(unrelated.schemaVersion).toBe(2);
    expect(unrelated.data).toMatchObject({ bankReference: 'DUP003', notes: ['未找到匹配的订单'] });
    expect(unrelated.data).not.toHaveProperty('possibleDuplicateOf');
  });

  it('sends a credit from another registered institution’s account to review naming both, and says a learned payer name is one (not the institution’s name)', async () => {
    const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    // 辛大学图书馆 is a member whose order is settled (no open order); 辛大学医学图书馆 has one, and finance once
    // confirmed that 辛大学 pays for it from account 6222000077770001.
    const sibling = await issue('辛大学图书馆');
    await withTransaction(db.pool, (client) => orders.applyPayments([{ orderId: sibling, transferId: randomUUID(), amountFen: 600000, matchId: randomUUID(), bookedOn: today }], meta(), client));
    const library = await issue('辛大学医学图书馆');
    const { institution_id: libraryInstitution, payment_code: libraryCode } = (await db.pool.query(`select institution_id, payment_code from billing_orders where order_id = $1`, [library])).rows[0];
    await withTransaction(db.pool, (client) => orders.learnPayer(client, libraryInstitution, '辛大学', '6222000077770001'));
    const csv = [
      '交易日期,交易流水号,收入金额,支出金额,对方单位名称,对方账号,用途',
      `${today},SIB001,6000.00,,辛大学图书馆,6222000077770009,辛大学医学图书馆会费`,
      // The library's valid payment code from the sibling member's account: still a person's decision (issue #24).
      `${today},SIB003,6000.00,,辛大学图书馆,6222000077770009,辛大学医学图书馆会费 ${libraryCode}`,
      `${today},SIB002,6000.00,,辛大学,6222000077770001,会费`,
    ].join('\r\n');
    const importer = new StatementImporter(db.pool, store, orders, { billingTopic: TOPIC });
    const summary = await importer.import({ content: Buffer.from(csv), filename: 'sibling.csv', actor: 'finance-1', correlationId: randomUUID() });
    expect(summary).toMatchObject({ newCredits: 3, autoMatched: 1, suggested: 2 });
    const rows = await db.pool.query(`select bank_reference, status, candidates, notes, reasons from billing_transfers where statement_id = $1 order by line_number`, [summary.statementId]);
    const [fromSibling, codedFromSibling, fromParent] = rows.rows;
    expect(fromSibling).toMatchObject({ bank_reference: 'SIB001', status: 'suggested' });
    expect(fromSibling.candidates.map((c: { orderId: string }) => c.orderId)).toEqual([library]);
    expect(fromSibling.notes).toEqual([
      '付款户名「辛大学图书馆」是另一已登记单位（辛大学图书馆），而附言等信息指向「辛大学医学图书馆」：需人工确认这笔款项归属哪家单位',
      '辛大学图书馆目前没有未结订单',
    ]);
    expect(fromParent).toMatchObject({ bank_reference: 'SIB002', status: 'matched', reasons: ['付款账号为已登记的付款账号', '户名与已确认为该单位付款的户名「辛大学」一致', '金额一致'] });
    expect(codedFromSibling).toMatchObject({ bank_reference: 'SIB003', status: 'suggested' });
    expect(codedFromSibling.candidates.map((c: { orderId: string }) => c.orderId)).toEqual([library]);
    expect(codedFromSibling.candidates[0].reasons[0]).toBe(`缴费码有效（${libraryCode}）`);
    expect(codedFromSibling.notes).toEqual([
      `付款户名「辛大学图书馆」是另一已登记单位（辛大学图书馆），而附言中的缴费码 ${libraryCode} 属于「辛大学医学图书馆」的订单：需人工确认这笔款项归属哪家单位`,
      '辛大学图书馆目前没有未结订单',
    ]);
  });

  it('imports the credits of every statement of a camt.053 file, keeps bank references apart per account, and stores foreign-currency entries as rejected with their statement and entry', async () => {
    const orderId = await issue('壬市图书馆');
    const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    const file = camt053Document('05', [
      {
        id: 'CAMT-A',
        ccy: 'CNY',
        balances: { opening: '100.00', closing: '6100.00' },
        entries: [
          { amount: '6000.00', direction: 'CRDT', booked: { Dt: today }, ref: 'SAME-REF', payer: '壬市图书馆', remark: '壬市图书馆会费' },
          { amount: '6000.00', ccy: 'EUR', direction: 'CRDT', booked: { Dt: today }, ref: 'EUR-REF', payer: '壬市图书馆', remark: '壬市图书馆会费' },
        ],
      },
      { id: 'CAMT-B', account: '11009988776655', ccy: 'CNY', entries: [{ amount: '88.00', direction: 'CRDT', booked: { Dt: today }, ref: 'SAME-REF', payer: '某某公司', remark: '货款' }] },
    ]);
    const importer = new StatementImporter(db.pool, store, orders, { billingTopic: TOPIC });
    const summary = await importer.import({ content: file, filename: 'two-statements.xml', actor: 'finance-1', correlationId: randomUUID() });
    expect(summary).toMatchObject({ format: 'camt053', lines: 3, credits: 2, newCredits: 2, duplicates: 0, autoMatched: 1, unmatched: 1, balanceCheck: 'not_available' });
    expect(summary.statements?.map((s) => [s.id, s.balanceCheck, s.imported, s.rejected])).toEqual([
      ['CAMT-A', 'ok', 1, 1],
      ['CAMT-B', 'not_available', 1, 0],
    ]);
    const rows = await db.pool.query(`select line_number, bank_reference, dedupe_key, status, allocations from billing_transfers where statement_id = $1 order by line_number`, [summary.statementId]);
    expect(rows.rows.map((r) => [r.line_number, r.bank_reference, r.dedupe_key, r.status])).toEqual([
      [1, 'SAME-REF', 'ref:20000006591600105310002:SAME-REF', 'matched'],
      [3, 'SAME-REF', 'ref:11009988776655:SAME-REF', 'unmatched'],
    ]);
    expect(rows.rows[0].allocations).toEqual([{ orderId, amountFen: 600000 }]);
    const stored = await db.pool.query(`select rejected, balance_check, account_number from billing_statements where statement_id = $1`, [summary.statementId]);
    expect(stored.rows[0].rejected).toEqual([
      expect.objectContaining({ lineNumber: 2, reason: '对账单 CAMT-A 第 2 笔（AcctSvcrRef EUR-REF）：币种为 EUR，与账户币种 CNY 不符，未导入，请人工核对', entry: { statementId: 'CAMT-A', index: 2, reference: 'EUR-REF' } }),
    ]);
    // The EUR entry paid nothing: the order holds the yuan transfer only.
    const order = await db.pool.query(`select status, amount_paid_fen from billing_orders where order_id = $1`, [orderId]);
    expect(order.rows[0]).toEqual({ status: 'paid', amount_paid_fen: '600000' });
  });
});
