import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Producer } from 'kafkajs';
import {
  ApplicationSubmitted,
  CertificateMailed,
  InstitutionNameChanged,
  InvoiceIssued,
  MembershipActivated,
  MembershipEnteredGrace,
  MembershipExpired,
  MembershipExpiring,
  PaymentOrderIssued,
  PaymentOrderIssuedV2Contract,
  PaymentOrderPaid,
  TransferFollowUpRequested,
} from '@lsc/contracts';
import { eventually, type TestDatabase } from '@lsc/testing';
import { emailChanged, eventOf, invoiceIssued, newInstitution, publish } from './testing/events';
import { mailsTo, sha256 } from './testing/mailbox';
import { startNotificationTestbed, type NotificationTestbed, type TestTopics } from './testing/notification-harness';
import type { StaffTokens } from './testing/staff-tokens';

/**
 * The service end to end: events published to real Kafka topics, consumed by the real AppModule, mailed through
 * real SMTP to the catcher, read back as .eml files.
 */
describe('notification service (real Kafka, PostgreSQL, SMTP catcher)', () => {
  let bed: NotificationTestbed;
  let topics: TestTopics;
  let db: TestDatabase;
  let dir: string;
  let app: NestFastifyApplication;
  let producer: Producer;
  let tokens: StaffTokens;

  beforeAll(async () => {
    bed = await startNotificationTestbed('notif');
    ({ topics, db, dir, app, producer, tokens } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  const deliveryOf = async (sourceKey: string, template: string) =>
    (await db.pool.query('select * from notification_deliveries where source_key = $1 and template = $2', [sourceKey, template])).rows[0] as Record<string, unknown> | undefined;
  const settled = (sourceKey: string, template: string, status = 'sent') =>
    eventually(async () => {
      const d = await deliveryOf(sourceKey, template);
      return d?.status === status ? d : undefined;
    }, { timeoutMs: 45000, what: `${template} delivery for ${sourceKey} to be ${status}` });
  const bySubject = (pattern: RegExp) => (mails: Awaited<ReturnType<typeof mailsTo>>) => mails.filter((m) => pattern.test(m.subject ?? ''));

  it('InvoiceIssued after InstitutionRegistered: one mail to the registered address with the PDF and XML from the event', async () => {
    const inst = newInstitution();
    await publish(producer, topics.identity, inst.registered);
    const invoice = invoiceIssued(inst.institutionId);
    await publish(producer, topics.billing, invoice.event);
    const delivery = await settled(invoice.event.eventId, 'invoice-issued');

    const invoiceMails = bySubject(/发票/)(await mailsTo(dir, inst.email));
    expect(invoiceMails).toHaveLength(1);
    const [mail] = invoiceMails;
    expect(mail.messageId).toBe(delivery.message_id);
    expect(mail.from?.text).toContain('中国图书馆学会');
    expect(mail.text).toContain(inst.name);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`${invoice.invoiceNumber}.pdf`, 'application/pdf'],
      [`${invoice.invoiceNumber}.xml`, 'application/xml'],
    ]);
    expect(sha256(mail.attachments[0].content)).toBe((invoice.event.data as typeof InvoiceIssued.example).documents[0].sha256);
    expect(sha256(mail.attachments[0].content)).toBe(sha256(invoice.pdf));
    expect(mail.attachments[1].content.equals(invoice.xml)).toBe(true);

    // The registration itself was welcomed, once.
    await settled(inst.registered.eventId, 'institution-registered');
    expect(bySubject(/注册|欢迎/)(await mailsTo(dir, inst.email))).toHaveLength(1);
  });

  it('the same InvoiceIssued delivered 3 times: exactly one mail', async () => {
    const inst = newInstitution();
    await publish(producer, topics.identity, inst.registered);
    const invoice = invoiceIssued(inst.institutionId);
    await publish(producer, topics.billing, invoice.event, invoice.event);
    await publish(producer, topics.billing, invoice.event);
    // Same key → same partition: once this later event is handled, all three copies before it have been too.
    const marker = eventOf(MembershipExpired, { ...MembershipExpired.example, institutionId: inst.institutionId });
    await publish(producer, topics.billing, marker);
    await settled(marker.eventId, 'membership-expired');
    await settled(invoice.event.eventId, 'invoice-issued');
    expect(bySubject(/发票/)(await mailsTo(dir, inst.email))).toHaveLength(1);
    const { rows } = await db.pool.query('select count(*)::int as n from notification_deliveries where source_key = $1', [invoice.event.eventId]);
    expect(rows[0].n).toBe(1);
  });

  it('EmailChanged before the invoice is issued: the invoice goes to the new address', async () => {
    const inst = newInstitution();
    const newAddress = `n${randomUUID().slice(0, 8)}@lib.example.cn`;
    await publish(producer, topics.identity, inst.registered, emailChanged(inst.institutionId, inst.email, newAddress));
    await eventually(async () => (await db.pool.query('select 1 from notification_recipients where institution_id = $1 and email = $2', [inst.institutionId, newAddress])).rowCount === 1, { timeoutMs: 30000, what: 'the address change' });
    const invoice = invoiceIssued(inst.institutionId);
    await publish(producer, topics.billing, invoice.event);
    const delivery = await settled(invoice.event.eventId, 'invoice-issued');
    expect(delivery.recipient).toBe(newAddress);
    expect(bySubject(/发票/)(await mailsTo(dir, newAddress))).toHaveLength(1);
    expect(bySubject(/发票/)(await mailsTo(dir, inst.email))).toHaveLength(0);
  });

  it('an event that arrives before the institution is known waits, then is mailed once the recipient arrives', async () => {
    const inst = newInstitution();
    const submitted = eventOf(ApplicationSubmitted, { ...ApplicationSubmitted.example, applicationId: randomUUID(), institutionId: inst.institutionId, institutionName: inst.name });
    await publish(producer, topics.membership, submitted);
    const waiting = await eventually(() => deliveryOf(submitted.eventId, 'mailing-address-confirmation'), { timeoutMs: 30000, what: 'the pending delivery' });
    await new Promise((r) => setTimeout(r, 1000)); // several worker polls: it must still wait
    expect((await deliveryOf(submitted.eventId, 'mailing-address-confirmation'))!.status).toBe('pending');
    expect(waiting.attempts).toBe(0);

    await publish(producer, topics.identity, inst.registered);
    await settled(submitted.eventId, 'mailing-address-confirmation');
    const notices = bySubject(/地址/)(await mailsTo(dir, inst.email));
    expect(notices).toHaveLength(1);
    for (const part of ['签收人：张三', '手机号码：13800138000', '收货地址：', '南京路1号', '单位会员证书']) expect(notices[0].text).toContain(part);
  });

  it('payment-order instructions carry the payee, remark and payment code', async () => {
    const inst = newInstitution();
    await publish(producer, topics.identity, inst.registered);
    const order = eventOf(PaymentOrderIssued, { ...PaymentOrderIssued.example, orderId: randomUUID(), institutionId: inst.institutionId, institutionName: inst.name, transferRemark: `${inst.name}+会费` });
    await publish(producer, topics.billing, order);
    await settled(order.eventId, 'payment-order-issued');
    const [mail] = bySubject(/缴费/)(await mailsTo(dir, inst.email));
    for (const part of ['户名：中国图书馆学会', '账号：20000006591600105310002', `${inst.name}+会费`, '7K3M9Q']) expect(mail.text).toContain(part);
    // A v1 order (already on the topic) did not carry the term: the mail states none rather than a guess.
    expect(mail.text).not.toContain('缴费覆盖期限');
  });

  it('a v2 order of a December joiner: the instructions state the paid year from 1 January and that the membership is active from payment', async () => {
    const inst = newInstitution();
    await publish(producer, topics.identity, inst.registered);
    const coverage = { kind: 'new', termStart: '2027-01-01', termEnd: '2027-12-31', activeFromPayment: true, startsNextYear: true };
    const order = eventOf(PaymentOrderIssuedV2Contract, { ...PaymentOrderIssuedV2Contract.example, orderId: randomUUID(), institutionId: inst.institutionId, institutionName: inst.name, transferRemark: `${inst.name}+会费`, years: 1, feePerYearFen: 100000, amountDueFen: 100000, amountInWords: '壹仟元整', coverage });
    await publish(producer, topics.billing, order);
    await settled(order.eventId, 'payment-order-issued');
    const [mail] = bySubject(/缴费/)(await mailsTo(dir, inst.email));
    expect(mail.subject).toBe('【中国图书馆学会】会费缴费通知：应付 1,000.00 元');
    expect(mail.text).toContain('缴费覆盖期限：2027年1月1日 至 2027年12月31日（会员资格自缴费到账之日起生效；在年度截止日后确认的申请，缴费年度从次年1月1日起算）');
  });

  it('the lifecycle mails (paid, activated, expiring 30/7 days, grace, expired, certificate mailed) greet with the current registered name', async () => {
    const inst = newInstitution();
    const renamed = `${inst.name}（新）`;
    const rename = eventOf(InstitutionNameChanged, { institutionId: inst.institutionId, previousName: inst.name, name: renamed, changedAt: new Date(Date.now() + 1000).toISOString() });
    await publish(producer, topics.identity, inst.registered, rename);
    await eventually(async () => (await db.pool.query('select 1 from notification_recipients where institution_id = $1 and name = $2', [inst.institutionId, renamed])).rowCount === 1, { timeoutMs: 30000, what: 'the rename' });
    const of = (data: object) => ({ ...data, institutionId: inst.institutionId });
    const expiringEvent = { ...MembershipExpiring.example, institutionId: inst.institutionId };
    const { daysBefore: _none, ...expiringWithoutDays } = expiringEvent;
    const billing = [eventOf(PaymentOrderPaid, of(PaymentOrderPaid.example))];
    const membership = [
      eventOf(MembershipActivated, of(MembershipActivated.example)),
      eventOf(MembershipExpiring, expiringEvent),
      eventOf(MembershipExpiring, { ...expiringWithoutDays, at: '2028-12-24T01:00:00.000Z' }),
      eventOf(MembershipEnteredGrace, of(MembershipEnteredGrace.example)),
      eventOf(MembershipExpired, of(MembershipExpired.example)),
      eventOf(CertificateMailed, of(CertificateMailed.example)),
    ];
    await publish(producer, topics.billing, ...billing);
    await publish(producer, topics.membership, ...membership);
    const expected: Array<[string, string]> = [
      [billing[0].eventId, 'payment-received'],
      [membership[0].eventId, 'membership-activated'],
      [membership[1].eventId, 'membership-expiring'],
      [membership[2].eventId, 'membership-expiring'],
      [membership[3].eventId, 'membership-entered-grace'],
      [membership[4].eventId, 'membership-expired'],
      [membership[5].eventId, 'certificate-mailed'],
    ];
    for (const [key, template] of expected) await settled(key, template);
    await settled(inst.registered.eventId, 'institution-registered');

    const mails = await mailsTo(dir, inst.email);
    expect(mails).toHaveLength(expected.length + 1);
    const lifecycle = mails.filter((m) => !(m.text ?? '').includes('注册'));
    for (const mail of lifecycle) expect(mail.text).toContain(renamed);
    const texts = mails.map((m) => m.text ?? '');
    expect(texts.some((t) => t.includes('30') && t.includes('LSC-U-2026-000001'))).toBe(true);
    // No daysBefore in the event: 24 Dec (Beijing) → 31 Dec is 7 days.
    expect(texts.filter((t) => /\b7\s*天/.test(t))).toHaveLength(1);
    expect(texts.some((t) => t.includes('1234567890123') && t.includes('中国邮政EMS'))).toBe(true);
  });

  it('a refused address and a missing attachment are recorded as permanent failures, not retried, and the service carries on', async () => {
    const bounced = newInstitution('nowhere.invalid');
    await publish(producer, topics.identity, bounced.registered);
    const refused = await settled(bounced.registered.eventId, 'institution-registered', 'failed');
    expect(refused).toMatchObject({ attempts: 1, failure_reason: 'invalid_address' });
    expect(refused.last_error).toMatch(/^550 /);

    const inst = newInstitution();
    await publish(producer, topics.identity, inst.registered);
    const invoice = invoiceIssued(inst.institutionId);
    const data = invoice.event.data as typeof InvoiceIssued.example;
    const withoutPdf = { ...invoice.event, data: { ...data, documents: [{ ...data.documents[0], contentBase64: undefined }, data.documents[1]] } };
    await publish(producer, topics.billing, withoutPdf);
    const failed = await settled(invoice.event.eventId, 'invoice-issued', 'failed');
    expect(failed).toMatchObject({ attempts: 1, failure_reason: 'bad_content' });
    expect(failed.last_error).toContain('contentBase64');
    expect(bySubject(/发票/)(await mailsTo(dir, inst.email))).toHaveLength(0);

    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/lsc_mails_total\{outcome="failed",template="institution-registered",service="notification"\} [1-9]/);
    expect(metrics.body).toMatch(/lsc_mails_total\{outcome="sent",template="institution-registered",service="notification"\} [1-9]/);
    // Every sent mail's acceptance-to-record interval is observed (failures never reached the SMTP server's acceptance).
    const sent = Number(/lsc_mails_total\{outcome="sent",template="institution-registered",service="notification"\} (\d+)/.exec(metrics.body)![1]);
    const recorded = Number(/lsc_mail_record_delay_seconds_count\{service="notification"\} (\d+)/.exec(metrics.body)?.[1]);
    expect(recorded).toBeGreaterThanOrEqual(sent);
  });

  describe('staff endpoints', () => {
    const auth = async (roles: string[]) => ({ authorization: `Bearer ${await tokens.sign({ roles })}` });

    it('refuse callers without a token or without a staff role', async () => {
      expect((await app.inject({ method: 'GET', url: '/api/v1/notification/admin/deliveries' })).statusCode).toBe(401);
      const asInstitution = await app.inject({ method: 'GET', url: '/api/v1/notification/admin/deliveries', headers: await auth(['institution']) });
      expect(asInstitution.statusCode).toBe(403);
      const badFilter = await app.inject({ method: 'GET', url: '/api/v1/notification/admin/deliveries?status=lost', headers: await auth(['member_admin']) });
      expect(badFilter.statusCode).toBe(400);
      expect(badFilter.json().details[0]).toMatchObject({ field: 'status' });
    });

    it('list the delivery log by status, institution and template; retry a failed one; refuse to resend a sent one', async () => {
      const inst = newInstitution('gone.invalid');
      await publish(producer, topics.identity, inst.registered);
      const failed = await settled(inst.registered.eventId, 'institution-registered', 'failed');

      const list = await app.inject({ method: 'GET', url: `/api/v1/notification/admin/deliveries?status=failed&institutionId=${inst.institutionId}&template=institution-registered`, headers: await auth(['finance']) });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({ total: 1, items: [{ id: failed.id, status: 'failed', failureReason: 'invalid_address', recipient: inst.email, attempts: 1 }] });
      expect(list.json().items[0].lastError).toContain('Mailbox unavailable');

      const retry = await app.inject({ method: 'POST', url: `/api/v1/notification/admin/deliveries/${failed.id}/retry`, headers: await auth(['super_admin']) });
      expect(retry.statusCode).toBe(202);
      expect(retry.json()).toMatchObject({ id: failed.id, status: 'pending', attempts: 0 });
      // Retried for real: the address is still refused, so it fails again with a fresh attempt.
      await eventually(async () => (await deliveryOf(inst.registered.eventId, 'institution-registered'))?.status === 'failed' || undefined, { timeoutMs: 30000, what: 'the retried delivery' });

      const ok = newInstitution();
      await publish(producer, topics.identity, ok.registered);
      const sent = await settled(ok.registered.eventId, 'institution-registered');
      const resend = await app.inject({ method: 'POST', url: `/api/v1/notification/admin/deliveries/${sent.id}/retry`, headers: await auth(['member_admin']) });
      expect(resend.statusCode).toBe(409);
      expect(resend.json().code).toBe('DELIVERY_ALREADY_SENT');
      expect((await app.inject({ method: 'POST', url: `/api/v1/notification/admin/deliveries/${randomUUID()}/retry`, headers: await auth(['member_admin']) })).statusCode).toBe(404);
    });

    it('finance asks an institution about an unmatched transfer (billing.TransferFollowUpRequested): one mail, the payer account masked; no endpoint takes a transfer from a request body', async () => {
      const inst = newInstitution();
      await publish(producer, topics.identity, inst.registered);
      const followUp = { ...TransferFollowUpRequested.example, followUpId: randomUUID(), transferId: randomUUID(), institutionId: inst.institutionId, institutionName: inst.name, payerName: inst.name };
      // Redelivered, and asked again under a new follow-up id: still one mail per (transfer, institution).
      const event = eventOf(TransferFollowUpRequested, followUp);
      await publish(producer, topics.billing, event, event, eventOf(TransferFollowUpRequested, { ...followUp, followUpId: randomUUID() }));
      await settled(`transfer-followup:${followUp.transferId}:${inst.institutionId}`, 'transfer-unmatched');
      const mails = (await mailsTo(dir, inst.email)).filter((m) => m.text?.includes(followUp.bankReference));
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain('付款账号：****3445（仅显示末四位）');
      expect(mails[0]!.text).toContain('18,000.00');
      expect(mails[0]!.html).toContain('****3445');
      expect(`${mails[0]!.text}${mails[0]!.html}`).not.toMatch(/6222\d{4,}/);

      // The old endpoint that mailed whatever transfer the body described (#25 item 7) is gone for every role.
      for (const roles of [['finance'], ['member_admin'], ['super_admin']]) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/notification/admin/unmatched-transfer-followups', headers: await auth(roles), payload: { institutionId: inst.institutionId, transfer: { ...followUp, amountFen: 1 } } });
        expect(res.statusCode).toBe(404);
      }
    });
  });
});
