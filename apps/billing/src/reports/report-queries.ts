import type { Queryable } from '@lsc/event-sourcing';
import { shanghaiDate } from '../domain/dates';
import { BALANCE_CHECK_LABELS, MATCH_MODE_LABELS, ORDER_STATUS_LABELS, TRANSFER_STATUS_LABELS, labelOf } from './labels';
import type { ReportColumn, ReportRow } from './xlsx-report';

export interface Report {
  title: string;
  columns: ReportColumn[];
  rows: ReportRow[];
}

/** Resolves actor ids to staff display names (billing_staff, from identity's events). */
export type StaffNames = (actors: Iterable<string | null | undefined>) => Promise<Map<string, string>>;
const displayName = (names: Map<string, string>, actor: unknown): string | null => {
  if (actor === null || actor === undefined || actor === '') return null;
  const id = String(actor);
  return names.get(id) ?? (id.startsWith('system') ? '系统' : id);
};

/**
 * 应收会费. 账龄 counts Shanghai calendar days from the day the order was issued to today in Shanghai: both dates are
 * computed here from instants, never from the database session's current_date (UTC on servers, one day behind
 * Shanghai between 00:00 and 08:00, which showed 账龄 -1).
 */
export async function receivablesReport(db: Queryable, now: Date): Promise<Report> {
  const today = shanghaiDate(now.toISOString());
  const r = await db.query(
    `select order_id as "orderId", institution_name as "institutionName", payment_code as "paymentCode", status, amount_due_fen::float8 as "amountDueFen",
        amount_paid_fen::float8 as "amountPaidFen", (amount_due_fen - amount_paid_fen)::float8 as "outstandingFen", to_char(issued_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as "issuedOn",
        greatest(0, $1::date - (issued_at at time zone 'Asia/Shanghai')::date) as "ageDays"
       from billing_orders where status in ('unpaid', 'partially_paid') order by issued_at`,
    [today],
  );
  const rows = (r.rows as ReportRow[]).map((x) => ({ ...x, statusLabel: labelOf(ORDER_STATUS_LABELS, x.status), ageBucket: ageBucket(Number(x.ageDays)) }));
  return {
    title: '应收会费',
    columns: [
      { key: 'institutionName', header: '单位名称', width: 30 },
      { key: 'paymentCode', header: '缴费码' },
      { key: 'statusLabel', header: '状态' },
      { key: 'amountDueFen', header: '应付(元)', kind: 'fen', total: true },
      { key: 'amountPaidFen', header: '已付(元)', kind: 'fen', total: true },
      { key: 'outstandingFen', header: '未付(元)', kind: 'fen', total: true },
      { key: 'issuedOn', header: '开单日期' },
      { key: 'ageDays', header: '账龄(天)', kind: 'int' },
      { key: 'ageBucket', header: '账龄区间' },
      { key: 'orderId', header: '缴费单号', width: 38 },
    ],
    rows,
  };
}

export const AGE_BUCKETS = ['30天以内', '31-90天', '91-180天', '181-365天', '一年以上'] as const;
export function ageBucket(days: number): (typeof AGE_BUCKETS)[number] {
  if (days <= 30) return '30天以内';
  if (days <= 90) return '31-90天';
  if (days <= 180) return '91-180天';
  if (days <= 365) return '181-365天';
  return '一年以上';
}

export async function paymentsReport(db: Queryable, staff: StaffNames, period: { from?: string; to?: string }): Promise<Report> {
  const r = await db.query(
    `select t.transfer_id as "transferId", to_char(t.booked_on, 'YYYY-MM-DD') as "bookedOn", t.payer_name as "payerName", t.amount_fen::float8 as "amountFen", t.match_mode as "mode",
            a->>'orderId' as "orderId", (a->>'amountFen')::float8 as "allocatedFen", o.institution_name as "institutionName", t.decided_by as "decidedBy"
       from billing_transfers t cross join lateral jsonb_array_elements(t.allocations) a left join billing_orders o on o.order_id = (a->>'orderId')::uuid
      where t.status = 'matched' and ($1::date is null or t.booked_on >= $1::date) and ($2::date is null or t.booked_on <= $2::date) order by t.booked_on, t.line_number`,
    [period.from ?? null, period.to ?? null],
  );
  const names = await staff((r.rows as ReportRow[]).map((x) => x.decidedBy as string));
  const rows = (r.rows as ReportRow[]).map((x) => ({ ...x, modeLabel: labelOf(MATCH_MODE_LABELS, x.mode), decidedByName: x.mode === 'auto' ? '系统自动' : displayName(names, x.decidedBy) }));
  return {
    title: '到账明细',
    columns: [
      { key: 'bookedOn', header: '到账日期' },
      { key: 'payerName', header: '付款人', width: 30 },
      { key: 'institutionName', header: '单位名称', width: 30 },
      { key: 'allocatedFen', header: '分配金额(元)', kind: 'fen', total: true },
      { key: 'amountFen', header: '到账金额(元)', kind: 'fen' },
      { key: 'modeLabel', header: '匹配方式' },
      { key: 'decidedByName', header: '确认人' },
      { key: 'orderId', header: '缴费单号', width: 38 },
      { key: 'transferId', header: '到账编号', width: 38 },
    ],
    rows,
  };
}

