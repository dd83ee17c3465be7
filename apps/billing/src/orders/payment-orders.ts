import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { ApplicationSubmittedV1 } from '@lsc/contracts';
import { CommandHandler, ConcurrencyError, MultiStreamEventStore, PostgresEventStore, fold, type CommandMetadata, type Decided, type NewEvent, type OutboxMessage, type Queryable, type StreamAppend } from '@lsc/event-sourcing';
import { CONFIG } from '@lsc/service-kit';
import type { BillingConfig } from '../config';
import { coverageOfApplication, feeEntryInEffect, paymentOrderDecider, quote, shanghaiDate, toIntegrationEvents, type PaymentOrderCommand, type PaymentOrderEvent, type PaymentOrderState } from '../domain';
import { FeeSchedules } from '../fees/fee-schedules';
import { issuePaymentCode, type OpenOrder, type RegisteredInstitution } from '../reconciliation';
import { fen } from '../shared';
import { billingUpcasters } from '../upcasters';

export const orderStream = (orderId: string): string => `payment-order-${orderId}`;
type OrderDecided = Decided<PaymentOrderState, PaymentOrderEvent>;

export interface PaymentToApply {
  orderId: string;
  transferId: string;
  amountFen: number;
  matchId: string;
  bookedOn: string;
}

/** The order streams' versions moved under us (a concurrent command on one of the orders): the caller retries. */
export class OrderStreamConflict extends Error {
  constructor() {
    super('payment-order stream changed concurrently');
    this.name = 'OrderStreamConflict';
  }
}

/** Write side of payment orders plus the billing_orders read model, updated in the same transaction as the events. */
@Injectable()
export class PaymentOrders {
  readonly handler: CommandHandler<PaymentOrderCommand, PaymentOrderState, PaymentOrderEvent>;
  private readonly streams: MultiStreamEventStore;

  constructor(
    store: PostgresEventStore,
    private readonly fees: FeeSchedules,
    @Inject(CONFIG) private readonly config: BillingConfig,
  ) {
    this.streams = new MultiStreamEventStore(store.pool, billingUpcasters);
    this.handler = new CommandHandler({
      decider: paymentOrderDecider,
      store,
      toIntegrationEvents: ({ state, events }) =>
        events.flatMap((e) => toIntegrationEvents(state, e)).map((m) => ({ topic: config.BILLING_TOPIC, event: { type: m.contract.type, schemaVersion: m.contract.schemaVersion, data: m.data } })),
    });
  }

  /**
   * membership.ApplicationSubmitted → a payment order. Billing recomputes the amount from the schedule version in force
   * on the submission date; the figures the client saw are not trusted. Redelivery (even under a new event id) is a no-op.
   */
  async issueForApplication(app: ApplicationSubmittedV1, metadata: CommandMetadata, client: PoolClient): Promise<string> {
    const existing = await client.query<{ order_id: string }>('select order_id from billing_orders where application_id = $1', [app.applicationId]);
    if (existing.rows[0]) return existing.rows[0].order_id;
    const schedule = await this.fees.state(client);
    const q = quote(schedule, app.qualificationCode, app.staffTierCode, app.years, shanghaiDate(app.submittedAt));
    // The names on the order (and so on the invoice) are the schedule's, never what the application carried.
    const { entry } = feeEntryInEffect(schedule, app.qualificationCode, app.staffTierCode, shanghaiDate(app.submittedAt));
    const paymentCode = await issuePaymentCode(async () => Number((await client.query<{ n: string }>(`select nextval('billing_payment_code_seq') as n`)).rows[0].n));
    const orderId = randomUUID();
    const payee = { accountName: this.config.PAYEE_ACCOUNT_NAME, bankName: this.config.PAYEE_BANK_NAME, accountNumber: this.config.PAYEE_ACCOUNT_NUMBER };
    await client.query(
      `insert into billing_institutions (institution_id, name) values ($1, $2) on conflict (institution_id) do nothing`,
      [app.institutionId, app.institutionName],
    );
    await this.handler.handle(
      orderStream(orderId),
      {
        type: 'Issue',
        data: { orderId, applicationId: app.applicationId, institutionId: app.institutionId, institutionName: app.institutionName, quote: q, payee, paymentCode, coverage: coverageOfApplication(app, shanghaiDate(app.submittedAt)) },
        metadata,
      },
      {
        client,
        afterAppend: async (c, decided) => {
          const o = decided.state.order!;
          await c.query(
            `insert into billing_orders (order_id, application_id, institution_id, institution_name, qualification_code, qualification_name, staff_tier_code, staff_tier_name,
               years, term_start, term_end, fee_per_year_fen, amount_due_fen, status, schedule_version, payment_code, transfer_remark, invoice_title, credit_code, issued_at)
             values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,'unpaid',$14,$15,$16,$17,$18,$19)`,
            [o.orderId, o.applicationId, o.institutionId, o.institutionName, app.qualificationCode, entry.qualificationName, app.staffTierCode, entry.tierName, o.years,
              app.termStart, app.termEnd, o.feePerYearFen, o.amountDueFen, o.scheduleVersion, o.paymentCode, o.transferRemark, app.invoiceTitle, app.creditCode, o.issuedAt],
          );
        },
      },
    );
    return orderId;
  }

