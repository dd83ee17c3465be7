import type { Queryable } from '@lsc/event-sourcing';
import { fen } from '../shared';
import { MATCH_MODE_LABELS, ORDER_STATUS_LABELS, TRANSFER_STATUS_LABELS, labelOf } from '../reports/labels';
import type { StaffNames } from '../reports/report-queries';

export interface OrderSummary {
  orderId: string;
  institutionId: string;
  institutionName: string;
  paymentCode: string;
  transferRemark: string;
  amountDueFen: number;
  amountPaidFen: number;
  status: string;
  statusLabel: string;
  issuedOn: string;
}

/** The orders behind ids, from billing's own read model (filled from the events billing consumes and emits). */
export async function orderSummaries(db: Queryable, orderIds: readonly string[]): Promise<Map<string, OrderSummary>> {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return new Map();
  const r = await db.query<Record<string, string>>(
    `select order_id, institution_id, institution_name, payment_code, transfer_remark, amount_due_fen, amount_paid_fen, status,
            to_char(issued_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as issued_on from billing_orders where order_id = any($1::uuid[])`,
    [ids],
  );
  return new Map(
    r.rows.map((o) => [
      o.order_id,
      {
        orderId: o.order_id, institutionId: o.institution_id, institutionName: o.institution_name, paymentCode: o.payment_code, transferRemark: o.transfer_remark,
        amountDueFen: fen(o.amount_due_fen), amountPaidFen: fen(o.amount_paid_fen), status: o.status, statusLabel: labelOf(ORDER_STATUS_LABELS, o.status), issuedOn: o.issued_on,
      },
    ]),
  );
}

type View = Record<string, unknown> & { candidates?: unknown; allocations?: unknown; status?: unknown; matchMode?: unknown; decidedBy?: unknown; setAsideBy?: unknown };

/**
 * Adds what a finance clerk needs to judge a credit without another lookup: each candidate's and allocation's order
 * (institution name, amount, state, remark to expect), Chinese labels and the deciding staff member's name.
 */
export async function enrichTransfers<T extends View>(db: Queryable, staff: StaffNames, views: T[]) {
  const ids = views.flatMap((v) => [...((v.candidates as Array<{ orderId: string }>) ?? []), ...((v.allocations as Array<{ orderId: string }>) ?? [])].map((c) => c.orderId));
  const [orders, names] = await Promise.all([orderSummaries(db, ids), staff(views.flatMap((v) => [v.decidedBy as string, v.setAsideBy as string]))]);
  const name = (actor: unknown) => (typeof actor === 'string' && actor ? (names.get(actor) ?? (actor.startsWith('system') ? '系统' : actor)) : null);
  return views.map((v) => ({
    ...v,
    statusLabel: labelOf(TRANSFER_STATUS_LABELS, v.status),
    matchModeLabel: labelOf(MATCH_MODE_LABELS, v.matchMode),
    decidedByName: v.matchMode === 'auto' ? '系统自动' : name(v.decidedBy),
    setAsideByName: name(v.setAsideBy),
    candidates: ((v.candidates as Array<{ orderId: string; score: number; reasons: string[] }>) ?? []).map((c) => ({ ...c, order: orders.get(c.orderId) ?? null })),
    allocations: ((v.allocations as Array<{ orderId: string; amountFen: number }>) ?? []).map((a) => ({ ...a, order: orders.get(a.orderId) ?? null })),
  }));
}
