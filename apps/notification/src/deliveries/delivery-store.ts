import { randomUUID } from 'node:crypto';
import type { Queryable } from '@lsc/event-sourcing';
import type { TemplateName } from '../templates';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed'];

export interface NewDelivery {
  /** The id of the event that caused the mail (or another natural key, e.g. a finance follow-up). */
  readonly sourceKey: string;
  readonly template: TemplateName;
  readonly institutionId: string | null;
  /** The template's data without the MailContext (name and contacts are added when sending). */
  readonly payload: object;
}

export interface ClaimedDelivery {
  readonly id: string;
  readonly sourceKey: string;
  readonly template: TemplateName;
  readonly institutionId: string | null;
  readonly payload: Record<string, unknown>;
  readonly attempts: number;
  /** Proves the claim is still ours when the outcome is recorded (a lease that expired may have been re-claimed). */
  readonly claimToken: string;
}

/**
 * Inserts the delivery in the caller's transaction (the consumer's inbox transaction). The unique (source, template)
 * key makes a second insert for the same event a no-op, whatever path the duplicate took.
 */
export async function enqueueDelivery(db: Queryable, d: NewDelivery): Promise<{ id: string; created: boolean }> {
  const inserted = await db.query<{ id: string }>(
    `insert into notification_deliveries (id, source_key, template, institution_id, payload) values ($1, $2, $3, $4, $5)
     on conflict (source_key, template) do nothing returning id`,
    [randomUUID(), d.sourceKey, d.template, d.institutionId, JSON.stringify(d.payload)],
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const existing = await db.query<{ id: string }>('select id from notification_deliveries where source_key = $1 and template = $2', [d.sourceKey, d.template]);
  return { id: existing.rows[0].id, created: false };
}

/** When a recipient becomes known, its waiting deliveries are due now rather than at their next poll-backed time. */
export async function wakeDeliveriesOf(db: Queryable, institutionId: string): Promise<void> {
  await db.query(`update notification_deliveries set next_attempt_at = now(), updated_at = now() where institution_id = $1 and status = 'pending' and next_attempt_at > now()`, [institutionId]);
}

interface Row {
  id: string;
  source_key: string;
  template: TemplateName;
  institution_id: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  claim_token: string;
}

/**
 * Claims due deliveries: pending ones whose time has come, and `sending` ones whose lease ran out (their worker died
 * between claim and outcome). Deliveries of an institution whose recipient row has not arrived yet are not due:
 * they wait, visible as pending, and become claimable the moment identity's event is consumed.
 * SKIP LOCKED lets several workers (replicas) claim disjoint rows without waiting on each other.
 */
export async function claimDue(db: Queryable, options: { batch: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<Row>(
    `with due as (
       select d.id from notification_deliveries d
        where ((d.status = 'pending' and d.next_attempt_at <= now()) or (d.status = 'sending' and d.lease_until < now()))
          and (d.institution_id is null or exists (select 1 from notification_recipients r where r.institution_id = d.institution_id and r.email is not null))
        order by d.next_attempt_at
        limit $1
        for update of d skip locked
     )
     update notification_deliveries d
        set status = 'sending', claim_token = gen_random_uuid(), lease_until = now() + $2 * interval '1 millisecond', attempts = d.attempts + 1, updated_at = now()
       from due where d.id = due.id
     returning d.id, d.source_key, d.template, d.institution_id, d.payload, d.attempts, d.claim_token`,
    [options.batch, options.leaseMs],
  );
  return rows.map((r) => ({ id: r.id, sourceKey: r.source_key, template: r.template, institutionId: r.institution_id, payload: r.payload, attempts: r.attempts, claimToken: r.claim_token }));
}

const OURS = `id = $1 and claim_token = $2 and status = 'sending'`;

/** false: the claim was no longer ours (lease expired and another worker took over). */
export async function markSent(db: Queryable, c: ClaimedDelivery, r: { recipient: string; messageId: string }): Promise<boolean> {
  const result = await db.query(
    `update notification_deliveries set status = 'sent', recipient = $3, message_id = $4, sent_at = now(), lease_until = null, updated_at = now() where ${OURS}`,
    [c.id, c.claimToken, r.recipient, r.messageId],
  );
  return result.rowCount === 1;
}

export async function markRetry(db: Queryable, c: ClaimedDelivery, r: { recipient: string | null; error: string; reason: string; delayMs: number }): Promise<boolean> {
  const result = await db.query(
    `update notification_deliveries set status = 'pending', recipient = coalesce($3, recipient), last_error = $4, failure_reason = $5,
            next_attempt_at = now() + $6 * interval '1 millisecond', lease_until = null, updated_at = now() where ${OURS}`,
    [c.id, c.claimToken, r.recipient, r.error.slice(0, 2000), r.reason, r.delayMs],
  );
  return result.rowCount === 1;
}

export async function markFailed(db: Queryable, c: ClaimedDelivery, r: { recipient: string | null; error: string; reason: string }): Promise<boolean> {
  const result = await db.query(
    `update notification_deliveries set status = 'failed', recipient = coalesce($3, recipient), last_error = $4, failure_reason = $5, lease_until = null, updated_at = now() where ${OURS}`,
    [c.id, c.claimToken, r.recipient, r.error.slice(0, 2000), r.reason],
  );
  return result.rowCount === 1;
}

export interface DeliveryView {
  id: string;
  sourceKey: string;
  template: string;
  institutionId: string | null;
  status: DeliveryStatus;
  /** Pending only because identity has not told us the institution's address yet. */
  awaitingRecipient: boolean;
  recipient: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  failureReason: string | null;
  messageId: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  institutionId?: string;
  template?: string;
  limit: number;
  offset: number;
}

/** The delivery log for staff; the payload (which may hold megabytes of attachments) is never selected. */
export async function listDeliveries(db: Queryable, f: DeliveryFilter): Promise<{ total: number; items: DeliveryView[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.status) add('d.status = ?', f.status);
  if (f.institutionId) add('d.institution_id = ?', f.institutionId);
  if (f.template) add('d.template = ?', f.template);
  const clause = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: string }>(`select count(*) as n from notification_deliveries d ${clause}`, params);
  const { rows } = await db.query(
    `select d.id, d.source_key, d.template, d.institution_id, d.status, d.recipient, d.attempts, d.next_attempt_at, d.last_error, d.failure_reason, d.message_id, d.created_at, d.sent_at,
            (d.status = 'pending' and d.institution_id is not null and not exists (select 1 from notification_recipients r where r.institution_id = d.institution_id and r.email is not null)) as awaiting_recipient
       from notification_deliveries d ${clause}
      order by d.created_at desc, d.id
      limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { total: Number(total.rows[0].n), items: rows.map(toView) };
}

export async function getDelivery(db: Queryable, id: string): Promise<DeliveryView | undefined> {
  const { rows } = await db.query(
    `select d.*, (d.status = 'pending' and d.institution_id is not null and not exists (select 1 from notification_recipients r where r.institution_id = d.institution_id and r.email is not null)) as awaiting_recipient
       from notification_deliveries d where d.id = $1`,
    [id],
  );
  return rows[0] ? toView(rows[0]) : undefined;
}

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

function toView(r: Record<string, unknown>): DeliveryView {
  return {
    id: String(r.id),
    sourceKey: String(r.source_key),
    template: String(r.template),
    institutionId: (r.institution_id as string | null) ?? null,
    status: r.status as DeliveryStatus,
    awaitingRecipient: r.awaiting_recipient === true,
    recipient: (r.recipient as string | null) ?? null,
    attempts: Number(r.attempts),
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    lastError: (r.last_error as string | null) ?? null,
    failureReason: (r.failure_reason as string | null) ?? null,
    messageId: (r.message_id as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    sentAt: iso(r.sent_at),
  };
}

export type RetryOutcome = { outcome: 'requeued'; delivery: DeliveryView } | { outcome: 'not_found' | 'already_sent' | 'in_flight' };

/**
 * Staff retry: a failed (or waiting) delivery is due again now with a fresh attempt budget. A sent mail is never
 * re-sent through here, and one in flight is left to its worker. The requeued row comes back from the update itself:
 * read afterwards, a worker may already have claimed it, and the answer would describe that attempt, not the retry.
 */
export async function requeueDelivery(db: Queryable, id: string): Promise<RetryOutcome> {
  const updated = await db.query(
    `update notification_deliveries d set status = 'pending', attempts = 0, next_attempt_at = now(), claim_token = null, lease_until = null, updated_at = now()
      where d.id = $1 and d.status in ('failed', 'pending')
      returning d.*, (d.institution_id is not null and not exists (select 1 from notification_recipients r where r.institution_id = d.institution_id and r.email is not null)) as awaiting_recipient`,
    [id],
  );
  if (updated.rows[0]) return { outcome: 'requeued', delivery: toView(updated.rows[0]) };
  const { rows } = await db.query<{ status: DeliveryStatus }>('select status from notification_deliveries where id = $1', [id]);
  if (!rows[0]) return { outcome: 'not_found' };
  return { outcome: rows[0].status === 'sent' ? 'already_sent' : 'in_flight' };
}