  /** membership.ApplicationCancelled: only an order with nothing paid is cancelled; money already received stays on it. */
  async cancelForApplication(applicationId: string, reason: string, metadata: CommandMetadata, client: PoolClient): Promise<void> {
    const r = await client.query<{ order_id: string; status: string }>('select order_id, status from billing_orders where application_id = $1 for update', [applicationId]);
    const row = r.rows[0];
    if (!row || row.status !== 'unpaid') return;
    await this.handler.handle(orderStream(row.order_id), { type: 'Cancel', data: { reason }, metadata }, { client, afterAppend: (c, d) => this.updateRow(c, d) });
  }

  async applyPayment(input: { orderId: string; transferId: string; amountFen: number; matchId: string; bookedOn: string }, metadata: CommandMetadata, client: PoolClient): Promise<OrderDecided> {
    const { orderId, ...data } = input;
    return this.handler.handle(orderStream(orderId), { type: 'ApplyPayment', data, metadata }, { client, afterAppend: (c, d) => this.updateRow(c, d) });
  }

  /** Finance reversed the match that paid this order: the payment comes off, PaymentReversed is published. */
  async reversePayment(orderId: string, data: { transferId: string; reason: string }, metadata: CommandMetadata, client: PoolClient): Promise<OrderDecided> {
    return this.handler.handle(orderStream(orderId), { type: 'ReversePayment', data, metadata }, { client, afterAppend: (c, d) => this.updateRow(c, d) });
  }

