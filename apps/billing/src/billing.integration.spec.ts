import { randomUUID } from 'node:crypto';
import iconv from 'iconv-lite';
import type { Consumer, Producer } from 'kafkajs';
import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApplicationCancelled, ApplicationSubmitted, InstitutionNameChanged, type IntegrationEvent } from '@lsc/contracts';
import ExcelJS from 'exceljs';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { FeeSchedules } from './fees/fee-schedules';
import { AppModule } from './app.module';
import { loadBillingConfig } from './config';
import { configureBillingApp } from './http/configure';
import { startTestIssuer, type TestIssuer } from './testing/jwt';
import { importFinished } from './testing/imports';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The money path over real PostgreSQL, Kafka and Redis: application → order → bank statement → match → paid → e-invoice. */
describe('billing service (real PostgreSQL + Kafka)', () => {
  jest.setTimeout(120000);
  const kafka = testKafka();
  const topics = { membership: uniqueName('membership'), identity: uniqueName('identity'), billing: uniqueName('billing') };
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let issuer: TestIssuer;
  let producer: Producer;
  let consumer: Consumer;
  const seen: IntegrationEvent[] = [];
  let finance: string;

  const boundary = 'lscboundary';
  const multipart = (file: Buffer, filename: string, fields: Record<string, string> = {}) => {
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`));
    return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  };
  const upload = async (file: Buffer, filename = 'statement.csv') => {
    const m = multipart(file, filename);
    const res = await app.inject({ method: 'POST', url: '/api/v1/billing/statements', payload: m.payload, headers: { ...m.headers, authorization: `Bearer ${finance}` } });
    expect(res.statusCode).toBe(202);
    const done = await importFinished((url) => get(url, finance), res.json().importId);
    expect(done).toMatchObject({ state: 'done', statementId: res.json().importId });
    // The synchronous upload's answer, as the tests read it (untyped JSON).
    return done.result as ReturnType<typeof JSON.parse>;
  };
  const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const post = (url: string, token: string, payload: object) => app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });
  const of = (type: string, pred: (d: Record<string, unknown>) => boolean) => seen.filter((e) => e.type === type && pred(e.data as Record<string, unknown>));

  const submit = async (institutionName: string, overrides: Partial<typeof ApplicationSubmitted.example> = {}) => {
    const data = { ...ApplicationSubmitted.example, applicationId: randomUUID(), institutionId: randomUUID(), institutionName, invoiceTitle: institutionName, submittedAt: new Date().toISOString(), ...overrides };
    await producer.send({ topic: topics.membership, messages: [{ key: data.applicationId, value: JSON.stringify({ eventId: randomUUID(), type: ApplicationSubmitted.type, schemaVersion: 1, streamId: data.applicationId, occurredAt: data.submittedAt, correlationId: randomUUID(), data }) }] });
    const issued = await eventually(() => of('billing.PaymentOrderIssued', (d) => d.applicationId === data.applicationId)[0], { timeoutMs: 60000, what: 'PaymentOrderIssued' });
    return { app: data, order: issued.data as { orderId: string; amountDueFen: number; transferRemark: string; paymentCode: string } };
  };

  /** 北京银行 export in GBK with its title block; `rows` are [流水号, 贷方金额, 对方账号, 对方户名, 附言]. */
  // Transfers are booked after the orders were issued (today, Asia/Shanghai), as in real life.
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const bobCsv = (rows: Array<[string, string, string, string, string]>) =>
    iconv.encode(
      [
        '北京银行对公账户交易明细',
        '账号：20000006591600105310002',
        '户名：中国图书馆学会',
        '',
        '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言',
        `${today},08:00:00,BOBX0001,跨行汇款手续费,10.00,,,,,,`,
        `${today},08:30:00,BOBX0002,转账,,"3,200.00",,6222000011112222,某某出版社,中国银行北京分行,图书款`,
        ...rows.map(([ref, amount, account, name, remark], i) => `${today},10:0${i % 10}:00,${ref},转账,,"${amount}",,="${account}",${name},中国工商银行北京分行,${remark}`),
      ].join('\r\n'),
      'gbk',
    );

  beforeAll(async () => {
    await createTestTopics(kafka, Object.values(topics), { partitions: 3, withDeadLetter: true });
    db = await createTestDatabase('billing');
    issuer = await startTestIssuer();
    finance = await issuer.token(randomUUID(), ['finance']);
    const config = loadBillingConfig({ DATABASE_URL: db.url, HTTP_PORT: '3999', LOG_LEVEL: 'warn', JWT_JWKS_URL: issuer.jwksUrl, MEMBERSHIP_TOPIC: topics.membership, IDENTITY_TOPIC: topics.identity, BILLING_TOPIC: topics.billing });
    app = await createServiceApp(AppModule.register(config), config, { consumer: { groupId: uniqueName('billing') }, configureApp: configureBillingApp(config) });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueName('observer') });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.billing, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString())) });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await issuer?.close();
    await deleteTestTopics(kafka, Object.values(topics).flatMap((t) => [t, `${t}.dlt`]));
    await db?.drop();
  });

  let first: Awaited<ReturnType<typeof submit>>;
  let bobStatement: Buffer;

  it('quotes from the schedule and issues the payment order for a submitted application (enterprise 1–30 × 3 = 18,000 元)', async () => {
    const quote = await app.inject({ method: 'GET', url: '/api/v1/billing/quotes?qualificationCode=enterprise&staffTierCode=1-30&years=3' });
    expect(quote.json()).toMatchObject({ feePerYearFen: 600000, years: 3, amountDueFen: 1800000, amountInWords: '壹万捌仟元整', scheduleVersion: '2026-01' });
    expect(quote.json().validityEnd).toMatch(/^\d{4}-12-31$/);

    first = await submit('星河数字科技有限公司');
    expect(first.order).toMatchObject({ amountDueFen: 1800000, transferRemark: '星河数字科技有限公司+会费', payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' } });
    // v2: the order states the term it pays, as membership asked (a new membership, active from payment).
    const issuedFirst = of('billing.PaymentOrderIssued', (d) => d.applicationId === first.app.applicationId)[0];
    expect(issuedFirst.schemaVersion).toBe(2);
    expect(issuedFirst.data).toMatchObject({ coverage: { kind: 'new', termStart: first.app.termStart, termEnd: first.app.termEnd, activeFromPayment: true, startsNextYear: false } });
    const own = await issuer.token(first.app.institutionId, ['institution']);
    const mine = await get(`/api/v1/billing/orders/${first.order.orderId}`, own);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ status: 'unpaid', amountDueFen: 1800000, invoiceTitle: '星河数字科技有限公司', creditCode: first.app.creditCode });
    const stranger = await issuer.token(randomUUID(), ['institution']);
    expect((await get(`/api/v1/billing/orders/${first.order.orderId}`, stranger)).statusCode).toBe(404);
    expect((await get('/api/v1/billing/orders', stranger)).json().items).toEqual([]);
  });

  it('the order (and so the invoice) takes the schedule\'s names, never the application\'s, and the paid term of a December joiner', async () => {
    const forged = await submit('普通会员图书馆', { qualificationCode: 'ordinary', qualificationName: '理事单位（特级会员）', staffTierName: '万人以上', years: 1, termStart: '2027-01-01', termEnd: '2027-12-31' });
    expect(forged.order).toMatchObject({ amountDueFen: 100000 });
    const own = await issuer.token(forged.app.institutionId, ['institution']);
    const order = (await get(`/api/v1/billing/orders/${forged.order.orderId}`, own)).json();
    expect(order).toMatchObject({ qualificationName: '普通单位会员', staffTierName: '1-30人', termStart: '2027-01-01', termEnd: '2027-12-31' });
    // The payment instructions carry the December joiner's paid year and that the membership is active from payment.
    const issuedLate = of('billing.PaymentOrderIssued', (d) => d.applicationId === forged.app.applicationId)[0];
    expect(issuedLate).toMatchObject({ schemaVersion: 2, data: { coverage: { kind: 'new', termStart: '2027-01-01', termEnd: '2027-12-31', activeFromPayment: true, startsNextYear: true } } });

    // Staff and quotes see which fees are placeholders, and the term policy of the version in effect.
    const schedule = (await app.inject({ method: 'GET', url: '/api/v1/billing/fee-schedule' })).json();
    const entries = schedule.versions[0].entries as Array<{ qualificationCode: string; placeholder: boolean }>;
    expect(entries.filter((e) => e.placeholder).length).toBeGreaterThan(0);
    expect(schedule.versions[0].termPolicy).toEqual({ lateJoinCutoff: '12-01' });
    const q = (await app.inject({ method: 'GET', url: '/api/v1/billing/quotes?qualificationCode=ordinary&staffTierCode=1-30&years=1' })).json();
    expect(q).toMatchObject({ qualificationName: '普通单位会员', placeholder: false, termEnd: expect.stringMatching(/^\d{4}-12-31$/) });
    const options = (await app.inject({ method: 'GET', url: '/api/v1/billing/qualifications' })).json();
    expect(options.termPolicy).toEqual({ lateJoinCutoff: '12-01' });
    expect(options.qualifications.flatMap((x: { tiers: Array<{ placeholder: boolean }> }) => x.tiers).some((t: { placeholder: boolean }) => t.placeholder)).toBe(true);
    const announced = await eventually(() => seen.find((e) => e.type === 'billing.FeeScheduleVersionPublished' && e.schemaVersion === 2), { timeoutMs: 60000, what: 'the default schedule announced (v2)' });
    expect(announced.data).toMatchObject({ versionId: '2026-01', termPolicy: { lateJoinCutoff: '12-01' } });

    // A version published before v2 existed (no marker) is announced once more as v2, once.
    const fees = app.get(FeeSchedules);
    expect(await fees.announceUnannouncedVersions()).toBe(0);
    await db.pool.query(`delete from billing_fee_schedule_announced where version_id = '2026-01'`);
    expect(await fees.announceUnannouncedVersions()).toBe(1);
    expect(await fees.announceUnannouncedVersions()).toBe(0);
    const again = await eventually(() => seen.find((e) => e.type === 'billing.FeeScheduleVersionPublished' && (e.data as { publishedBy: string }).publishedBy === 'system:fee-schedule-v2'), {
      timeoutMs: 60000,
      what: 'the re-announcement',
    });
    expect(again).toMatchObject({ schemaVersion: 2, data: { versionId: '2026-01', termPolicy: { lateJoinCutoff: '12-01' } } });
    expect((again.data as { entries: Array<{ placeholder: boolean }> }).entries.some((e) => e.placeholder)).toBe(true);
  });

  it('auto-matches a real-looking GBK transfer (full-width ＋, a space, no payment code): paid, then the e-invoice with PDF and XML', async () => {
    bobStatement = bobCsv([['BOB0000000101', '18,000.00', '6222020200112233445', '星河数字科技有限公司', '星河数字科技有限公司＋ 会费']]);
    const summary = await upload(bobStatement);
    expect(summary).toMatchObject({ profile: 'bank-of-beijing', credits: 2, newCredits: 2, debitsIgnored: 1, autoMatched: 1 });
    const paid = await eventually(() => of('billing.PaymentOrderPaid', (d) => d.orderId === first.order.orderId)[0], { timeoutMs: 60000, what: 'PaymentOrderPaid' });
    expect(paid.data).toMatchObject({ amountPaidFen: 1800000, paidOn: today });
    // Keyed by transfer, so it may arrive on another partition after PaymentOrderPaid.
    const matched = await eventually(() => of('billing.PaymentMatched', (d) => (d.allocations as Array<{ orderId: string }>)[0].orderId === first.order.orderId)[0], { timeoutMs: 30000, what: 'PaymentMatched' });
    expect(matched.data).toMatchObject({ mode: 'auto', allocations: [{ orderId: first.order.orderId, amountFen: 1800000 }] });
    const invoice = await eventually(() => of('billing.InvoiceIssued', (d) => d.orderId === first.order.orderId)[0], { timeoutMs: 60000, what: 'InvoiceIssued' });
    const data = invoice.data as { invoiceId: string; invoiceNumber: string; buyerName: string; amountFen: number; documents: Array<{ format: string; contentBase64: string }> };
    expect(data).toMatchObject({ buyerName: '星河数字科技有限公司', amountFen: 1800000, amountInWords: '壹万捌仟元整' });
    expect(data.invoiceNumber).toMatch(/^\d{2}112\d{15}$/);
    const pdf = Buffer.from(data.documents.find((d) => d.format === 'pdf')!.contentBase64, 'base64');
    const text = (await pdfParse(pdf)).text;
    expect(text).toContain('星河数字科技有限公司');
    expect(text).toContain('壹万捌仟元整');
    const own = await issuer.token(first.app.institutionId, ['institution']);
    const download = await get(`/api/v1/billing/invoices/${data.invoiceId}/documents/xml`, own);
    expect(download.statusCode).toBe(200);
    expect(download.body).toContain('星河数字科技有限公司');
    expect((await get(`/api/v1/billing/invoices/${data.invoiceId}/documents/pdf`, await issuer.token(randomUUID(), ['institution']))).statusCode).toBe(404);
  });

  it('recognises the same statement uploaded again: no new transfers', async () => {
    const before = await eventually(() => of('billing.TransferImported', () => true).length >= 2 && of('billing.TransferImported', () => true).length, { timeoutMs: 30000, what: 'first TransferImported' });
    const summary = await upload(bobStatement);
    expect(summary).toMatchObject({ credits: 2, newCredits: 0, duplicates: 2, autoMatched: 0 });
    const count = await db.pool.query('select count(*)::int as n from billing_transfers');
    expect(count.rows[0].n).toBe(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(of('billing.TransferImported', () => true).length).toBe(before);
  });

  it('puts an ambiguous transfer in the review queue with reasons; finance confirms it and the order is paid', async () => {
    // Two open orders of the same institution for the same amount (a duplicate application): a tie, never a silent pick.
    const a = await submit('晨光图书馆', { years: 1 });
    const b = await submit('晨光图书馆', { years: 1, institutionId: a.app.institutionId });
    const summary = await upload(bobCsv([['BOB0000000201', '6,000.00', '6222000099998888', '李明', '晨光图书馆会费']]));
    expect(summary).toMatchObject({ newCredits: 1, suggested: 1, autoMatched: 0 });
    const queue = (await get('/api/v1/billing/review-queue', finance)).json().items;
    const item = queue.find((t: { remark: string }) => t.remark === '晨光图书馆会费');
    expect(item.candidates.map((c: { orderId: string }) => c.orderId).sort()).toEqual([a.order.orderId, b.order.orderId].sort());
    expect(item.candidates[0].reasons.join(' ')).toContain('金额');
    const institution = await issuer.token(a.app.institutionId, ['institution']);
    expect((await post(`/api/v1/billing/transfers/${item.transferId}/confirmation`, institution, { orderId: a.order.orderId })).statusCode).toBe(403);
    const confirmed = await post(`/api/v1/billing/transfers/${item.transferId}/confirmation`, finance, { orderId: a.order.orderId });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ status: 'matched', orders: [{ orderId: a.order.orderId, status: 'paid' }] });
    expect((await post(`/api/v1/billing/transfers/${item.transferId}/confirmation`, finance, { orderId: a.order.orderId })).json()).toMatchObject({ code: 'TRANSFER_ALREADY_MATCHED' });
    await eventually(() => of('billing.PaymentOrderPaid', (d) => d.orderId === a.order.orderId)[0], { timeoutMs: 60000, what: 'PaymentOrderPaid after confirmation' });
    // The confirmed payer is learned for that institution.
    const learned = await db.pool.query('select account from billing_payer_accounts where institution_id = $1', [a.app.institutionId]);
    expect(learned.rows).toEqual([{ account: '6222000099998888' }]);
  });

  it('a partial payment leaves the remainder due; the remainder pays the order', async () => {
    const c = await submit('远航教育科技有限公司');
    const s1 = await upload(bobCsv([['BOB0000000301', '10,000.00', '6222000033334444', '远航教育科技有限公司', `远航教育科技有限公司会费 ${c.order.paymentCode}`]]));
    // An amount short of the order is not booked blindly: finance confirms the suggestion.
    const t1 = (await db.pool.query(`select transfer_id, status from billing_transfers where bank_reference = 'BOB0000000301'`)).rows[0];
    expect(t1.status).toBe('suggested');
    expect((await post(`/api/v1/billing/transfers/${t1.transfer_id}/confirmation`, finance, { orderId: c.order.orderId })).json()).toMatchObject({ orders: [{ status: 'partially_paid' }] });
    expect(s1.newCredits).toBe(1);
    const partial = await eventually(() => of('billing.PaymentOrderPartiallyPaid', (d) => d.orderId === c.order.orderId)[0], { timeoutMs: 60000, what: 'PartiallyPaid' });
    expect(partial.data).toMatchObject({ amountPaidFen: 1000000, amountDueFen: 1800000 });
    const view = (await get(`/api/v1/billing/orders/${c.order.orderId}`, finance)).json();
    expect(view).toMatchObject({ status: 'partially_paid', remainingFen: 800000 });
    await upload(bobCsv([['BOB0000000302', '8,000.00', '6222000033334444', '远航教育科技有限公司', '远航教育科技有限公司+会费（补缴）']]));
    const t2 = (await db.pool.query(`select transfer_id, status from billing_transfers where bank_reference = 'BOB0000000302'`)).rows[0];
    // The remainder, from the account finance just confirmed, is recognised automatically.
    expect(t2.status).toBe('matched');
    const paid = await eventually(() => of('billing.PaymentOrderPaid', (d) => d.orderId === c.order.orderId)[0], { timeoutMs: 60000, what: 'Paid after remainder' });
    expect(paid.data).toMatchObject({ amountPaidFen: 1800000 });
  });

  it('reports a malformed row with its line number and imports the rest', async () => {
    const file = readFileSync(join(__dirname, '../test-fixtures/statements/malformed.csv'));
    const summary = await upload(file, 'malformed.csv');
    expect(summary.rejected.map((r: { lineNumber: number }) => r.lineNumber)).toEqual(expect.arrayContaining([5, 6]));
    expect(summary.rejected.find((r: { lineNumber: number }) => r.lineNumber === 5).reason).toMatch(/日期/);
    expect(summary.newCredits).toBeGreaterThanOrEqual(2);
    const detail = (await get(`/api/v1/billing/statements/${summary.statementId}`, finance)).json();
    expect(detail.rejected.length).toBe(summary.rejected.length);
  });
  const publish = async (topic: string, contract: { type: string }, key: string, data: object, eventId: string = randomUUID()) => {
    await producer.send({ topic, messages: [{ key, value: JSON.stringify({ eventId, type: contract.type, schemaVersion: 1, streamId: key, occurredAt: new Date().toISOString(), correlationId: randomUUID(), data }) }] });
    return eventId;
  };
  /** The router records each handled event in the inbox, in the handler's transaction. */
  const handled = (eventId: string) => eventually(async () => (await db.pool.query('select 1 from es_inbox where event_id = $1', [eventId])).rowCount === 1, { timeoutMs: 60000, what: `event ${eventId} handled` });
  const orderView = async (orderId: string) => (await get(`/api/v1/billing/orders/${orderId}`, finance)).json();

  it('finance publishes a new fee-schedule version; an institution may not; a malformed one is refused field by field', async () => {
    const current = (await get('/api/v1/billing/fee-schedule', finance)).json();
    expect(current.inEffect).toBe('2026-01');
    type Entry = { qualificationCode: string; qualificationName: string; tierCode: string; tierName: string; feePerYearFen: number; placeholder?: boolean };
    const entries = (current.versions.find((v: { versionId: string }) => v.versionId === '2026-01').entries as Entry[]).map((e) => ({
      qualificationCode: e.qualificationCode, qualificationName: e.qualificationName, tierCode: e.tierCode, tierName: e.tierName, feePerYearFen: e.feePerYearFen + 10000,
    }));
    const body = { versionId: '2099-01', effectiveFrom: '2099-01-01', entries };
    const institution = await issuer.token(randomUUID(), ['institution']);
    expect((await post('/api/v1/billing/fee-schedule/versions', institution, body)).statusCode).toBe(403);
    const bad = await post('/api/v1/billing/fee-schedule/versions', finance, { ...body, effectiveFrom: '2099/01/01', entries: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['effectiveFrom', 'entries']));
    const published = await post('/api/v1/billing/fee-schedule/versions', finance, body);
    expect(published.statusCode).toBe(201);
    expect(published.json()).toMatchObject({ inEffect: '2026-01' });
    expect(published.json().versions.map((v: { versionId: string }) => v.versionId)).toEqual(['2026-01', '2099-01']);
    // Not in force yet: today's quote still comes from the version in force.
    expect((await app.inject({ method: 'GET', url: '/api/v1/billing/quotes?qualificationCode=enterprise&staffTierCode=1-30&years=1' })).json()).toMatchObject({ feePerYearFen: 600000, scheduleVersion: '2026-01' });
    const again = await post('/api/v1/billing/fee-schedule/versions', finance, body);
    expect(again.statusCode).toBe(409);
    const announced = await eventually(() => of('billing.FeeScheduleVersionPublished', (d) => d.versionId === '2099-01')[0], { timeoutMs: 60000, what: 'FeeScheduleVersionPublished' });
    expect(announced.data).toMatchObject({ versionId: '2099-01', effectiveFrom: body.effectiveFrom, entries: expect.arrayContaining([expect.objectContaining({ qualificationCode: 'enterprise' })]) });
    expect(of('billing.FeeScheduleVersionPublished', (d) => d.versionId === '2099-01')).toHaveLength(1);

    // Correcting a fee of the version before it takes effect is announced too: the announcement above is stale now.
    const corrected = await post('/api/v1/billing/fee-schedule/versions/2099-01/fee-changes', finance, { qualificationCode: 'enterprise', tierCode: '1-30', feePerYearFen: 650000, reason: '理事会决议' });
    expect(corrected.statusCode).toBeLessThan(300);
    const changed = await eventually(() => of('billing.FeeChanged', (d) => d.versionId === '2099-01')[0], { timeoutMs: 60000, what: 'FeeChanged' });
    expect(changed.data).toMatchObject({ effectiveFrom: '2099-01-01', entry: { qualificationCode: 'enterprise', tierCode: '1-30', feePerYearFen: 650000 }, previousFeePerYearFen: 610000, reason: '理事会决议' });
  });

  it('finance splits one transfer across two orders by hand; a split that does not add up is refused', async () => {
    const a = await submit('分账甲图书馆', { years: 1 });
    const b = await submit('分账乙图书馆', { years: 1, qualificationCode: 'enterprise' });
    await upload(bobCsv([['BOB0000000401', '12,000.00', '6222000055556666', '某市文化局', '代付两单位会费']]));
    const t = (await db.pool.query(`select transfer_id, status from billing_transfers where bank_reference = 'BOB0000000401'`)).rows[0];
    expect(t.status).not.toBe('matched');
    const wrong = await post(`/api/v1/billing/transfers/${t.transfer_id}/manual-match`, finance, { allocations: [{ orderId: a.order.orderId, amountFen: 600000 }, { orderId: b.order.orderId, amountFen: 500000 }] });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().code).toBe('ALLOCATION_TOTAL_MISMATCH');
    const split = await post(`/api/v1/billing/transfers/${t.transfer_id}/manual-match`, finance, { allocations: [{ orderId: a.order.orderId, amountFen: 600000 }, { orderId: b.order.orderId, amountFen: 600000 }] });
    expect(split.statusCode).toBe(201);
    expect(split.json()).toMatchObject({ status: 'matched', orders: [{ orderId: a.order.orderId, status: 'paid' }, { orderId: b.order.orderId, status: 'paid' }] });
    for (const o of [a, b]) await eventually(() => of('billing.PaymentOrderPaid', (d) => d.orderId === o.order.orderId)[0], { timeoutMs: 60000, what: 'PaymentOrderPaid after split' });
    const matched = await eventually(() => of('billing.PaymentMatched', (d) => d.transferId === t.transfer_id)[0], { timeoutMs: 30000, what: 'PaymentMatched (manual)' });
    expect(matched.data).toMatchObject({ mode: 'manual', allocations: [{ orderId: a.order.orderId, amountFen: 600000 }, { orderId: b.order.orderId, amountFen: 600000 }] });
  });

  it('finance reverses a confirmed match: both orders are unpaid again (PaymentReversed), the transfer is open, a second reversal is refused', async () => {
    const t = (await db.pool.query(`select transfer_id, allocations from billing_transfers where bank_reference = 'BOB0000000401'`)).rows[0];
    const orderIds = (t.allocations as Array<{ orderId: string }>).map((x) => x.orderId);
    expect(orderIds).toHaveLength(2);
    const institution = await issuer.token(randomUUID(), ['institution']);
    expect((await post(`/api/v1/billing/transfers/${t.transfer_id}/reversal`, institution, { reason: '误操作' })).statusCode).toBe(403);
    const empty = await post(`/api/v1/billing/transfers/${t.transfer_id}/reversal`, finance, { reason: '' });
    expect(empty.statusCode).toBe(400);
    const res = await post(`/api/v1/billing/transfers/${t.transfer_id}/reversal`, finance, { reason: '代付单位有误' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'unmatched', orders: orderIds.map((orderId) => ({ orderId, status: 'unpaid' })) });
    const rows = await db.pool.query(`select status, amount_paid_fen, paid_on from billing_orders where order_id = any($1::uuid[])`, [orderIds]);
    expect(rows.rows).toEqual([
      { status: 'unpaid', amount_paid_fen: '0', paid_on: null },
      { status: 'unpaid', amount_paid_fen: '0', paid_on: null },
    ]);
    for (const orderId of orderIds) {
      const reversed = await eventually(() => of('billing.PaymentReversed', (d) => d.orderId === orderId)[0], { timeoutMs: 60000, what: 'PaymentReversed' });
      expect(reversed.data).toMatchObject({ transferId: t.transfer_id, amountFen: 600000, amountPaidFen: 0, status: 'unpaid', reason: '代付单位有误' });
    }
    const audit = await db.pool.query(`select event_type, metadata->>'actor' as actor from es_events where stream_id = $1 order by stream_version`, [`transfer-${t.transfer_id}`]);
    expect(audit.rows.map((r) => r.event_type)).toEqual(['TransferMatched', 'TransferMatchReversed']);
    const again = await post(`/api/v1/billing/transfers/${t.transfer_id}/reversal`, finance, { reason: '再次撤销' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('TRANSFER_NOT_MATCHED');
  });

  it('membership.ApplicationCancelled cancels an unpaid order (once, even when redelivered) and leaves a paid one alone', async () => {
    const c = await submit('取消测试图书馆', { years: 1 });
    const cancel = { applicationId: c.app.applicationId, institutionId: c.app.institutionId, reason: '机构取消申请', cancelledAt: new Date().toISOString() };
    await publish(topics.membership, ApplicationCancelled, c.app.applicationId, cancel);
    await publish(topics.membership, ApplicationCancelled, c.app.applicationId, cancel);
    const cancelled = await eventually(() => of('billing.PaymentOrderCancelled', (d) => d.orderId === c.order.orderId)[0], { timeoutMs: 60000, what: 'PaymentOrderCancelled' });
    expect(cancelled.data).toMatchObject({ applicationId: c.app.applicationId, reason: '机构取消申请' });
    expect((await orderView(c.order.orderId)).status).toBe('cancelled');
    // The paid order of the first test is not cancelled.
    await handled(await publish(topics.membership, ApplicationCancelled, first.app.applicationId, { ...cancel, applicationId: first.app.applicationId, institutionId: first.app.institutionId }));
    expect((await orderView(first.order.orderId)).status).toBe('paid');
    expect(of('billing.PaymentOrderCancelled', (d) => d.orderId === c.order.orderId)).toHaveLength(1);
    expect(of('billing.PaymentOrderCancelled', (d) => d.orderId === first.order.orderId)).toHaveLength(0);
  });

  it('identity.InstitutionNameChanged: the new name is current and a transfer under the old name is still recognised', async () => {
    const r = await submit('旧名称文化传播有限公司', { years: 1 });
    await publish(topics.identity, InstitutionNameChanged, r.app.institutionId, { institutionId: r.app.institutionId, previousName: '旧名称文化传播有限公司', name: '新名称文化传播有限公司', changedAt: new Date().toISOString() });
    await eventually(async () => (await db.pool.query('select name from billing_institutions where institution_id = $1', [r.app.institutionId])).rows[0]?.name === '新名称文化传播有限公司', { timeoutMs: 60000, what: 'rename consumed' });
    const aliases = await db.pool.query('select alias, source from billing_aliases where institution_id = $1', [r.app.institutionId]);
    expect(aliases.rows).toEqual([{ alias: '旧名称文化传播有限公司', source: 'former_name' }]);
    const byOld = await upload(bobCsv([['BOB0000000501', '6,000.00', '6222000077778888', '旧名称文化传播有限公司', '旧名称文化传播有限公司+会费']]));
    expect(byOld).toMatchObject({ newCredits: 1, autoMatched: 1 });
    expect((await orderView(r.order.orderId)).status).toBe('paid');
  });

  it('reports: receivables and payments as JSON and as an .xlsx with the same rows; institutions are refused', async () => {
    const institution = await issuer.token(randomUUID(), ['institution']);
    expect((await get('/api/v1/billing/reports/receivables', institution)).statusCode).toBe(403);
    const json = await get('/api/v1/billing/reports/receivables', finance);
    expect(json.statusCode).toBe(200);
    const items = json.json().items as Array<{ orderId: string; outstandingFen: number; amountDueFen: number; amountPaidFen: number }>;
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i.outstandingFen).toBe(i.amountDueFen - i.amountPaidFen);
    expect(items.map((i) => i.orderId)).not.toContain(first.order.orderId); // paid
    const xlsx = await get('/api/v1/billing/reports/receivables?format=xlsx', finance);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as never);
    const sheet = book.worksheets[0];
    // A header, one row per order, then the 合计 row; the order id is the last column.
    expect(sheet.getRow(1).getCell(1).value).toBe('单位名称');
    expect(sheet.rowCount - 2).toBe(items.length);
    expect(sheet.getRow(2).getCell(sheet.columnCount).value).toBe(items[0].orderId);
    const payments = await get(`/api/v1/billing/reports/payments?from=${today}&to=${today}`, finance);
    expect(payments.statusCode).toBe(200);
    expect(payments.json().items.length).toBeGreaterThan(0);
    expect((await get('/api/v1/billing/reports/payments?from=2026/01/01', finance)).statusCode).toBe(400);
  });

  it('finance uploads an invoice issued elsewhere: an XML that disagrees with the order is refused with 422, a matching one is recorded', async () => {
    const o = await submit('外部发票科技有限公司', { years: 1 });
    const xml = (buyer: string, total: string, number: string) =>
      Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<EInvoice>
  <Header><EIid>${number}</EIid></Header>
  <EInvoiceData>
    <BuyerInformation><BuyerIdNum>${o.app.creditCode}</BuyerIdNum><BuyerName>${buyer}</BuyerName></BuyerInformation>
    <BasicInformation><TotalTax-includedAmount>${total}</TotalTax-includedAmount></BasicInformation>
  </EInvoiceData>
  <TaxSupervisionInfo><InvoiceNumber>${number}</InvoiceNumber><IssueTime>${today} 10:00:00</IssueTime></TaxSupervisionInfo>
</EInvoice>`);
    const send = (file: Buffer) => {
      const m = multipart(file, 'invoice.xml');
      return app.inject({ method: 'POST', url: `/api/v1/billing/orders/${o.order.orderId}/invoices`, payload: m.payload, headers: { ...m.headers, authorization: `Bearer ${finance}` } });
    };
    const mismatch = await send(xml('外部发票科技有限公司', '5000.00', '26442000000099990001'));
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().code).toBe('INVOICE_MISMATCH');
    expect(mismatch.json().details.map((d: { field: string }) => d.field)).toContain('totalFen');
    const wrongBuyer = await send(xml('别的公司', '6000.00', '26442000000099990002'));
    expect(wrongBuyer.statusCode).toBe(422);
    const ok = await send(xml('外部发票科技有限公司', '6000.00', '26442000000099990003'));
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ invoiceNumber: '26442000000099990003' });
    expect((await orderView(o.order.orderId)).invoices).toEqual([expect.objectContaining({ invoiceNumber: '26442000000099990003', source: 'uploaded', status: 'valid' })]);
    expect((await send(xml('外部发票科技有限公司', '6000.00', '26442000000099990003'))).json().code).toBe('INVOICE_NUMBER_EXISTS');
  });

  it('re-issues (红冲) an issued invoice: the original is reversed, the new one names it, a second 红冲 of the original is refused', async () => {
    const original = (await orderView(first.order.orderId)).invoices.find((i: { status: string }) => i.status === 'valid');
    expect((await post(`/api/v1/billing/invoices/${original.invoiceId}/reissue`, finance, { reason: '' })).statusCode).toBe(400);
    const res = await post(`/api/v1/billing/invoices/${original.invoiceId}/reissue`, finance, { reason: '购买方名称有误' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ correctsInvoiceId: original.invoiceId });
    const after = (await orderView(first.order.orderId)).invoices;
    expect(after).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ invoiceId: original.invoiceId, status: 'reversed' }),
        expect.objectContaining({ invoiceId: res.json().invoiceId, status: 'valid', correctsInvoiceId: original.invoiceId }),
      ]),
    );
    const reissued = await eventually(() => of('billing.InvoiceIssued', (d) => d.invoiceId === res.json().invoiceId)[0], { timeoutMs: 60000, what: 'InvoiceIssued (re-issue)' });
    expect(reissued.data).toMatchObject({ correctsInvoiceId: original.invoiceId, amountFen: 1800000 });
    expect(BigInt((reissued.data as { invoiceNumber: string }).invoiceNumber)).toBeGreaterThan(BigInt(original.invoiceNumber));
    const voided = await eventually(() => of('billing.InvoiceReversed', (d) => d.invoiceId === original.invoiceId)[0], { timeoutMs: 60000, what: 'InvoiceReversed' });
    expect(voided.data).toMatchObject({ invoiceNumber: original.invoiceNumber, reason: '购买方名称有误', replacedByInvoiceId: res.json().invoiceId });
    const twice = await post(`/api/v1/billing/invoices/${original.invoiceId}/reissue`, finance, { reason: '再次红冲' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('INVOICE_ALREADY_REVERSED');
  });
});
