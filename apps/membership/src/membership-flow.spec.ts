import { randomUUID } from 'node:crypto';
import { InstitutionRegistered, PaymentOrderIssued, PaymentOrderPaid, type IntegrationEvent } from '@lsc/contracts';
import { eventually } from '@lsc/testing';
import { creditCodeCheckCharacter } from '@lsc/validation';
import { addYears, endOfYear, shanghaiDate } from './domain';
import { publishFeeSchedule } from './testing/fee-schedule';
import { startHarness, type Harness } from './testing/harness';

/**
 * The membership service end to end against the real PostgreSQL, Kafka and Redis: identity's registration and
 * billing's payment orders arrive on Kafka, membership's events leave through the outbox.
 */
// Response bodies and event payloads are checked field by field with matchers; a loose type keeps the test readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('membership end to end (real PostgreSQL + Kafka + Redis)', () => {
  jest.setTimeout(180_000);
  let h: Harness;
  const A = randomUUID();
  const B = randomUUID();
  let tokenA: string;
  let tokenB: string;
  let staff: string;
  let superAdmin: string;

  const inject = async (method: 'GET' | 'POST', url: string, token: string, payload?: object) => {
    const r = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.json() as Record<string, Json> };
  };
  const publishedOfType = (type: string): IntegrationEvent[] => h.published.filter((e) => e.type === type);
  const waitPublished = (type: string, predicate: (e: IntegrationEvent<string, Json>) => boolean) =>
    eventually(() => h.published.find((e) => e.type === type && predicate(e)) as IntegrationEvent<string, Json> | undefined, { timeoutMs: 60_000, what: `${type} on the membership topic` });

  // A valid 事业单位 code (prefix 12) and the enterprise code from the contract examples.
  const publicInstitutionCode = (() => {
    const first17 = '12110000MB0000001';
    return first17 + creditCodeCheckCharacter(first17);
  })();
  const enterpriseCode = '91350100M000100Y43';

  const apply = (token: string, kind: 'new' | 'renewal', years: number, organisationType = '事业单位') =>
    inject('POST', '/api/v1/membership/applications', token, {
      kind,
      qualificationCode: 'institution',
      staffTierCode: '1-30',
      years,
      organisationType,
      quote: { feePerYearFen: 100000, amountDueFen: 100000 * years, scheduleVersion: '2026-01' },
    });
  const address = {
    recipient: '范德萨',
    mobile: '13800138000',
    landline: '010-88544588',
    region: { provinceCode: '340000', cityCode: '341500', districtCode: '341502' },
    street: '经十东路1号',
    postcode: '237000',
    invoiceTitle: '机构测试图书馆',
  };
  const issueAndPay = async (applicationId: string, institutionId: string, amountDueFen: number, paidOn: string) => {
    const orderId = randomUUID();
    await h.publish(PaymentOrderIssued, {
      ...PaymentOrderIssued.example,
      orderId,
      applicationId,
      institutionId,
      institutionName: '机构测试图书馆',
      feePerYearFen: 100000,
      years: amountDueFen / 100000,
      amountDueFen,
      transferRemark: '机构测试图书馆+会费',
    });
    const paid = { ...PaymentOrderPaid.example, orderId, applicationId, institutionId, amountDueFen, amountPaidFen: amountDueFen, paidOn };
    return { orderId, paid };
  };

  beforeAll(async () => {
    h = await startHarness();
    [tokenA, tokenB, staff, superAdmin] = await Promise.all([
      h.issuer.token(A, ['institution']),
      h.issuer.token(B, ['institution']),
      h.issuer.token(randomUUID(), ['member_admin']),
      h.issuer.token(randomUUID(), ['super_admin']),
    ]);
    await h.publish(InstitutionRegistered, { ...InstitutionRegistered.example, institutionId: A, name: '机构测试图书馆' });
    await h.publish(InstitutionRegistered, { ...InstitutionRegistered.example, institutionId: B, name: '另一家图书馆' });
    await eventually(async () => (await h.db.pool.query('select 1 from ms_institutions').catch(() => ({ rowCount: 0 }))).rowCount === 2, { timeoutMs: 90_000, what: 'both institutions copied from identity events' });
    await publishFeeSchedule(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  let applicationId: string;
  let membershipId: string;
  let memberNumber: string;

  it('apply shows the confirmation page figures; a second unpaid application is refused', async () => {
    const r = await apply(tokenA, 'new', 3);
    expect(r.status).toBe(201);
    const today = shanghaiDate(new Date().toISOString());
    expect(r.body).toMatchObject({
      kind: 'new',
      status: 'draft',
      institutionName: '机构测试图书馆',
      organisationType: '事业单位',
      staffTier: { code: '1-30', name: '1-30人' },
      qualification: { code: 'institution', name: '单位会员' },
      feePerYearFen: 100000,
      years: 3,
      amountDueFen: 300000,
      amountDueInWords: '叁仟元整',
      termStart: today,
      termEnd: endOfYear(addYears(today, 2)),
    });
    applicationId = r.body.applicationId;

    const again = await apply(tokenA, 'new', 1);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'APPLICATION_PENDING', message: expect.stringContaining('尚未缴费') });
  });

  it('validation failures answer 400 with Chinese messages per field', async () => {
    const bad = await apply(tokenA, 'new', 9, '大学');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'years', message: '资格期限最多5年' }),
        expect.objectContaining({ field: 'organisationType', message: expect.stringContaining('机构性质须为') }),
      ]),
    );

    const r = await inject('POST', `/api/v1/membership/applications/${applicationId}/confirmation`, tokenA, {
      ...address,
      mobile: '1234',
      region: { provinceCode: '340000', cityCode: '341500', districtCode: '341501' },
      postcode: '12',
      creditCode: '111111111111111111',
    });
    expect(r.status).toBe(400);
    const fields = (r.body.details as Array<{ field: string; message: string }>).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['mobile', 'region.districtCode', 'postcode', 'creditCode']));
    expect(r.body.message).toMatch(/手机号码格式不正确/);
    expect(r.body.message).toMatch(/不是具体区县/);
  });

  it("another institution cannot read or act on the application (404)", async () => {
    for (const [method, url, payload] of [
      ['GET', `/api/v1/membership/applications/${applicationId}`],
      ['GET', `/api/v1/membership/applications/${applicationId}/confirmation-defaults`],
      ['POST', `/api/v1/membership/applications/${applicationId}/confirmation`, { ...address, creditCode: enterpriseCode }],
      ['POST', `/api/v1/membership/applications/${applicationId}/cancellation`, { reason: '试试' }],
    ] as const) {
      const r = await inject(method, url, tokenB, payload);
      expect({ url, status: r.status, code: r.body.code }).toEqual({ url, status: 404, code: 'APPLICATION_NOT_FOUND' });
    }
    const list = await inject('GET', '/api/v1/membership/applications', tokenB);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('confirm: defaults from the registration profile; a credit code of another organisation type is a warning; ApplicationSubmitted goes out', async () => {
    const defaults = await inject('GET', `/api/v1/membership/applications/${applicationId}/confirmation-defaults`, tokenA);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({ mobile: '13800138000', postcode: '710061', invoiceTitle: '机构测试图书馆', region: { provinceName: '安徽省' } });

    const r = await inject('POST', `/api/v1/membership/applications/${applicationId}/confirmation`, tokenA, { ...address, creditCode: enterpriseCode });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'submitted',
      mailingAddress: { recipient: '范德萨', region: { provinceName: '安徽省', cityName: '六安市', districtName: '金安区' } },
      creditCode: enterpriseCode,
      warnings: [expect.stringContaining('与所选机构性质“事业单位”不一致')],
    });
    const submitted = await waitPublished('membership.ApplicationSubmitted', (e) => e.data.applicationId === applicationId);
    expect(submitted.data).toMatchObject({ institutionId: A, institutionName: '机构测试图书馆', years: 3, creditCode: enterpriseCode, invoiceTitle: '机构测试图书馆', termEnd: r.body.termEnd });
    expect(submitted.data.mailingAddress).toMatchObject({ street: '经十东路1号', postcode: '237000' });

    const twice = await inject('POST', `/api/v1/membership/applications/${applicationId}/confirmation`, tokenA, { ...address, creditCode: publicInstitutionCode });
    expect(twice.status).toBe(409);
  });

  it('PaymentOrderIssued shows how to pay; PaymentOrderPaid (delivered twice, and re-sent) activates once', async () => {
    const { paid } = await issueAndPay(applicationId, A, 300000, '2026-03-15');
    const shown = await eventually(
      async () => {
        const r = await inject('GET', `/api/v1/membership/applications/${applicationId}`, tokenA);
        return r.body.status === 'awaiting_payment' ? r.body : undefined;
      },
      { timeoutMs: 60_000, what: 'the payment order on the application' },
    );
    expect(shown.paymentOrder).toMatchObject({ amountDueFen: 300000, payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行' }, transferRemark: '机构测试图书馆+会费', paymentCode: '7K3M9Q' });
    await eventually(
      async () => {
        const list = await inject('GET', '/api/v1/membership/applications', tokenA);
        return list.body.items?.[0]?.paymentOrder?.paymentCode === '7K3M9Q';
      },
      { timeoutMs: 30_000, what: 'my applications read model' },
    );

    const eventId = await h.publish(PaymentOrderPaid, paid);
    await h.publish(PaymentOrderPaid, paid, { eventId }); // the same message redelivered
    const resentId = await h.publish(PaymentOrderPaid, paid); // billing re-sent the fact under a new id
    await eventually(async () => (await h.db.pool.query('select 1 from es_inbox where event_id = $1', [resentId])).rowCount === 1, { timeoutMs: 60_000, what: 'the re-sent payment consumed' });

    const me = await inject('GET', '/api/v1/membership/memberships/me', tokenA);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ status: 'active', memberSince: '2026-03-15', validFrom: '2026-03-15', validTo: '2028-12-31', memberNumber: expect.stringMatching(/^LSC-U-2026-\d{6}$/) });
    ({ membershipId, memberNumber } = me.body as { membershipId: string; memberNumber: string });
    const activations = await h.db.pool.query(`select count(*)::int as n from es_events where event_type = 'MembershipActivated'`);
    expect(activations.rows[0].n).toBe(1);

    const activated = await waitPublished('membership.MembershipActivated', (e) => e.data.applicationId === applicationId);
    expect(activated.data).toMatchObject({ membershipId, institutionId: A, memberNumber, kind: 'new', validFrom: '2026-03-15', validTo: '2028-12-31' });
    await eventually(async () => (await h.db.pool.query('select count(*)::int as n from es_outbox')).rows[0].n === 0, { timeoutMs: 30_000, what: 'the outbox drained' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(publishedOfType('membership.MembershipActivated')).toHaveLength(1);
  });

  it('renewal moves the end date by the renewal term and keeps the member number', async () => {
    const r = await apply(tokenA, 'renewal', 2);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'renewal', membershipId, termStart: '2029-01-01', termEnd: '2030-12-31' });
    const renewalId = r.body.applicationId as string;
    const c = await inject('POST', `/api/v1/membership/applications/${renewalId}/confirmation`, tokenA, { ...address, creditCode: publicInstitutionCode });
    expect(c.status).toBe(200);
    expect(c.body.warnings).toEqual([]);
    const { paid } = await issueAndPay(renewalId, A, 200000, '2026-06-01');
    await eventually(async () => (await inject('GET', `/api/v1/membership/applications/${renewalId}`, tokenA)).body.status === 'awaiting_payment', { timeoutMs: 60_000, what: 'the renewal order' });
    // While unpaid, the current membership stays as it is.
    expect((await inject('GET', '/api/v1/membership/memberships/me', tokenA)).body).toMatchObject({ status: 'active', validTo: '2028-12-31', pendingApplicationId: renewalId });
    await h.publish(PaymentOrderPaid, paid);
    const me = await eventually(
      async () => {
        const m = await inject('GET', '/api/v1/membership/memberships/me', tokenA);
        return m.body.validTo === '2030-12-31' ? m.body : undefined;
      },
      { timeoutMs: 60_000, what: 'the renewed term' },
    );
    // Covered now by the first term; the renewal is shown apart, not as if the member were covered only from 2029.
    expect(me).toMatchObject({
      status: 'active',
      memberNumber,
      memberSince: '2026-03-15',
      validFrom: '2026-03-15',
      currentTerm: { validFrom: '2026-03-15', validTo: '2028-12-31' },
      renewedTerm: { applicationId: renewalId, validFrom: '2029-01-01', validTo: '2030-12-31', years: 2, paidOn: '2026-06-01' },
    });
    expect(me.history.terms).toHaveLength(2);
    const renewed = await waitPublished('membership.MembershipActivated', (e) => e.data.applicationId === renewalId);
    expect(renewed.data).toMatchObject({ kind: 'renewal', memberNumber, validFrom: '2029-01-01', validTo: '2030-12-31', memberSince: '2026-03-15' });
  });

  it('staff mail the certificate from the due list; search finds the membership; institutions are refused staff routes', async () => {
    const forbidden = await inject('GET', '/api/v1/membership/admin/certificates?status=due', tokenA);
    expect(forbidden.status).toBe(403);
    const due = await eventually(
      async () => {
        const r = await inject('GET', '/api/v1/membership/admin/certificates?status=due', staff);
        return (r.body.items as Array<Record<string, Json>> | undefined)?.find((i) => i.membershipId === membershipId && i.terms === 2);
      },
      { timeoutMs: 30_000, what: 'the certificate on the due list' },
    );
    expect(due).toMatchObject({ institutionName: '机构测试图书馆', memberNumber, certificate: { due: true, mailingAddress: { recipient: '范德萨' } } });

    const mailed = await inject('POST', `/api/v1/membership/admin/memberships/${membershipId}/certificate-mailings`, staff, { carrier: '中国邮政EMS', trackingNumber: '1234567890123' });
    expect(mailed.status).toBe(201);
    const event = await waitPublished('membership.CertificateMailed', (e) => e.data.membershipId === membershipId);
    expect(event.data).toMatchObject({ memberNumber, carrier: '中国邮政EMS', trackingNumber: '1234567890123' });
    const again = await inject('POST', `/api/v1/membership/admin/memberships/${membershipId}/certificate-mailings`, staff, { carrier: '中国邮政EMS', trackingNumber: '1234567890123' });
    expect(again).toMatchObject({ status: 409, body: { code: 'NO_CERTIFICATE_DUE' } });

    const found = await eventually(
      async () => {
        const r = await inject('GET', `/api/v1/membership/admin/memberships?name=${encodeURIComponent('测试图书')}&provinceCode=340000&status=active&expiresFrom=2030-01-01`, staff);
        return r.body.total === 1 ? r.body : undefined;
      },
      { timeoutMs: 30_000, what: 'the staff search' },
    );
    expect(found.items[0]).toMatchObject({
      membershipId,
      memberNumber,
      validFrom: '2026-03-15',
      validTo: '2030-12-31',
      currentTerm: { validFrom: '2026-03-15', validTo: '2028-12-31' },
      renewedTerm: { validFrom: '2029-01-01', validTo: '2030-12-31' },
    });
    const none = await inject('GET', '/api/v1/membership/admin/memberships?expiresTo=2029-12-31', staff);
    expect(none.body.items.find((i: { membershipId: string }) => i.membershipId === membershipId)).toBeUndefined();
  });

  it('the lifecycle run sends the 30-day reminder, then grace, then expiry; overrides need a reason and are audited', async () => {
    expect((await inject('POST', '/api/v1/membership/admin/lifecycle-runs', staff, { on: '2030-12-01' })).status).toBe(403);
    const reminder = await inject('POST', '/api/v1/membership/admin/lifecycle-runs', superAdmin, { on: '2030-12-01' });
    expect(reminder).toMatchObject({ status: 200, body: { on: '2030-12-01', events: { MembershipExpiring: 1 } } });
    const repeat = await inject('POST', '/api/v1/membership/admin/lifecycle-runs', superAdmin, { on: '2030-12-01' });
    expect(repeat.body.events).toEqual({});
    const grace = await inject('POST', '/api/v1/membership/admin/lifecycle-runs', superAdmin, { on: '2031-01-05' });
    expect(grace.body.events).toEqual({ MembershipEnteredGrace: 1 });
    const expired = await inject('POST', '/api/v1/membership/admin/lifecycle-runs', superAdmin, { on: '2031-04-01' });
    expect(expired.body.events).toEqual({ MembershipExpired: 1 });
    await waitPublished('membership.MembershipExpiring', (e) => e.data.membershipId === membershipId && e.data.daysBefore === 30);
    await waitPublished('membership.MembershipExpired', (e) => e.data.membershipId === membershipId);

    const noReason = await inject('POST', `/api/v1/membership/admin/memberships/${membershipId}/status-overrides`, staff, { status: 'active' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['reason']));
    expect(noReason.body.details.every((d: { field: string }) => d.field === 'reason')).toBe(true);
    const ok = await inject('POST', `/api/v1/membership/admin/memberships/${membershipId}/status-overrides`, staff, { status: 'active', reason: '会费已线下缴纳，经理事会批准恢复' });
    expect(ok).toMatchObject({ status: 201, body: { status: 'active' } });
  });

  it('the institution history shows every step in order, with who and when', async () => {
    const r = await inject('GET', '/api/v1/membership/institutions/me/history', tokenA);
    expect(r.status).toBe(200);
    const types = (r.body.items as Array<{ type: string }>).map((i) => i.type);
    expect(types.slice(0, 5)).toEqual(['ApplicationStarted', 'ApplicationSubmitted', 'PaymentOrderRecorded', 'ApplicationPaid', 'MembershipActivated']);
    expect(types).toEqual(expect.arrayContaining(['CertificateMailed', 'MembershipExpiring', 'MembershipEnteredGrace', 'MembershipExpired', 'MembershipStatusOverridden']));
    const override = r.body.items.find((i: { type: string }) => i.type === 'MembershipStatusOverridden');
    expect(override).toMatchObject({ actor: expect.any(String), at: expect.any(String), data: { reason: '会费已线下缴纳，经理事会批准恢复', from: 'expired', to: 'active' } });
    const staffView = await inject('GET', `/api/v1/membership/admin/institutions/${A}/history`, staff);
    expect(staffView.body.items).toEqual(r.body.items);
    expect((await inject('GET', '/api/v1/membership/institutions/me/history', tokenB)).body.items).toEqual([]);
    // Not yet a member, nothing applied for: an answer with an explicit status, not a 404 the portal must interpret.
    expect(await inject('GET', '/api/v1/membership/memberships/me', tokenB)).toMatchObject({ status: 200, body: { status: 'none', institutionId: expect.any(String), history: { terms: [], certificates: [] } } });
  });

  it('an institution cancels its unpaid application (ApplicationCancelled) and may apply again', async () => {
    const first = await apply(tokenB, 'new', 1);
    expect(first.status).toBe(201);
    const id = first.body.applicationId as string;
    const noReason = await inject('POST', `/api/v1/membership/applications/${id}/cancellation`, tokenB, {});
    expect(noReason.status).toBe(400);
    const cancelled = await inject('POST', `/api/v1/membership/applications/${id}/cancellation`, tokenB, { reason: '机构性质选错，重新申请' });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', cancelReason: '机构性质选错，重新申请' } });
    await waitPublished('membership.ApplicationCancelled', (e) => e.data.applicationId === id);
    expect((await apply(tokenB, 'new', 1)).status).toBe(201);
    expect((await inject('GET', '/api/v1/membership/memberships/me', tokenB)).body).toMatchObject({ status: 'pending_payment' });

    // Billing raced the cancellation: the order and the money are recorded for staff, nothing activates.
    const { paid } = await issueAndPay(id, B, 100000, '2026-04-01');
    const paidId = await h.publish(PaymentOrderPaid, paid);
    await eventually(async () => (await h.db.pool.query('select 1 from es_inbox where event_id = $1', [paidId])).rowCount === 1, { timeoutMs: 60_000, what: 'the stray payment consumed' });
    const stray = await h.db.pool.query(`select event_type from es_events where stream_id = $1 order by stream_version`, [`application-${id}`]);
    expect(stray.rows.map((r) => r.event_type)).toEqual(['ApplicationStarted', 'ApplicationCancelled', 'PaymentOrderIssuedForCancelledApplication', 'PaymentReceivedForCancelledApplication']);
    expect((await inject('GET', '/api/v1/membership/memberships/me', tokenB)).body).toMatchObject({ status: 'pending_payment' });
  });
});
