/**
 * reconcile: import + reconcile + persist a 100,000-line generated statement against 50,000 open orders (the billing
 * service's StatementImporter against a scratch database) vs parsing the same file alone with statements/ (baseline).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { Upcasters, EVENT_STORE_DDL, PostgresEventStore } from '@lsc/event-sourcing';
import { createTestDatabase } from '@lsc/testing';
import { machineJiffies, report, round } from '../common';
import type * as ImporterModule from '../../apps/billing/src/imports/statement-importer';
import type * as OrdersModule from '../../apps/billing/src/orders/payment-orders';
import type * as StatementsModule from '../../apps/billing/src/statements';
import type * as MigrationModule from '../../apps/billing/src/migrations/1764400000000-billing-schema';

// The bench is compiled alone; billing's compiled code lives in dist/apps/billing (src/ stripped), resolved at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const billing = (path: string) => require(join(__dirname, '..', '..', 'apps', 'billing', path));
const { StatementImporter } = billing('imports/statement-importer.js') as typeof ImporterModule;
const { PaymentOrders } = billing('orders/payment-orders.js') as typeof OrdersModule;
const { parseStatement } = billing('statements/index.js') as typeof StatementsModule;
const { BillingSchema1764400000000 } = billing('migrations/1764400000000-billing-schema.js') as typeof MigrationModule;

const LINES = Number(process.env.BENCH_LINES ?? 100000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 50000);
const PLACES = ['北京', '上海', '天津', '重庆', '河北', '山西', '辽宁', '吉林', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南', '湖北', '湖南', '广东', '四川', '贵州'];
const KINDS = ['图书馆', '大学图书馆', '少儿图书馆', '科技有限公司', '文化传媒有限公司', '职业技术学院图书馆'];
const name = (i: number) => `${PLACES[i % PLACES.length]}${['东', '西', '南', '北', '中'][(i >> 3) % 5]}${String(i).padStart(5, '0')}号${KINDS[i % KINDS.length]}`;

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_reconcile', undefined, 8);
  try {
    await db.pool.query(EVENT_STORE_DDL);
    const runner = { query: (sql: string) => db.pool.query(sql) };
    await new BillingSchema1764400000000().up(runner as never);
    const store = new PostgresEventStore(db.pool, new Upcasters());
    const config = { BILLING_TOPIC: 'billing.events.v1' } as never;
    const orders = new PaymentOrders(store, {} as never, config);
    // Setup (not timed): 50,000 issued orders with their streams and read-model rows.
    const issuedAt = new Date(Date.now() - 86400000).toISOString();
    const orderRows: Array<{ id: string; name: string; due: number; code: string }> = [];
    for (let i = 0; i < ORDERS; i++) orderRows.push({ id: randomUUID(), name: name(i), due: 600000 * (1 + (i % 3)), code: '' });
    for (let i = 0; i < ORDERS; i += 1000) {
      const chunk = orderRows.slice(i, i + 1000);
      await db.pool.query(
        `insert into es_events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata)
         select 'payment-order-' || t.id, 'payment-order', 1, gen_random_uuid(), 'PaymentOrderIssued', 1,
                jsonb_build_object('orderId', t.id, 'applicationId', gen_random_uuid(), 'institutionId', gen_random_uuid(), 'institutionName', t.name, 'feePerYearFen', 600000,
                  'years', t.due / 600000, 'amountDueFen', t.due, 'scheduleVersion', '2026-01', 'payee', jsonb_build_object('accountName', '中国图书馆学会', 'bankName', '北京银行白石桥支行', 'accountNumber', '20000006591600105310002'),
                  'transferRemark', t.name || '+会费', 'paymentCode', 'P' || lpad(t.n::text, 5, '0'), 'issuedAt', $3::text), '{}'::jsonb
           from unnest($1::uuid[], $2::text[], $4::bigint[], $5::int[]) as t(id, name, due, n)`,
        [chunk.map((o) => o.id), chunk.map((o) => o.name), issuedAt, chunk.map((o) => o.due), chunk.map((_, k) => i + k)],
      );
      await db.pool.query(
        `insert into billing_orders (order_id, application_id, institution_id, institution_name, qualification_code, qualification_name, staff_tier_code, staff_tier_name, years, term_start, term_end,
           fee_per_year_fen, amount_due_fen, status, schedule_version, payment_code, transfer_remark, invoice_title, credit_code, issued_at)
         select (e.data->>'orderId')::uuid, (e.data->>'applicationId')::uuid, (e.data->>'institutionId')::uuid, e.data->>'institutionName', 'enterprise', '企业会员', '1-30', '1-30人',
                (e.data->>'years')::int, current_date, current_date + 1000, 600000, (e.data->>'amountDueFen')::bigint, 'unpaid', '2026-01', e.data->>'paymentCode', e.data->>'transferRemark',
                e.data->>'institutionName', '91350100M000100Y43', $2::timestamptz
           from es_events e where e.stream_id = any($1::text[])`,
        [chunk.map((o) => `payment-order-${o.id}`), issuedAt],
      );
    }
    // 40% dues payments written like real payers (name + 会费, sometimes a full-width ＋ or a space), 60% unrelated credits and debits.
    const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    const lines = ['某银行账户明细', '账号：20000006591600105310002', '', '交易日期,交易流水号,收入金额,支出金额,对方单位名称,对方账号,用途'];
    for (let i = 0; i < LINES; i++) {
      if (i % 5 < 2) {
        const o = orderRows[(i * 7) % ORDERS];
        const remark = [`${o.name}+会费`, `${o.name}＋ 会费`, `${o.name}交纳中图学会会费`][i % 3];
        lines.push(`${today},R${i},${(o.due / 100).toFixed(2)},,${o.name},62220${String(i).padStart(12, '0')},${remark}`);
      } else if (i % 5 === 2) {
        lines.push(`${today},R${i},,${(100 + (i % 900)).toFixed(2)},供应商${i % 1000},11000${i},货款`);
      } else {
        lines.push(`${today},R${i},${(200 + (i % 5000)).toFixed(2)},,往来单位${i % 3000},12000${i},服务费 第${i}期`);
      }
    }
    const file = Buffer.from(lines.join('\r\n'), 'utf8');

    // Baseline: parsing alone.
    const p0 = process.hrtime.bigint();
    const parsed = await parseStatement(file, { filename: 'bench.csv' });
    const parseSeconds = Number(process.hrtime.bigint() - p0) / 1e9;

    const stages: Record<string, number> = {};
    const importer = new StatementImporter(db.pool, store, orders, { billingTopic: 'billing.events.v1', onStage: (stage, ms) => void (stages[`${stage}_s`] = round(ms / 1000, 2)) });
    const cpu0 = process.cpuUsage();
    const machine0 = machineJiffies();
    const t0 = process.hrtime.bigint();
    const summary = await importer.import({ content: file, filename: 'bench.csv', actor: 'bench', correlationId: randomUUID() });
    const total = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const machine = machineJiffies();
    const cpuSeconds = { bench_process: round((cpu.user + cpu.system) / 1e6, 2), machine_busy: round((machine.busy - machine0.busy) / 100, 2), machine_capacity: round((machine.total - machine0.total) / 100, 2) };
    console.error(JSON.stringify({ parsedLines: parsed.lines.length, rejected: parsed.rejected.length, parseSeconds: round(parseSeconds, 2), summary: { ...summary, rejected: summary.rejected.length } }));
    const wrong = await wrongAutoMatches(db.pool, orderRows);
    report({
      bench: 'reconcile', ours: LINES / total, baseline: LINES / parseSeconds, unit: 'lines/s', total_s: round(total, 2), stages, cpu_s: cpuSeconds,
      auto_matched: summary.autoMatched, wrong_auto_matched: wrong, suggested: summary.suggested, unmatched: summary.unmatched,
    });
    // Speed bought with a wrong automatic match is no result: the run fails, the JSON line above still says why.
    if (wrong > 0) process.exitCode = 1;
  } finally {
    await db.drop();
  }
}

/**
 * Every automatic match checked against the generator's truth: line R<i> pays orderRows[(i * 7) % ORDERS]; lines that
 * pay no order (unrelated credits) must never be auto-matched at all. Wrong ones are printed with their evidence.
 */
async function wrongAutoMatches(pool: Pool, orderRows: Array<{ id: string; name: string }>): Promise<number> {
  const { rows } = await pool.query<{ ref: string; order_id: string; payer_name: string; remark: string; amount_fen: string; confidence: string; reasons: string[] }>(
    `select bank_reference as ref, allocations->0->>'orderId' as order_id, payer_name, remark, amount_fen, confidence, reasons
       from billing_transfers where match_mode = 'auto'`,
  );
  const names = new Map(orderRows.map((o) => [o.id, o.name]));
  const wrong = rows.filter((r) => {
    const i = Number(r.ref.slice(1));
    return i % 5 >= 2 || orderRows[(i * 7) % orderRows.length].id !== r.order_id;
  });
  for (const r of wrong.slice(0, 50)) {
    const i = Number(r.ref.slice(1));
    const truth = i % 5 < 2 ? orderRows[(i * 7) % orderRows.length].name : '(none)';
    console.error(`WRONG auto-match ${r.ref}: payer=${r.payer_name} remark=${r.remark} amount=${r.amount_fen} → ${names.get(r.order_id)} (expected ${truth}) confidence=${r.confidence} ${JSON.stringify(r.reasons)}`);
  }
  return wrong.length;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
