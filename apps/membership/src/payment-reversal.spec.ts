import { randomUUID } from 'node:crypto';
import { InstitutionRegistered, PaymentOrderIssued, PaymentOrderPaid, PaymentReversed, type IntegrationEvent } from '@lsc/contracts';
import { eventually } from '@lsc/testing';
import { publishFeeSchedule } from './testing/fee-schedule';
import { startHarness, type Harness } from './testing/harness';

// Response bodies and event payloads are checked field by field with matchers; a loose type keeps the test readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * billing.PaymentReversed against the real PostgreSQL and Kafka: finance takes back the payment that activated a
 * membership. Redelivered messages are absorbed by the inbox; paying the order again lifts the suspension.
 */
/** 单位会员, 1–30 staff, one year at 1,000 元: the application this suite files, new or as a renewal. */
const application = (kind: 'new' | 'renewal') => ({
  kind,
  qualificationCode: 'institution',
  staffTierCode: '1-30',
  years: 1,
  organisationType: '企业单位',
  quote: { feePerYearFen: 100000, amountDueFen: 100000, scheduleVersion: '2026-01' },
});

describe('membership reacts to billing.PaymentReversed (real PostgreSQL + Kafka + Redis)', () => {
  jest.setTimeout(180_000);
  let h: Harness;
  const A = randomUUID();
  let tokenA: string;
  let staff: string;
  const orderId = randomUUID();
  let applicationId: string;
  let membershipId: string;

  const inject = async (method: 'GET' | 'POST', url: string, token: string, payload?: object) => {
    const r = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.json() as Record<string, Json> };
  };
  const waitPublished = (type: string, predicate: (e: IntegrationEvent<string, Json>) => boolean) =>
    eventually(() => h.published.find((e) => e.type === type && predicate(e)) as IntegrationEvent<string, Json> | undefined, { timeoutMs: 60_000, what: `${type} on the membership topic` });
  const consumed = (eventId: string) =>
    eventually(async () => (await h.db.pool.query('select 1 from es_inbox where event_id = $1', [eventId])).rowCount === 1, { timeoutMs: 60_000, what: `message ${eventId} consumed` });
  const streamEvents = async (type: string) =>
    (await h.db.pool.query<{ data: Json }>('select data from es_events where stream_id = $1 and event_type = $2 order by stream_version', [`membership-${membershipId}`, type])).rows.map((r) => r.data);
  const staffView = async () => (await inject('GET', `/api/v1/membership/admin/memberships/${membershipId}`, staff)).body;
  const reversal = (status: 'unpaid' | 'paid', transferId = randomUUID()) => ({
    ...PaymentReversed.example,
    orderId,
    applicationId,
    institutionId: A,
    transferId,
    amountFen: 100000,
    amountDueFen: 100000,
    amountPaidFen: status === 'paid' ? 100000 : 0,
    status,
    reason: '匹配错误：该笔到账属于同名的另一单位',
  });
  const paid = () => ({ ...PaymentOrderPaid.example, orderId, applicationId, institutionId: A, amountDueFen: 100000, amountPaidFen: 100000, paidOn: '2026-03-15' });

  beforeAll(async () => {
    h = await startHarness();
    [tokenA, staff] = await Promise.all([h.issuer.token(A, ['institution']), h.issuer.token(randomUUID(), ['member_admin'])]);
    await h.publish(InstitutionRegistered, { ...InstitutionRegistered.example, institutionId: A, name: '机构测试图书馆' });
    await eventually(async () => (await h.db.pool.query('select 1 from ms_institutions').catch(() => ({ rowCount: 0 }))).rowCount === 1, { timeoutMs: 90_000, what: 'the institution copied from identity' });
    await publishFeeSchedule(h);

    const applied = await inject('POST', '/api/v1/membership/applications', tokenA, application('new'));
    expect(applied.status).toBe(201);
    applicationId = applied.body.applicationId;
    const confirmed = await inject('POST', `/api/v1/membership/applications/${applicationId}/confirmation`, tokenA, {
      recipient: '范德萨',
      mobile: '13800138000',
      region: { provinceCode: '340000', cityCode: '341500', districtCode: '341502' },
      street: '经十东路1号',
      postcode: '237000',
      invoiceTitle: '机构测试图书馆',
      creditCode: '91350100M000100Y43',
    });
    expect(confirmed.status).toBe(200);
    await h.publish(PaymentOrderIssued, { ...PaymentOrderIssued.example, orderId, applicationId, institutionId: A, institutionName: '机构测试图书馆', feePerYearFen: 100000, years: 1, amountDueFen: 100000 });
    await eventually(async () => (await inject('GET', `/api/v1/membership/applications/${applicationId}`, tokenA)).body.status === 'awaiting_payment', { timeoutMs: 60_000, what: 'the payment order recorded' });
    await h.publish(PaymentOrderPaid, paid());
    const activated = await waitPublished('membership.MembershipActivated', (e) => e.data.applicationId === applicationId);
    membershipId = activated.data.membershipId;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a reversal that leaves the order paid is recorded on the membership, which stays active and publishes nothing', async () => {
    await consumed(await h.publish(PaymentReversed, reversal('paid')));
    expect(await streamEvents('MembershipPaymentReversed')).toEqual([expect.objectContaining({ orderId, covered: true, statusAfter: 'active' })]);
    expect(await staffView()).toMatchObject({ status: 'active' });
    expect(h.published.filter((e) => e.type === 'membership.MembershipPaymentReversed')).toHaveLength(0);
  });

  it('a reversal that leaves the order unpaid suspends the membership once, even when the message is delivered twice', async () => {
    const message = reversal('unpaid');
    const eventId = await h.publish(PaymentReversed, message);
    await h.publish(PaymentReversed, message, { eventId });
    const published = await waitPublished('membership.MembershipPaymentReversed', (e) => e.data.transferId === message.transferId);
    expect(published.data).toMatchObject({ membershipId, institutionId: A, orderId, reason: message.reason, memberNumber: expect.stringMatching(/^LSC-U-/) });
    await consumed(eventId);
    expect((await streamEvents('MembershipPaymentReversed')).filter((d) => !d.covered)).toEqual([expect.objectContaining({ transferId: message.transferId, statusAfter: 'payment_reversed' })]);
    expect(await staffView()).toMatchObject({ status: 'payment_reversed' });
    await eventually(
      async () => (await inject('GET', '/api/v1/membership/admin/memberships?status=payment_reversed', staff)).body.items?.some((m: Json) => m.membershipId === membershipId),
      { timeoutMs: 30_000, what: 'the suspended membership in the staff search' },
    );
    // A suspended membership cannot be renewed until finance has settled the order.
    const renewal = await inject('POST', '/api/v1/membership/applications', tokenA, application('renewal'));
    expect(renewal.body.code).toBe('RENEWAL_NOT_ALLOWED');
  });

  it('the order paid again (billing publishes PaymentOrderPaid anew) lifts the suspension without a second activation', async () => {
    await h.publish(PaymentOrderPaid, paid());
    const restored = await waitPublished('membership.MembershipPaymentRestored', (e) => e.data.orderId === orderId);
    expect(restored.data).toMatchObject({ membershipId, status: 'active', paidOn: '2026-03-15' });
    expect(await staffView()).toMatchObject({ status: 'active' });
    expect(await streamEvents('MembershipActivated')).toHaveLength(1);
  });

  it('a reversal for an order that activated nothing is consumed without effect (no dead letter, no event)', async () => {
    const before = (await h.db.pool.query('select count(*)::int as n from es_events')).rows[0].n;
    const stray = { ...reversal('unpaid'), orderId: randomUUID(), applicationId: randomUUID(), institutionId: randomUUID() };
    await consumed(await h.publish(PaymentReversed, stray));
    expect((await h.db.pool.query('select count(*)::int as n from es_events')).rows[0].n).toBe(before);
  });
});