export async function unmatchedReport(db: Queryable, now: Date): Promise<Report> {
  const today = shanghaiDate(now.toISOString());
  const r = await db.query(
    `select transfer_id as "transferId", to_char(booked_on, 'YYYY-MM-DD') as "bookedOn", payer_name as "payerName", payer_account as "payerAccount", remark,
        amount_fen::float8 as "amountFen", status, greatest(0, $1::date - booked_on) as "ageDays"
       from billing_transfers where status in ('unmatched', 'rejected', 'suggested') order by booked_on, line_number`,
    [today],
  );
  const rows = (r.rows as ReportRow[]).map((x) => ({ ...x, statusLabel: labelOf(TRANSFER_STATUS_LABELS, x.status) }));
  return {
    title: '未匹配到账',
    columns: [
      { key: 'bookedOn', header: '到账日期' },
      { key: 'payerName', header: '付款人', width: 30 },
      { key: 'payerAccount', header: '付款账号', width: 24 },
      { key: 'remark', header: '附言', width: 30 },
      { key: 'amountFen', header: '金额(元)', kind: 'fen', total: true },
      { key: 'statusLabel', header: '状态' },
      { key: 'ageDays', header: '账龄(天)', kind: 'int' },
      { key: 'transferId', header: '到账编号', width: 38 },
    ],
    rows,
  };
}

export async function statementsReport(db: Queryable, staff: StaffNames): Promise<Report> {
  const r = await db.query(`select statement_id as "statementId", filename, to_char(uploaded_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as "uploadedAt", uploaded_by as "uploadedBy",
      balance_check as "balanceCheck", line_count as "lines", new_credit_count as "newCredits", duplicate_count as "duplicates", jsonb_array_length(rejected) as "rejected",
      auto_matched as "autoMatched", suggested, unmatched from billing_statements order by uploaded_at desc`);
  const names = await staff((r.rows as ReportRow[]).map((x) => x.uploadedBy as string));
  const rows = (r.rows as ReportRow[]).map((x) => ({ ...x, balanceCheckLabel: labelOf(BALANCE_CHECK_LABELS, x.balanceCheck), uploadedByName: displayName(names, x.uploadedBy) }));
  return {
    title: '流水导入记录',
    columns: [
      { key: 'uploadedAt', header: '导入时间' },
      { key: 'filename', header: '文件名', width: 30 },
      { key: 'uploadedByName', header: '导入人' },
      { key: 'balanceCheckLabel', header: '余额核对' },
      { key: 'lines', header: '行数', kind: 'int', total: true },
      { key: 'newCredits', header: '新到账', kind: 'int', total: true },
      { key: 'duplicates', header: '重复', kind: 'int', total: true },
      { key: 'rejected', header: '错误行', kind: 'int', total: true },
      { key: 'autoMatched', header: '自动匹配', kind: 'int', total: true },
      { key: 'suggested', header: '待确认', kind: 'int', total: true },
      { key: 'unmatched', header: '未匹配', kind: 'int', total: true },
      { key: 'statementId', header: '流水编号', width: 38 },
    ],
    rows,
  };
}

/** 按月/按日到账: income per period (matched credits, by booking date) for the console's chart. */
export async function incomeByPeriod(db: Queryable, unit: 'day' | 'month', period: { from?: string; to?: string }): Promise<Array<{ period: string; amountFen: number; count: number }>> {
  const format = unit === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
  const r = await db.query<{ period: string; amount_fen: string; count: string }>(
    `select to_char(booked_on, '${format}') as period, sum(amount_fen) as amount_fen, count(*) as count from billing_transfers
      where status = 'matched' and ($1::date is null or booked_on >= $1::date) and ($2::date is null or booked_on <= $2::date) group by 1 order by 1`,
    [period.from ?? null, period.to ?? null],
  );
  return r.rows.map((x) => ({ period: x.period, amountFen: Number(x.amount_fen), count: Number(x.count) }));
}

/** Match rate per statement from the transfers as they stand now (auto / manual / open / set aside). */
export async function matchRateByStatement(db: Queryable): Promise<Array<{ statementId: string; filename: string; uploadedAt: string; auto: number; manual: number; open: number; setAside: number }>> {
  const r = await db.query(
    `select s.statement_id as "statementId", s.filename, to_char(s.uploaded_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as "uploadedAt",
            count(*) filter (where t.status = 'matched' and t.match_mode = 'auto')::int as auto,
            count(*) filter (where t.status = 'matched' and t.match_mode = 'manual')::int as manual,
            count(*) filter (where t.status in ('unmatched', 'suggested', 'rejected'))::int as open,
            count(*) filter (where t.status = 'set_aside')::int as "setAside"
       from billing_statements s join billing_transfers t using (statement_id) group by s.statement_id order by s.uploaded_at desc limit 50`,
  );
  return r.rows as Array<{ statementId: string; filename: string; uploadedAt: string; auto: number; manual: number; open: number; setAside: number }>;
}