  /**
   * Many ApplyPayment commands in one go, inside the caller's transaction (the statement importer's chunk): the
   * orders' streams are read in one query, each payment is decided in sequence against the order's state so far
   * (two transfers for one order see each other), and events, outbox messages and billing_orders rows are written in
   * one statement each. Event ids, metadata, causation and integration events are exactly what `applyPayment` would
   * write command by command. A concurrent append to one of the streams raises OrderStreamConflict (the caller's
   * transaction is then aborted and must be retried as a whole).
   */
  async applyPayments(payments: readonly PaymentToApply[], metadata: CommandMetadata, client: PoolClient): Promise<Map<string, PaymentOrderState>> {
    if (payments.length === 0) return new Map();
    const history = await this.streams.readStreams(
      payments.map((p) => orderStream(p.orderId)),
      { client },
    );
    // In payment (statement line) order, so the appended events follow the lines.
    const loaded = new Map<string, { state: PaymentOrderState; expected: number; events: NewEvent[] }>();
    for (const p of payments) {
      const streamId = orderStream(p.orderId);
      if (loaded.has(streamId)) continue;
      const stored = history.get(streamId) ?? [];
      const version = stored.length === 0 ? 0 : stored[stored.length - 1].streamVersion;
      loaded.set(streamId, { state: fold(paymentOrderDecider.evolve, paymentOrderDecider.initialState(), stored as unknown as PaymentOrderEvent[]), expected: version, events: [] });
    }
    const outbox: OutboxMessage[] = [];
    const changed = new Map<string, PaymentOrderState>();
    const eventMeta = { correlationId: metadata.correlationId, actor: metadata.actor, occurredAt: metadata.now, commandType: 'ApplyPayment' };
    for (const p of payments) {
      const streamId = orderStream(p.orderId);
      const current = loaded.get(streamId)!;
      const { orderId, ...data } = p;
      const events = paymentOrderDecider.decide({ type: 'ApplyPayment', data, metadata }, current.state);
      if (events.length === 0) continue;
      const state = fold(paymentOrderDecider.evolve, current.state, events);
      const ids = events.map(() => randomUUID());
      events.forEach((e, k) => current.events.push({ eventId: ids[k], type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: eventMeta }));
      for (const m of events.flatMap((e) => toIntegrationEvents(state, e))) {
        outbox.push({
          topic: this.config.BILLING_TOPIC,
          key: streamId,
          event: { eventId: randomUUID(), streamId, occurredAt: metadata.now, correlationId: metadata.correlationId, causationId: ids[0], type: m.contract.type, schemaVersion: m.contract.schemaVersion, data: m.data },
        });
      }
      current.state = state;
      changed.set(orderId, state);
    }
    const appends: StreamAppend[] = [...loaded].filter(([, l]) => l.events.length > 0).map(([streamId, l]) => ({ streamId, streamType: paymentOrderDecider.streamType, expected: l.expected, events: l.events }));
    if (appends.length === 0) return changed;
    try {
      await this.streams.append(appends, { client, outbox });
    } catch (err) {
      if (err instanceof ConcurrencyError) throw new OrderStreamConflict();
      throw err;
    }
    const update = [...changed.values()].map((s) => ({
      id: s.order!.orderId,
      status: s.status,
      paid: s.paidFen,
      credit: Math.max(0, s.paidFen - s.order!.amountDueFen) + s.strayCreditFen,
      paid_on: s.paidOn ?? null,
    }));
    await client.query(
      `update billing_orders o set status = t.status, amount_paid_fen = t.paid, credit_fen = t.credit, paid_on = t.paid_on, updated_at = now()
         from json_to_recordset($1::json) as t(id uuid, status text, paid bigint, credit bigint, paid_on date)
        where o.order_id = t.id`,
      [JSON.stringify(update)],
    );
    return changed;
  }

  private async updateRow(client: PoolClient, decided: OrderDecided): Promise<void> {
    const s = decided.state;
    if (!s.order || decided.events.length === 0) return;
    const credit = Math.max(0, s.paidFen - s.order.amountDueFen) + s.strayCreditFen;
    await client.query(`update billing_orders set status = $2, amount_paid_fen = $3, credit_fen = $4, paid_on = $5, updated_at = now() where order_id = $1`, [
      s.order.orderId,
      s.status,
      s.paidFen,
      credit,
      s.paidOn ?? null,
    ]);
  }

  /** The reconciler's view: orders still owed money, with current names, learned aliases and payer accounts. */
  async openOrders(db: Queryable): Promise<OpenOrder[]> {
    return this.ordersForMatching(db, `o.status in ('unpaid', 'partially_paid')`);
  }

  /** Orders settled in the last `days` days (China time), for spotting a transfer that repeats their payment. */
  async recentlySettledOrders(db: Queryable, days: number): Promise<OpenOrder[]> {
    return this.ordersForMatching(db, `o.status in ('paid', 'overpaid') and o.paid_on >= (now() at time zone 'Asia/Shanghai')::date - $1::int`, [days]);
  }

