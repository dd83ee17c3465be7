import type { Queryable } from '@lsc/event-sourcing';

/** See the migration NotificationApplicationFacts: the facts billing's events lack, keyed by application and order. */

export type ApplicationKind = 'new' | 'renewal';

export interface OrderFacts {
  readonly payee: { readonly accountName: string; readonly bankName: string; readonly accountNumber: string };
  readonly transferRemark: string;
  readonly paymentCode: string;
}

export async function recordApplicationKind(db: Queryable, a: { applicationId: string; institutionId: string; kind: ApplicationKind }): Promise<void> {
  await db.query(
    `insert into notification_applications (application_id, institution_id, kind) values ($1, $2, $3)
     on conflict (application_id) do update set kind = excluded.kind, updated_at = now()`,
    [a.applicationId, a.institutionId, a.kind],
  );
}

export async function recordOrder(db: Queryable, o: OrderFacts & { orderId: string; applicationId: string; amountDueFen: number }): Promise<void> {
  await db.query(
    `insert into notification_orders (order_id, application_id, payee, transfer_remark, payment_code, amount_due_fen) values ($1, $2, $3, $4, $5, $6)
     on conflict (order_id) do update set payee = excluded.payee, transfer_remark = excluded.transfer_remark, payment_code = excluded.payment_code,
       amount_due_fen = excluded.amount_due_fen, updated_at = now()`,
    [o.orderId, o.applicationId, JSON.stringify(o.payee), o.transferRemark, o.paymentCode, o.amountDueFen],
  );
}

/** The application's kind, when membership's ApplicationSubmitted has been seen (it precedes billing's order). */
export async function applicationKindOf(db: Queryable, applicationId: string): Promise<ApplicationKind | undefined> {
  const r = await db.query<{ kind: ApplicationKind }>('select kind from notification_applications where application_id = $1', [applicationId]);
  return r.rows[0]?.kind;
}

/** How the order is paid; billing keys its events by order, so PaymentOrderIssued precedes every settlement of it. */
export async function orderFactsOf(db: Queryable, orderId: string): Promise<OrderFacts | undefined> {
  const r = await db.query<{ payee: OrderFacts['payee']; transfer_remark: string; payment_code: string }>(
    'select payee, transfer_remark, payment_code from notification_orders where order_id = $1',
    [orderId],
  );
  const row = r.rows[0];
  return row ? { payee: row.payee, transferRemark: row.transfer_remark, paymentCode: row.payment_code } : undefined;
}
