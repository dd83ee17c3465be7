import { randomUUID } from 'node:crypto';
import { InstitutionRegistered, PaymentOrderIssuedV2Contract, PaymentOrderPaid, PaymentReversed, type IntegrationEvent } from '@lsc/contracts';
import { buildOpenApiDocument } from '@lsc/service-kit';
import { eventually } from '@lsc/testing';
import { shanghaiDate, yearOf } from './domain';
import { startHarness, type Harness } from './testing/harness';
import { publishFeeSchedule } from './testing/fee-schedule';

// Response bodies and event payloads are checked field by field with matchers; a loose type keeps the test readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Issue #24 against the real PostgreSQL, Kafka and Redis: a renewal's defaults carry the last confirmation; the
 * 寄送地址 can be changed until the certificate ships; expiry reminders count real days and know a renewal waiting
 * for payment; a reversed renewal payment takes back only the renewed term.
 *
 * Timeline of institution A, relative to today (the views show what is current today): first term paid today (1 year,
 * ends 31 December of this year); renewal confirmed, then paid today (next calendar year); its payment is reversed,
 * then paid again. Reminders run as of 8 and 24 December of this year.
 */
describe('renewals, reminders and address changes (real PostgreSQL + Kafka + Redis)', () => {
  jest.setTimeout(240_000);
  const today = shanghaiDate(new Date().toISOString());
  const year = yearOf(today);
  let h: Harness;
  const A = randomUUID();
  const B = randomUUID();
  let tokenA: string;
  let tokenB: string;
  let staff: string;
  let superAdmin: string;
  let firstId: string;
  let renewalId: string;
  let membershipId: string;
  const renewalOrder = randomUUID();

  const inject = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) => {
    const r = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.json() as Record<string, Json> };
  };
  const waitPublished = (type: string, predicate: (e: IntegrationEvent<string, Json>) => boolean) =>
    eventually(() => h.published.find((e) => e.type === type && predicate(e)) as IntegrationEvent<string, Json> | undefined, { timeoutMs: 60_000, what: `${type} on the membership topic` });
  const consumed = (eventId: string) =>
    eventually(async () => (await h.db.pool.query('select 1 from es_inbox where event_id = $1', [eventId])).rowCount === 1, { timeoutMs: 60_000, what: `message ${eventId} consumed` });
  const apply = (token: string, kind: 'new' | 'renewal') =>
    inject('POST', '/api/v1/membership/applications', token, {
      kind,
      qualificationCode: 'institution',
      staffTierCode: '1-30',
      years: 1,
      organisationType: '企业单位',
      quote: { feePerYearFen: 100000, amountDueFen: 100000, scheduleVersion: '2026-01' },
    });
  const firstAddress = {
    recipient: '范德萨',
    mobile: '13800138000',
    landline: '010-88544588',
    region: { provinceCode: '340000', cityCode: '341500', districtCode: '341502' },
    street: '经十东路1号',
    postcode: '237000',
  };
  const creditCode = '91350100M000100Y43';
  const issue = async (applicationId: string, institutionId: string, orderId: string) => {
    // Billing publishes v2 (with the term paid); membership-flow.spec covers the v1 orders already on the topic.
    await h.publish(PaymentOrderIssuedV2Contract, { ...PaymentOrderIssuedV2Contract.example, orderId, applicationId, institutionId, institutionName: '续费测试图书馆', feePerYearFen: 100000, years: 1, amountDueFen: 100000 });
    await eventually(async () => (await inject('GET', `/api/v1/membership/applications/${applicationId}`, tokenA)).body.status === 'awaiting_payment', { timeoutMs: 60_000, what: 'the payment order recorded' });
  };
  const paid = (applicationId: string, orderId: string, paidOn: string) => ({ ...PaymentOrderPaid.example, orderId, applicationId, institutionId: A, amountDueFen: 100000, amountPaidFen: 100000, paidOn });
  const lifecycle = async (on: string) => {
    const r = await inject('POST', '/api/v1/membership/admin/lifecycle-runs', superAdmin, { on });
    expect(r.status).toBe(200);
    return r.body.events as Record<string, number>;
  };

  beforeAll(async () => {
    h = await startHarness();
    [tokenA, tokenB, staff, superAdmin] = await Promise.all([
      h.issuer.token(A, ['institution']),
      h.issuer.token(B, ['institution']),
      h.issuer.token(randomUUID(), ['member_admin']),
      h.issuer.token(randomUUID(), ['super_admin']),
    ]);
    await h.publish(InstitutionRegistered, { ...InstitutionRegistered.example, institutionId: A, name: '续费测试图书馆' });
    await h.publish(InstitutionRegistered, { ...InstitutionRegistered.example, institutionId: B, name: '另一家图书馆' });
    await eventually(async () => (await h.db.pool.query('select 1 from ms_institutions').catch(() => ({ rowCount: 0 }))).rowCount === 2, { timeoutMs: 90_000, what: 'both institutions copied' });
    await publishFeeSchedule(h);

    const first = await apply(tokenA, 'new');
    firstId = first.body.applicationId;
    expect((await inject('POST', `/api/v1/membership/applications/${firstId}/confirmation`, tokenA, { ...firstAddress, invoiceTitle: '续费测试图书馆财务处', creditCode })).status).toBe(200);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the institution changes its 寄送地址 after confirmation: recorded, announced, shown; bad input is refused in Chinese; other tenants get 404', async () => {
    const url = `/api/v1/membership/applications/${firstId}/mailing-address`;
    const bad = await inject('PUT', url, tokenA, { ...firstAddress, mobile: '1234', postcode: '12' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['mobile', 'postcode']));
    expect(bad.body.message).toMatch(/手机号码/);
    expect((await inject('PUT', url, tokenB, { ...firstAddress, recipient: '李四' })).status).toBe(404);

    const r = await inject('PUT', url, tokenA, { ...firstAddress, recipient: '李四', street: '北京路8号' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ mailingAddressChangeable: true, mailingAddress: { recipient: '李四', street: '北京路8号', region: { districtName: '金安区' } } });
    const changed = await waitPublished('membership.MailingAddressChanged', (e) => e.data.applicationId === firstId);
    expect(changed.data).toMatchObject({ institutionId: A, kind: 'new', changedByStaff: false, mailingAddress: { recipient: '李四' }, previousMailingAddress: { recipient: '范德萨' } });
    // Saving the same address again changes nothing and announces nothing.
    expect((await inject('PUT', url, tokenA, { ...firstAddress, recipient: '李四', street: '北京路8号' })).status).toBe(200);
    const history = await inject('GET', '/api/v1/membership/institutions/me/history', tokenA);
    expect(history.body.items.filter((i: { type: string }) => i.type === 'MailingAddressChanged')).toHaveLength(1);
  });

  it('the address change is in the OpenAPI document with the address fields (for the portal and the staff console clients)', () => {
    const doc = buildOpenApiDocument(h.app, 'membership', 'test');
    const op = doc.paths['/api/v1/membership/applications/{id}/mailing-address']?.put;
    expect(op).toBeDefined();
    const ref = (op!.requestBody as { content: Record<string, { schema: { $ref: string } }> }).content['application/json'].schema.$ref;
    const schema = doc.components!.schemas![ref.split('/').pop()!] as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(['landline', 'mobile', 'postcode', 'recipient', 'region', 'street']);
    expect(schema.required).toEqual(expect.arrayContaining(['recipient', 'mobile', 'region', 'street', 'postcode']));
  });

  it('after payment member_admin redirects the certificate still due; once shipped the change is refused with a clear message', async () => {
    const orderId = randomUUID();
    await issue(firstId, A, orderId);
    await h.publish(PaymentOrderPaid, paid(firstId, orderId, today));
    membershipId = (await waitPublished('membership.MembershipActivated', (e) => e.data.applicationId === firstId)).data.membershipId;

    const url = `/api/v1/membership/applications/${firstId}/mailing-address`;
    const byStaff = await inject('PUT', url, staff, { ...firstAddress, recipient: '王五', street: '长江路3号' });
    expect(byStaff.status).toBe(200);
    await waitPublished('membership.MailingAddressChanged', (e) => e.data.applicationId === firstId && e.data.changedByStaff === true);
    const due = await eventually(
      async () => {
        const r = await inject('GET', '/api/v1/membership/admin/certificates?status=due', staff);
        return (r.body.items as Json[] | undefined)?.find((i) => i.membershipId === membershipId && i.certificate.mailingAddress?.recipient === '王五');
      },
      { timeoutMs: 30_000, what: 'the new address on the certificate work list' },
    );
    expect(due.certificate.mailingAddress).toMatchObject({ street: '长江路3号' });

    expect((await inject('POST', `/api/v1/membership/admin/memberships/${membershipId}/certificate-mailings`, staff, { carrier: '中国邮政EMS', trackingNumber: '1234567890123' })).status).toBe(201);
    const shipped = await waitPublished('membership.CertificateMailed', (e) => e.data.membershipId === membershipId);
    expect(shipped.data.mailingAddress).toMatchObject({ recipient: '王五', street: '长江路3号' });
    const late = await inject('PUT', url, tokenA, { ...firstAddress, recipient: '赵六' });
    expect(late).toMatchObject({ status: 409, body: { code: 'CERTIFICATE_ALREADY_MAILED', message: expect.stringContaining('证书已寄出') } });
    expect((await inject('GET', `/api/v1/membership/applications/${firstId}`, tokenA)).body).toMatchObject({ mailingAddressChangeable: false, mailingAddress: { recipient: '王五' } });
  });

  it('a renewal starts from every field of the last confirmation (签收人, address, 发票抬头, 统一社会信用代码)', async () => {
    const r = await apply(tokenA, 'renewal');
    expect(r.status).toBe(201);
    renewalId = r.body.applicationId;
    const defaults = await inject('GET', `/api/v1/membership/applications/${renewalId}/confirmation-defaults`, tokenA);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({
      recipient: '王五',
      mobile: '13800138000',
      landline: '010-88544588',
      region: { provinceCode: '340000', cityCode: '341500', districtCode: '341502', districtName: '金安区' },
      street: '长江路3号',
      postcode: '237000',
      invoiceTitle: '续费测试图书馆财务处',
      creditCode,
      source: 'last_confirmation',
      sourceApplicationId: firstId,
    });
    const { source: _source, sourceApplicationId: _id, ...fields } = defaults.body;
    const confirmed = await inject('POST', `/api/v1/membership/applications/${renewalId}/confirmation`, tokenA, { ...fields, region: { provinceCode: '340000', cityCode: '341500', districtCode: '341502' } });
    expect(confirmed.status).toBe(200);
  });

  it('the expiry reminder counts real Shanghai days and, with a renewal awaiting payment, points to it', async () => {
    await issue(renewalId, A, renewalOrder);
    expect(await lifecycle(`${year}-12-08`)).toEqual({ MembershipExpiring: 1 });
    const reminder = await waitPublished('membership.MembershipExpiring', (e) => e.data.membershipId === membershipId);
    expect(reminder.schemaVersion).toBe(2);
    expect(reminder.data).toMatchObject({ validTo: `${year}-12-31`, daysBefore: 30, daysLeft: 23, pendingRenewal: { applicationId: renewalId, status: 'awaiting_payment', amountDueFen: 100000 } });
  });

  it('after the renewal is paid: current term and renewed term apart (me and staff), and no further reminder', async () => {
    await h.publish(PaymentOrderPaid, paid(renewalId, renewalOrder, today));
    await waitPublished('membership.MembershipActivated', (e) => e.data.applicationId === renewalId);
    const me = await inject('GET', '/api/v1/membership/memberships/me', tokenA);
    expect(me.body).toMatchObject({
      status: 'active',
      memberSince: today,
      validFrom: today,
      validTo: `${year + 1}-12-31`,
      currentTerm: { validFrom: today, validTo: `${year}-12-31` },
      renewedTerm: { applicationId: renewalId, validFrom: `${year + 1}-01-01`, validTo: `${year + 1}-12-31`, years: 1, paidOn: today },
    });
    const listed = await eventually(
      async () => {
        const r = await inject('GET', `/api/v1/membership/admin/memberships?name=${encodeURIComponent('续费测试')}`, staff);
        return r.body.items?.[0]?.renewedTerm ? r.body.items[0] : undefined;
      },
      { timeoutMs: 30_000, what: 'the renewal in the staff list' },
    );
    expect(listed).toMatchObject({ validFrom: today, validTo: `${year + 1}-12-31`, currentTerm: { validTo: `${year}-12-31` }, renewedTerm: { validFrom: `${year + 1}-01-01`, validTo: `${year + 1}-12-31` } });
    expect(await lifecycle(`${year}-12-24`)).toEqual({});
  });

  it('a reversed renewal payment takes back only the renewed term (with a v2 event saying so); paid again, it is back', async () => {
    const reversal = { ...PaymentReversed.example, orderId: renewalOrder, applicationId: renewalId, institutionId: A, transferId: randomUUID(), amountFen: 100000, amountDueFen: 100000, amountPaidFen: 0, status: 'unpaid' as const };
    await consumed(await h.publish(PaymentReversed, reversal));
    const event = await waitPublished('membership.MembershipPaymentReversed', (e) => e.data.orderId === renewalOrder);
    expect(event.schemaVersion).toBe(2);
    expect(event.data).toMatchObject({ undone: 'renewal', kind: 'renewal', applicationId: renewalId, status: 'active', termFrom: `${year + 1}-01-01`, termTo: `${year + 1}-12-31`, validTo: `${year}-12-31`, amountFen: 100000 });
    const me = await inject('GET', '/api/v1/membership/memberships/me', tokenA);
    expect(me.body).toMatchObject({ status: 'active', validTo: `${year}-12-31`, currentTerm: { validTo: `${year}-12-31` } });
    expect(me.body.renewedTerm).toBeUndefined();
    expect(me.body.history.terms).toEqual([expect.not.objectContaining({ paymentReversed: true }), expect.objectContaining({ applicationId: renewalId, paymentReversed: true })]);

    await h.publish(PaymentOrderPaid, paid(renewalId, renewalOrder, today));
    await waitPublished('membership.MembershipPaymentRestored', (e) => e.data.orderId === renewalOrder);
    expect((await inject('GET', '/api/v1/membership/memberships/me', tokenA)).body).toMatchObject({ status: 'active', validTo: `${year + 1}-12-31`, renewedTerm: { validFrom: `${year + 1}-01-01` } });
  });
});