  private async ordersForMatching(db: Queryable, where: string, params: unknown[] = []): Promise<OpenOrder[]> {
    const r = await db.query<{
      order_id: string; institution_id: string; name: string; aliases: string[] | null; payer_names: string[] | null; accounts: string[] | null;
      amount_due_fen: string; amount_paid_fen: string; fee_per_year_fen: string; years: number; payment_code: string; issued_on: string;
    }>(`
      select o.order_id, o.institution_id, coalesce(i.name, o.institution_name) as name,
             (select array_agg(a.alias) from billing_aliases a where a.institution_id = o.institution_id and a.source <> 'confirmed_payer') as aliases,
             (select array_agg(a.alias) from billing_aliases a where a.institution_id = o.institution_id and a.source = 'confirmed_payer') as payer_names,
             (select array_agg(p.account) from billing_payer_accounts p where p.institution_id = o.institution_id) as accounts,
             o.amount_due_fen, o.amount_paid_fen, o.fee_per_year_fen, o.years, o.payment_code, to_char(o.issued_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as issued_on
        from billing_orders o left join billing_institutions i on i.institution_id = o.institution_id
       where ${where}`, params);
    return r.rows.map((row) => ({
      orderId: row.order_id,
      institutionId: row.institution_id,
      institutionName: row.name,
      aliases: (row.aliases ?? []).filter((a) => a !== row.name),
      knownPayerAccounts: row.accounts ?? [],
      // Learned from confirmed matches: who pays for the institution, which reasons must not call its name.
      knownPayerNames: (row.payer_names ?? []).filter((a) => a !== row.name),
      amountDueFen: fen(row.amount_due_fen),
      amountPaidFen: fen(row.amount_paid_fen),
      feePerYearFen: fen(row.fee_per_year_fen),
      years: row.years,
      paymentCode: row.payment_code,
      issuedOn: row.issued_on,
    }));
  }

  /**
   * Institutions billing knows (they applied; renamed ones under their current name) that have no open order, with
   * their former names: a payer account name equal to one of them is another member or applicant paying.
   */
  async registeredInstitutionsWithoutOpenOrder(db: Queryable): Promise<RegisteredInstitution[]> {
    const r = await db.query<{ institution_id: string; name: string; aliases: string[] | null }>(`
      select i.institution_id, i.name,
             (select array_agg(a.alias) from billing_aliases a where a.institution_id = i.institution_id and a.source <> 'confirmed_payer') as aliases
        from billing_institutions i
       where not exists (select 1 from billing_orders o where o.institution_id = i.institution_id and o.status in ('unpaid', 'partially_paid'))`);
    return r.rows.map((row) => ({ institutionId: row.institution_id, name: row.name, aliases: (row.aliases ?? []).filter((a) => a !== row.name) }));
  }

  /** identity.InstitutionNameChanged: the new name is current, the old one stays an alias payers may still use. */
  async renameInstitution(institutionId: string, previousName: string, name: string, client: PoolClient): Promise<void> {
    await client.query(`insert into billing_institutions (institution_id, name) values ($1, $2) on conflict (institution_id) do update set name = excluded.name, updated_at = now()`, [institutionId, name]);
    await client.query(`insert into billing_aliases (institution_id, alias, source) values ($1, $2, 'former_name') on conflict do nothing`, [institutionId, previousName]);
  }

  /** A confirmed match teaches who pays for whom: later transfers from this account or under this name score higher. */
  async learnPayer(client: PoolClient, institutionId: string, payerName: string, payerAccount: string): Promise<void> {
    if (payerAccount.trim()) {
      await client.query(`insert into billing_payer_accounts (institution_id, account, payer_name) values ($1, $2, $3) on conflict (institution_id, account) do update set payer_name = excluded.payer_name`, [
        institutionId,
        payerAccount.replace(/\D/g, '') || payerAccount.trim(),
        payerName,
      ]);
    }
    if (payerName.trim()) await client.query(`insert into billing_aliases (institution_id, alias, source) values ($1, $2, 'confirmed_payer') on conflict do nothing`, [institutionId, payerName.trim()]);
  }
}
