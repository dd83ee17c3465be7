import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@lsc/testing';
import { recordEmail, recordRegistration, findRecipient, recordName } from '../recipients/recipient-store';
import { applyNotificationSchema } from '../testing/schema';
import { claimDue, enqueueDelivery, listDeliveries, markFailed, markRetry, markSent, requeueDelivery } from './delivery-store';

/** The delivery table's guarantees, against the real PostgreSQL. */
describe('delivery store (real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('notif_store');
    await applyNotificationSchema(db);
  });
  afterAll(() => db.drop());

  const institution = async (email = 'a@lib.example.cn') => {
    const institutionId = randomUUID();
    await recordRegistration(db.pool, { institutionId, name: '甲图书馆', email, at: '2026-09-01T00:00:00.000Z' });
    return institutionId;
  };
  const enqueue = (institutionId: string | null, sourceKey = randomUUID()) => enqueueDelivery(db.pool, { sourceKey, template: 'membership-expired', institutionId, payload: { institutionId } });
  const statusOf = async (id: string) => (await db.pool.query('select status, attempts, last_error, failure_reason from notification_deliveries where id = $1', [id])).rows[0];

  it('one row per (event, template), however often it is enqueued', async () => {
    const institutionId = await institution();
    const key = randomUUID();
    const first = await enqueue(institutionId, key);
    const again = await enqueue(institutionId, key);
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const other = await enqueueDelivery(db.pool, { sourceKey: key, template: 'membership-expiring', institutionId, payload: {} });
    expect(other.created).toBe(true);
    const { rows } = await db.pool.query('select count(*)::int as n from notification_deliveries where source_key = $1', [key]);
    expect(rows[0].n).toBe(2);
  });

  it('concurrent claimers never get the same delivery', async () => {
    await db.pool.query("update notification_deliveries set status = 'sent'");
    const institutionId = await institution();
    const ids = await Promise.all(Array.from({ length: 30 }, () => enqueue(institutionId).then((r) => r.id)));
    const claims = (await Promise.all(Array.from({ length: 6 }, () => claimDue(db.pool, { batch: 8, leaseMs: 60000 })))).flat();
    expect(claims.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(new Set(claims.map((c) => c.id)).size).toBe(30);
  });

  it('does not claim deliveries whose recipient is unknown, and claims them once it arrives', async () => {
    await db.pool.query("update notification_deliveries set status = 'sent'");
    const institutionId = randomUUID();
    const { id } = await enqueue(institutionId);
    expect(await claimDue(db.pool, { batch: 10, leaseMs: 60000 })).toEqual([]);
    const log = await listDeliveries(db.pool, { institutionId, limit: 10, offset: 0 });
    expect(log.items[0]).toMatchObject({ id, status: 'pending', awaitingRecipient: true });
    await recordEmail(db.pool, { institutionId, email: 'late@lib.example.cn', at: '2026-09-01T00:00:00.000Z' });
    expect((await claimDue(db.pool, { batch: 10, leaseMs: 60000 })).map((c) => c.id)).toEqual([id]);
  });

  it('a lease that runs out makes the delivery claimable again, and the stale claim can no longer settle it', async () => {
    await db.pool.query("update notification_deliveries set status = 'sent'");
    const institutionId = await institution();
    const { id } = await enqueue(institutionId);
    const [first] = await claimDue(db.pool, { batch: 10, leaseMs: 300 });
    expect(await claimDue(db.pool, { batch: 10, leaseMs: 300 })).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    const [second] = await claimDue(db.pool, { batch: 10, leaseMs: 60000 });
    expect(second).toMatchObject({ id, attempts: 2 });
    expect(second.claimToken).not.toBe(first.claimToken);
    expect(await markSent(db.pool, first, { recipient: 'a@lib.example.cn', messageId: '<x@y>' })).toBe(false);
    expect(await markSent(db.pool, second, { recipient: 'a@lib.example.cn', messageId: '<x@y>' })).toBe(true);
    expect(await statusOf(id)).toMatchObject({ status: 'sent' });
  });

  it('retry waits for its backoff; failed stays failed until staff requeue it; sent is never requeued', async () => {
    await db.pool.query("update notification_deliveries set status = 'sent'");
    const institutionId = await institution();
    const { id } = await enqueue(institutionId);
    const [claim] = await claimDue(db.pool, { batch: 10, leaseMs: 60000 });
    await markRetry(db.pool, claim, { recipient: 'a@lib.example.cn', error: 'connect ECONNREFUSED', reason: 'connection', delayMs: 60000 });
    expect(await statusOf(id)).toMatchObject({ status: 'pending', last_error: 'connect ECONNREFUSED' });
    expect(await claimDue(db.pool, { batch: 10, leaseMs: 60000 })).toEqual([]);
    await db.pool.query('update notification_deliveries set next_attempt_at = now() where id = $1', [id]);
    const [again] = await claimDue(db.pool, { batch: 10, leaseMs: 60000 });
    await markFailed(db.pool, again, { recipient: 'a@lib.example.cn', error: '550 5.1.1 Mailbox unavailable', reason: 'invalid_address' });
    expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: 2, failure_reason: 'invalid_address' });
    expect(await claimDue(db.pool, { batch: 10, leaseMs: 60000 })).toEqual([]);
    const requeued = await requeueDelivery(db.pool, id);
    expect(await statusOf(id)).toMatchObject({ status: 'pending', attempts: 0 });
    // A worker claims it at once; staff are still told what their retry did, not what the worker did next.
    const [third] = await claimDue(db.pool, { batch: 10, leaseMs: 60000 });
    expect(await statusOf(id)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(requeued).toMatchObject({ outcome: 'requeued', delivery: { id, status: 'pending', attempts: 0, failureReason: 'invalid_address' } });
    await markSent(db.pool, third, { recipient: 'a@lib.example.cn', messageId: '<x@y>' });
    expect(await requeueDelivery(db.pool, id)).toEqual({ outcome: 'already_sent' });
    expect(await requeueDelivery(db.pool, randomUUID())).toEqual({ outcome: 'not_found' });
  });

  it('recipient fields only move forward in time', async () => {
    const institutionId = await institution('old@lib.example.cn');
    await recordEmail(db.pool, { institutionId, email: 'new@lib.example.cn', at: '2026-09-05T00:00:00.000Z' });
    await recordEmail(db.pool, { institutionId, email: 'older@lib.example.cn', at: '2026-09-03T00:00:00.000Z' });
    await recordName(db.pool, { institutionId, name: '乙图书馆', at: '2026-09-04T00:00:00.000Z' });
    // A replayed registration must not undo the later changes.
    await recordRegistration(db.pool, { institutionId, name: '甲图书馆', email: 'old@lib.example.cn', at: '2026-09-01T00:00:00.000Z' });
    expect(await findRecipient(db.pool, institutionId)).toEqual({ institutionId, name: '乙图书馆', email: 'new@lib.example.cn' });
  });
});
