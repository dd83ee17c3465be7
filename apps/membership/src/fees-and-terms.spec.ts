import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { FeeChanged, FeeScheduleVersionPublished, FeeScheduleVersionPublishedV2Contract, InstitutionRegistered, PaymentOrderIssued, PaymentOrderPaid, type IntegrationEvent } from '@lsc/contracts';
import { eventually, testKafka } from '@lsc/testing';
import { creditCodeCheckCharacter } from '@lsc/validation';
import { shanghaiDate } from './domain';
import { publishFeeSchedule, TEST_FEE_SCHEDULE } from './testing/fee-schedule';
import { startHarness, type Harness } from './testing/harness';
import { applicationStream, MembershipCommands } from './write/membership-commands';
import { openApplication, recordInstitutionStream } from './write/lookups';

/**
 * Issue #24 items 1, 7 and 9 through the real service: billing's fee-schedule events on Kafka feed membership's read
 * model; applications are priced from it; a stuck application is recovered; December joiners' terms.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const repoRoot = resolve(__dirname, '../../..');
const creditCode = (() => {
  const first17 = '12110000MB0000001';
  return first17 + creditCodeCheckCharacter(first17);
})();
const confirmation = {
  recipient: '范德萨',
  mobile: '13800138000',
  region: { provinceCode: '340000', cityCode: '341500', districtCode: '341502' },
  street: '经十东路1号',
  postcode: '237000',
  invoiceTitle: '机构测试图书馆',
  creditCode,
};

async function client(h: Harness) {
  const inject = async (method: 'GET' | 'POST', url: string, token?: string, payload?: object) => {
    const r = await h.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.json() as Record<string, Json> };
  };
  const institution = async (name: string) => {
    const id = randomUUID();
    await h.publish(InstitutionRegistered, { ...InstitutionRegistered.example, institutionId: id, name });
    await eventually(async () => (await h.db.pool.query('select 1 from ms_institutions where institution_id = $1', [id])).rowCount === 1, { timeoutMs: 90_000, what: `${name} copied from identity` });
    return { id, token: await h.issuer.token(id, ['institution']) };
  };
  return { inject, institution };
}

describe('fees and terms from the published fee schedule (real PostgreSQL + Kafka + Redis)', () => {
  jest.setTimeout(240_000);
  let h: Harness;
  let api: Awaited<ReturnType<typeof client>>;

  beforeAll(async () => {
    h = await startHarness();
    api = await client(h);
    await publishFeeSchedule(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const waitPublished = (type: string, predicate: (e: IntegrationEvent<string, Json>) => boolean) =>
    eventually(() => h.published.find((e) => e.type === type && predicate(e)) as IntegrationEvent<string, Json> | undefined, { timeoutMs: 60_000, what: `${type} on the membership topic` });

  it('the public fee options come from billing\'s announcement, placeholders marked; a correction of a future version is applied', async () => {
    const r = await api.inject('GET', '/api/v1/membership/fees/options');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ scheduleVersion: '2026-01', lateJoinCutoff: null, years: { min: 1, max: 5 } });
    const council = r.body.qualifications.find((q: Json) => q.code === 'council');
    expect(council).toEqual({ code: 'council', name: '理事单位（特级会员）', tiers: [{ code: '1-30', name: '1-30人', feePerYearFen: 2000000, placeholder: true, available: true }] });

    await publishFeeSchedule(h, { versionId: '2099-01', effectiveFrom: '2099-01-01', entries: TEST_FEE_SCHEDULE.entries.map((e) => ({ ...e, placeholder: true })) });
    await h.publish(
      FeeChanged,
      { ...FeeChanged.example, versionId: '2099-01', effectiveFrom: '2099-01-01', entry: { qualificationCode: 'institution', qualificationName: '单位会员', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 110000 }, previousFeePerYearFen: 100000 },
      { key: 'fee-schedule' },
    );
    const corrected = await eventually(
      async () => {
        const row = (await h.db.pool.query(`select entries from ms_fee_schedule_versions where version_id = '2099-01'`)).rows[0];
        const e = row?.entries.find((x: Json) => x.qualificationCode === 'institution');
        return e?.feePerYearFen === 110000 ? e : undefined;
      },
      { timeoutMs: 60_000, what: 'the FeeChanged correction in the read model' },
    );
    expect(corrected).toMatchObject({ placeholder: false });
  });

  it('a version known only from a v1 announcement (no placeholders) is replaced by billing\'s v2 re-announcement', async () => {
    const legacy = { versionId: '2098-01', effectiveFrom: '2098-01-01', entries: TEST_FEE_SCHEDULE.entries.map(({ placeholder: _p, ...e }) => e), publishedBy: 'finance-1', publishedAt: '2025-01-01T00:00:00.000Z' };
    await h.publish(FeeScheduleVersionPublished, legacy, { key: 'fee-schedule' });
    await eventually(async () => (await h.db.pool.query(`select from_v1 from ms_fee_schedule_versions where version_id = '2098-01'`)).rows[0]?.from_v1 === true, { timeoutMs: 60_000, what: 'the v1 copy' });
    await h.publish(FeeScheduleVersionPublishedV2Contract, { ...TEST_FEE_SCHEDULE, versionId: '2098-01', effectiveFrom: '2098-01-01', termPolicy: { lateJoinCutoff: '12-01' } }, { key: 'fee-schedule' });
    const row = await eventually(async () => (await h.db.pool.query(`select * from ms_fee_schedule_versions where version_id = '2098-01'`)).rows.find((r) => r.from_v1 === false), { timeoutMs: 60_000, what: 'the v2 copy' });
    expect(row.late_join_cutoff).toBe('12-01');
    expect(row.entries.find((e: Json) => e.qualificationCode === 'council').placeholder).toBe(true);
  });

  it('a forged quote is answered 409 QUOTE_CHANGED with the current quote; names cannot be supplied; codes alone apply at the schedule\'s fee and names', async () => {
    const a = await api.institution('报价测试图书馆');
    const body = { kind: 'new', qualificationCode: 'institution', staffTierCode: '1-30', years: 3, organisationType: '事业单位' };

    const forged = await api.inject('POST', '/api/v1/membership/applications', a.token, { ...body, quote: { feePerYearFen: 100, amountDueFen: 300, scheduleVersion: '2026-01' } });
    expect(forged.status).toBe(409);
    expect(forged.body).toMatchObject({
      code: 'QUOTE_CHANGED',
      message: expect.stringContaining('3年应付3000.00元（叁仟元整）'),
      context: { currentQuote: { qualification: { code: 'institution', name: '单位会员' }, feePerYearFen: 100000, amountDueFen: 300000, amountDueInWords: '叁仟元整', scheduleVersion: '2026-01' } },
    });

    const named = await api.inject('POST', '/api/v1/membership/applications', a.token, { ...body, qualificationCode: 'ordinary', qualificationName: '理事单位（特级会员）' });
    expect(named.status).toBe(400);
    expect(named.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'qualificationName' })]));

    const unknown = await api.inject('POST', '/api/v1/membership/applications', a.token, { ...body, qualificationCode: 'patron' });
    expect(unknown.status).toBe(409);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_QUALIFICATION', message: expect.stringContaining('会员资格') });

    const ok = await api.inject('POST', '/api/v1/membership/applications', a.token, { ...body, quote: { feePerYearFen: 100000, amountDueFen: 300000 } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ qualification: { code: 'institution', name: '单位会员' }, staffTier: { code: '1-30', name: '1-30人' }, feePerYearFen: 100000, amountDueFen: 300000, amountDueInWords: '叁仟元整', feeIsPlaceholder: false });

    const quote = await api.inject('GET', '/api/v1/membership/fees/quote?qualificationCode=institution&staffTierCode=1-30&years=3');
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({ amountDueFen: 300000, amountDueInWords: '叁仟元整', placeholder: false, coverage: { activeFromPayment: true, startsNextYear: false } });
  });

  it('a placeholder fee is usable in development (marked), refused with FEE_SCHEDULE_REQUIRE_CONFIRMED=true', async () => {
    const dev = await api.institution('开发环境图书馆');
    const r = await api.inject('POST', '/api/v1/membership/applications', dev.token, { kind: 'new', qualificationCode: 'council', staffTierCode: '1-30', years: 1, organisationType: '事业单位' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ qualification: { code: 'council', name: '理事单位（特级会员）' }, feeIsPlaceholder: true });

    const prod = await startHarness({ FEE_SCHEDULE_REQUIRE_CONFIRMED: 'true' });
    try {
      await publishFeeSchedule(prod);
      const prodApi = await client(prod);
      const inst = await prodApi.institution('生产环境图书馆');
      const refused = await prodApi.inject('POST', '/api/v1/membership/applications', inst.token, { kind: 'new', qualificationCode: 'council', staffTierCode: '1-30', years: 1, organisationType: '事业单位' });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'FEE_NOT_CONFIRMED', message: expect.stringContaining('理事单位（特级会员）（1-30人）”的会费标准尚待学会确认，暂不能申请') });
      const options = await prodApi.inject('GET', '/api/v1/membership/fees/options');
      const council = options.body.qualifications.find((q: Json) => q.code === 'council');
      expect(council.tiers[0]).toMatchObject({ placeholder: true, available: false, unavailableReason: expect.stringContaining('尚待学会确认') });
      const quote = await prodApi.inject('GET', '/api/v1/membership/fees/quote?qualificationCode=council&staffTierCode=1-30&years=1');
      expect(quote.status).toBe(409);
      const confirmed = await prodApi.inject('POST', '/api/v1/membership/applications', inst.token, { kind: 'new', qualificationCode: 'institution', staffTierCode: '1-30', years: 1, organisationType: '事业单位' });
      expect(confirmed.status).toBe(201);
    } finally {
      await prod.close();
    }
  });

  it("today's stuck application (client quote 叁元整, billing's order 3,000 元 dead-lettered as AMOUNT_MISMATCH) is recovered by replaying the dead letter", async () => {
    const inst = await api.institution('卡住的图书馆');
    // The application as the old code stored it: the client's quote taken as is, then confirmed.
    const commands = h.app.get(MembershipCommands);
    const applicationId = randomUUID();
    const meta = { now: new Date().toISOString(), actor: inst.id, correlationId: 'stuck', ids: [applicationId] };
    await commands.applications.handle(
      applicationStream(applicationId),
      {
        type: 'Apply',
        data: {
          institutionId: inst.id,
          institutionName: '卡住的图书馆',
          kind: 'new',
          qualification: { code: 'institution', name: '理事单位（特级会员）' },
          staffTier: { code: '1-30', name: '1-30人' },
          years: 3,
          organisationType: '事业单位',
          quote: { feePerYearFen: 100, amountDueFen: 300, scheduleVersion: '2026-01' },
        },
        metadata: meta,
      },
      { afterAppend: async (c) => (await openApplication(c, inst.id, applicationId), await recordInstitutionStream(c, applicationStream(applicationId), inst.id)) },
    );
    const confirmed = await api.inject('GET', `/api/v1/membership/applications/${applicationId}`, inst.token);
    expect(confirmed.body).toMatchObject({ status: 'draft', amountDueFen: 300, amountDueInWords: '叁元整' });
    await commands.applications.handle(applicationStream(applicationId), {
      type: 'Confirm',
      data: { mailingAddress: { recipient: '范德萨', mobile: '13800138000', region: { provinceCode: '340000', provinceName: '安徽省', cityCode: '341500', cityName: '六安市', districtCode: '341502', districtName: '金安区' }, street: '经十东路1号', postcode: '237000' }, invoiceTitle: '卡住的图书馆', creditCode },
      metadata: { ...meta, ids: undefined },
    });

    // Billing's order for 3 × 1,000 元, which the old membership refused and the router parked in the dead-letter topic.
    const orderId = randomUUID();
    const order = { ...PaymentOrderIssued.example, orderId, applicationId, institutionId: inst.id, institutionName: '卡住的图书馆', feePerYearFen: 100000, years: 3, amountDueFen: 300000, amountInWords: '叁仟元整', scheduleVersion: '2026-01' };
    const envelope = { eventId: randomUUID(), type: PaymentOrderIssued.type, schemaVersion: 1, streamId: `payment-order-${orderId}`, occurredAt: new Date().toISOString(), correlationId: 'stuck', data: order };
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: `${h.topics.billing}.dlt`,
      acks: -1,
      messages: [{ key: applicationId, value: JSON.stringify(envelope), headers: { 'dlt-original-topic': h.topics.billing, 'dlt-error-class': 'permanent', 'dlt-error': 'DomainError: AMOUNT_MISMATCH 缴费单金额与申请报价不一致' } }],
    });
    await producer.disconnect();
    const stuck = await api.inject('GET', `/api/v1/membership/applications/${applicationId}`, inst.token);
    expect(stuck.body.status).toBe('submitted');
    expect(stuck.body.paymentOrder).toBeUndefined();

    // The runbook: `npm run dlt -- replay <billing topic>` after deploying the fix.
    const replay = spawnSync(process.execPath, ['scripts/dlt.mjs', 'replay', h.topics.billing], { cwd: repoRoot, encoding: 'utf8' });
    expect(replay.stdout).toContain('replayed 1 dead letter(s)');
    const recovered = await eventually(
      async () => {
        const r = await api.inject('GET', `/api/v1/membership/applications/${applicationId}`, inst.token);
        return r.body.status === 'awaiting_payment' ? r.body : undefined;
      },
      { timeoutMs: 60_000, what: 'the replayed order on the application' },
    );
    expect(recovered).toMatchObject({ feePerYearFen: 100000, amountDueFen: 300000, amountDueInWords: '叁仟元整', paymentOrder: { orderId, amountDueFen: 300000, amountDueInWords: '叁仟元整' } });
    const requoted = await h.db.pool.query(`select data from es_events where stream_id = $1 and event_type = 'ApplicationRequoted'`, [applicationStream(applicationId)]);
    expect(requoted.rows[0].data).toMatchObject({ reason: 'payment_order', previous: { amountDueFen: 300 }, quote: { amountDueFen: 300000, feePerYearFen: 100000 } });
  });

  // Last: it publishes a version in effect today, with today as the late-join cut-off.
  it('an honest client whose quote predates a fee change is requoted at confirmation (409, then confirms); a December joiner\'s paid term starts on 1 January', async () => {
    const today = shanghaiDate(new Date().toISOString());
    const year = Number(today.slice(0, 4));
    const inst = await api.institution('十二月图书馆');
    const applied = await api.inject('POST', '/api/v1/membership/applications', inst.token, { kind: 'new', qualificationCode: 'institution', staffTierCode: '1-30', years: 1, organisationType: '事业单位', quote: { feePerYearFen: 100000, amountDueFen: 100000 } });
    expect(applied.status).toBe(201);
    const applicationId = applied.body.applicationId as string;

    // Finance publishes a new version in effect from today, with a cut-off that today has reached.
    await publishFeeSchedule(h, {
      versionId: `${today}-late`,
      effectiveFrom: today,
      entries: TEST_FEE_SCHEDULE.entries.map((e) => (e.qualificationCode === 'institution' ? { ...e, feePerYearFen: 120000 } : e)),
      termPolicy: { lateJoinCutoff: today.slice(5) },
    });
    const stale = await api.inject('POST', `/api/v1/membership/applications/${applicationId}/confirmation`, inst.token, confirmation);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'QUOTE_CHANGED',
      context: { currentQuote: { feePerYearFen: 120000, amountDueFen: 120000, coverage: { termStart: `${year + 1}-01-01`, termEnd: `${year + 1}-12-31`, startsNextYear: true, activeFromPayment: true } } },
    });
    const shown = await api.inject('GET', `/api/v1/membership/applications/${applicationId}`, inst.token);
    expect(shown.body).toMatchObject({ status: 'draft', amountDueFen: 120000, termStart: `${year + 1}-01-01`, termEnd: `${year + 1}-12-31` });

    const ok = await api.inject('POST', `/api/v1/membership/applications/${applicationId}/confirmation`, inst.token, confirmation);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'submitted',
      amountDueFen: 120000,
      termStart: `${year + 1}-01-01`,
      termEnd: `${year + 1}-12-31`,
      coverage: { startsNextYear: true, description: expect.stringContaining(`所缴会费覆盖${year + 1}年1月1日至${year + 1}年12月31日`) },
    });
    // Billing's order and the invoice take the paid term from here.
    const submitted = await waitPublished('membership.ApplicationSubmitted', (e) => e.data.applicationId === applicationId);
    expect(submitted.data).toMatchObject({ termStart: `${year + 1}-01-01`, termEnd: `${year + 1}-12-31` });

    const quote = await api.inject('GET', '/api/v1/membership/fees/quote?qualificationCode=institution&staffTierCode=1-30&years=2');
    expect(quote.body).toMatchObject({ amountDueFen: 240000, coverage: { termStart: `${year + 1}-01-01`, termEnd: `${year + 2}-12-31`, startsNextYear: true } });

    const orderId = randomUUID();
    await h.publish(PaymentOrderIssued, { ...PaymentOrderIssued.example, orderId, applicationId, institutionId: inst.id, feePerYearFen: 120000, years: 1, amountDueFen: 120000, scheduleVersion: `${today}-late` });
    await eventually(async () => (await api.inject('GET', `/api/v1/membership/applications/${applicationId}`, inst.token)).body.status === 'awaiting_payment', { timeoutMs: 60_000, what: 'the order recorded' });
    await h.publish(PaymentOrderPaid, { ...PaymentOrderPaid.example, orderId, applicationId, institutionId: inst.id, amountDueFen: 120000, amountPaidFen: 120000, paidOn: today });
    const activated = await waitPublished('membership.MembershipActivated', (e) => e.data.applicationId === applicationId);
    // Active from payment, paid through the end of next year.
    expect(activated.data).toMatchObject({ validFrom: today, validTo: `${year + 1}-12-31` });
  });
});
