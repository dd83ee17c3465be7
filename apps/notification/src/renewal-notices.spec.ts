import { randomUUID } from 'node:crypto';
import {
  ApplicationCancelled,
  ApplicationSubmitted,
  MailingAddressChanged,
  MembershipActivated,
  MembershipExpiring,
  MembershipExpiringV2Contract,
  MembershipPaymentReversed,
  MembershipPaymentReversedV2Contract,
  OverpaymentRecorded,
  PaymentOrderIssuedV2Contract,
  PaymentOrderPaid,
  PaymentOrderPartiallyPaid,
  type IntegrationEvent,
} from '@lsc/contracts';
import { eventually, type TestDatabase } from '@lsc/testing';
import { eventOf, newInstitution, publish } from './testing/events';
import { mailsTo } from './testing/mailbox';
import { startNotificationTestbed, type NotificationTestbed, type TestTopics } from './testing/notification-harness';

/**
 * Issue #24 through the real Kafka topics, PostgreSQL and SMTP catcher: a renewal's mails speak of the renewal (even
 * billing's, whose events do not say so), reminders count real days and point to a renewal awaiting payment, and
 * partial payment, overpayment, cancellation, reversal and address change each get their notice.
 */
describe('renewal and payment notices (real Kafka, PostgreSQL, SMTP catcher)', () => {
  jest.setTimeout(120_000);
  let bed: NotificationTestbed;
  let topics: TestTopics;
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    bed = await startNotificationTestbed('renewal_notices');
    ({ topics, db, dir } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  const sent = (event: IntegrationEvent, template: string) =>
    eventually(async () => {
      const r = await db.pool.query('select status from notification_deliveries where source_key = $1 and template = $2', [event.eventId, template]);
      return r.rows[0]?.status === 'sent' ? true : undefined;
    }, { timeoutMs: 45_000, what: `${template} for ${event.type} sent` });
  const mailWith = async (email: string, subject: RegExp) => {
    const found = (await mailsTo(dir, email)).filter((m) => subject.test(m.subject ?? ''));
    expect(found).toHaveLength(1);
    return { subject: found[0].subject ?? '', text: found[0].text ?? '', html: typeof found[0].html === 'string' ? found[0].html : '' };
  };
  /** Keyed like billing keys its order events (one order, one partition), so they arrive in order. */
  const orderEvent = (contract: Parameters<typeof eventOf>[0], data: { orderId: string } & Record<string, unknown>) => ({ ...eventOf(contract, data), streamId: `payment-order-${data.orderId}` });

  it('a renewal: address notice, payment instructions, partial payment (with how to pay the rest), paid, overpayment, activation — each in renewal wording', async () => {
    const inst = newInstitution();
    const applicationId = randomUUID();
    const orderId = randomUUID();
    const ids = { institutionId: inst.institutionId, applicationId, orderId };
    await publish(bed.producer, topics.identity, inst.registered);
    const submitted = eventOf(ApplicationSubmitted, { ...ApplicationSubmitted.example, institutionId: inst.institutionId, applicationId, kind: 'renewal', termStart: '2029-01-01', termEnd: '2029-12-31', years: 1 });
    await publish(bed.producer, topics.membership, submitted);
    await sent(submitted, 'mailing-address-confirmation');

    // Billing's v2 order carries the renewed term; notification.spec covers a v1 order (no coverage).
    const coverage = { kind: 'renewal', termStart: '2029-01-01', termEnd: '2029-12-31', activeFromPayment: false, startsNextYear: false };
    const issued = orderEvent(PaymentOrderIssuedV2Contract, { ...PaymentOrderIssuedV2Contract.example, ...ids, institutionName: inst.name, transferRemark: `${inst.name}+会费`, coverage });
    const partial = orderEvent(PaymentOrderPartiallyPaid, { ...PaymentOrderPartiallyPaid.example, ...ids, amountDueFen: 1800000, amountPaidFen: 600000 });
    const paid = orderEvent(PaymentOrderPaid, { ...PaymentOrderPaid.example, ...ids, amountDueFen: 1800000, amountPaidFen: 1900000 });
    const over = orderEvent(OverpaymentRecorded, { ...OverpaymentRecorded.example, ...ids, amountDueFen: 1800000, amountPaidFen: 1900000, creditFen: 100000 });
    await publish(bed.producer, topics.billing, issued, partial, paid, over);
    const activated = eventOf(MembershipActivated, { ...MembershipActivated.example, ...ids, kind: 'renewal', validFrom: '2029-01-01', validTo: '2029-12-31' });
    await publish(bed.producer, topics.membership, activated);
    await Promise.all([sent(issued, 'payment-order-issued'), sent(partial, 'payment-partially-received'), sent(paid, 'payment-received'), sent(over, 'overpayment-recorded'), sent(activated, 'membership-activated')]);

    const address = await mailWith(inst.email, /寄送地址/);
    expect(address.subject).toContain('已收到会员续费申请');
    expect(address.text).toContain('我们已收到您的会员续费申请');
    const instructions = await mailWith(inst.email, /缴费通知/);
    expect(instructions.subject).toContain('续费会费缴费通知');
    expect(instructions.html).toContain(`/applications/${applicationId}/payment`);
    expect(instructions.text).toContain('到账后会员资格有效期将延长至 2029年12月31日。');
    expect(instructions.text).toContain('缴费覆盖期限：2029年1月1日 至 2029年12月31日（续费期限，接续当前有效期）');
    const rest = await mailWith(inst.email, /部分/);
    expect(rest.subject).toBe('【中国图书馆学会】已收到部分续费会费 6,000.00 元，尚差 12,000.00 元');
    for (const part of ['尚需补缴：¥12,000.00', `附言仍请填写 ${inst.name}+会费`, '账号：20000006591600105310002', `/applications/${applicationId}/payment`]) expect(rest.text).toContain(part);
    expect((await mailWith(inst.email, /已到账/)).subject).toContain('续费会费已到账');
    const surplus = await mailWith(inst.email, /多付/);
    expect(surplus.text).toContain('多付金额：¥1,000.00');
    expect(surplus.text).toContain('原路退回至付款账户');
    const renewed = await mailWith(inst.email, /续费成功/);
    expect(renewed.text).toContain('续费成功，有效期延长至 2029年12月31日');
    expect(renewed.text).not.toContain('欢迎成为');
  });

  it('reminders: real days left; a renewal awaiting payment is named with its payment link; v1 messages count days themselves', async () => {
    const inst = newInstitution();
    await publish(bed.producer, topics.identity, inst.registered);
    const v2 = eventOf(MembershipExpiringV2Contract, { ...MembershipExpiringV2Contract.example, institutionId: inst.institutionId, daysBefore: 30, daysLeft: 23 });
    await publish(bed.producer, topics.membership, v2);
    await sent(v2, 'membership-expiring');
    const reminder = await mailWith(inst.email, /到期/);
    expect(reminder.subject).toBe('【中国图书馆学会】单位会员资格将于 23 天后到期，续费会费尚未到账');
    expect(reminder.text).toContain('距今还有 23 天');
    expect(reminder.html).toContain(`/applications/${MembershipExpiringV2Contract.example.pendingRenewal!.applicationId}/payment`);

    const other = newInstitution();
    await publish(bed.producer, topics.identity, other.registered);
    // A v1 message (already on the topic before v2) sent on 8 Dec for a term ending 31 Dec: 23 days, not 30.
    const v1 = eventOf(MembershipExpiring, { ...MembershipExpiring.example, institutionId: other.institutionId, daysBefore: 30, at: '2028-12-08T04:00:00.000Z' });
    await publish(bed.producer, topics.membership, v1);
    await sent(v1, 'membership-expiring');
    expect((await mailWith(other.email, /到期/)).text).toContain('距今还有 23 天');
  });

  it('cancelled application, reversed renewal payment (v2 and v1) and changed address each get a notice', async () => {
    const inst = newInstitution();
    await publish(bed.producer, topics.identity, inst.registered);
    const applicationId = randomUUID();
    const submitted = eventOf(ApplicationSubmitted, { ...ApplicationSubmitted.example, institutionId: inst.institutionId, applicationId, kind: 'renewal' });
    const changed = eventOf(MailingAddressChanged, { ...MailingAddressChanged.example, institutionId: inst.institutionId, applicationId, kind: 'renewal', changedByStaff: true });
    const cancelled = eventOf(ApplicationCancelled, { ...ApplicationCancelled.example, institutionId: inst.institutionId, applicationId, reason: '单位决定暂不续费' });
    const reversed = eventOf(MembershipPaymentReversedV2Contract, { ...MembershipPaymentReversedV2Contract.example, institutionId: inst.institutionId });
    await publish(bed.producer, topics.membership, submitted, changed, cancelled, reversed);
    await Promise.all([sent(changed, 'mailing-address-changed'), sent(cancelled, 'application-cancelled'), sent(reversed, 'membership-payment-reversed')]);

    const addressChanged = await mailWith(inst.email, /寄送地址已修改/);
    expect(addressChanged.text).toContain('收货地址：安徽省六安市金安区北京路8号');
    expect(addressChanged.text).toContain('由学会工作人员应您的要求修改');
    const cancellation = await mailWith(inst.email, /已取消/);
    expect(cancellation.subject).toBe('【中国图书馆学会】您的会员续费申请已取消');
    expect(cancellation.text).toContain('取消原因：单位决定暂不续费');
    const reversal = await mailWith(inst.email, /撤销/);
    expect(reversal.text).toContain('本次续费（2029年1月1日 至 2029年12月31日）暂未生效');
    expect(reversal.text).toContain('有效期仍至 2028年12月31日');

    const older = newInstitution();
    await publish(bed.producer, topics.identity, older.registered);
    const v1 = eventOf(MembershipPaymentReversed, { ...MembershipPaymentReversed.example, institutionId: older.institutionId });
    await publish(bed.producer, topics.membership, v1);
    await sent(v1, 'membership-payment-reversed');
    expect((await mailWith(older.email, /撤销/)).text).toContain('已暂停');
  });
});
