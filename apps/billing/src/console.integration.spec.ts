import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Consumer, Producer } from 'kafkajs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApplicationSubmitted, StaffAccountChanged, type IntegrationEvent } from '@lsc/contracts';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadBillingConfig } from './config';
import { configureBillingApp } from './http/configure';
import { REPORT_CLOCK } from './reports/clock';
import { startTestIssuer, type TestIssuer } from './testing/jwt';
import { bobCreditsCsv, shanghaiToday, uploadStatement } from './testing/imports';

/**
 * What the staff console (issue #23) needs from billing, over real PostgreSQL, Kafka and Redis: 非会费款项, the
 * enriched review queue, 账龄 on Shanghai dates, and exports people can read (元, Chinese labels, staff names, 合计).
 */
describe('billing for the staff console (real PostgreSQL + Kafka)', () => {
  jest.setTimeout(120000);
  const kafka = testKafka();
  const topics = { membership: uniqueName('membership'), identity: uniqueName('identity'), billing: uniqueName('billing') };
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let issuer: TestIssuer;
  let producer: Producer;
  let consumer: Consumer;
  const seen: IntegrationEvent[] = [];
  const financeId = randomUUID();
  let finance: string;
  // The reports' clock: real time unless a test stands somewhere else.
  let now: Date | undefined;

  const upload = (file: Buffer) => uploadStatement(app, (url) => get(url), finance, file);
  const get = (url: string, token = finance) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const post = (url: string, payload: object, token = finance) => app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });
  const of = (type: string, pred: (d: Record<string, unknown>) => boolean) => seen.filter((e) => e.type === type && pred(e.data as Record<string, unknown>));
  const send = (topic: string, type: string, key: string, data: object) =>
    producer.send({ topic, messages: [{ key, value: JSON.stringify({ eventId: randomUUID(), type, schemaVersion: 1, streamId: key, occurredAt: new Date().toISOString(), correlationId: randomUUID(), data }) }] });

  const submit = async (institutionName: string, overrides: Partial<typeof ApplicationSubmitted.example> = {}) => {
    const data = { ...ApplicationSubmitted.example, applicationId: randomUUID(), institutionId: randomUUID(), institutionName, invoiceTitle: institutionName, submittedAt: new Date().toISOString(), ...overrides };
    await send(topics.membership, ApplicationSubmitted.type, data.applicationId, data);
    const issued = await eventually(() => of('billing.PaymentOrderIssued', (d) => d.applicationId === data.applicationId)[0], { timeoutMs: 60000, what: 'PaymentOrderIssued' });
    return { app: data, order: issued.data as { orderId: string; amountDueFen: number; paymentCode: string } };
  };
  const today = shanghaiToday();
  const bobCsv = (rows: Array<[string, string, string, string, string]>) => bobCreditsCsv(rows, today);
  const xlsx = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as never);
    const sheet = book.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => Object.fromEntries(headers.map((h, c) => [h, sheet.getRow(i + 2).getCell(c + 1).value])));
    return { sheet, headers, rows };
  };

  beforeAll(async () => {
    await createTestTopics(kafka, Object.values(topics), { partitions: 3, withDeadLetter: true });
    db = await createTestDatabase('billing');
    issuer = await startTestIssuer();
    finance = await issuer.token(financeId, ['finance']);
    const config = loadBillingConfig({ DATABASE_URL: db.url, HTTP_PORT: '3999', LOG_LEVEL: 'warn', JWT_JWKS_URL: issuer.jwksUrl, MEMBERSHIP_TOPIC: topics.membership, IDENTITY_TOPIC: topics.identity, BILLING_TOPIC: topics.billing });
    const module = AppModule.register(config);
    module.providers!.push({ provide: REPORT_CLOCK, useValue: () => now ?? new Date() });
    app = await createServiceApp(module, config, { consumer: { groupId: uniqueName('billing') }, configureApp: configureBillingApp(config) });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: uniqueName('observer') });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.billing, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString())) });
    // identity announces the finance clerk's display name; billing keeps it for 确认人.
    await send(topics.identity, StaffAccountChanged.type, financeId, { ...StaffAccountChanged.example, accountId: financeId, username: 'caiwu_wang', displayName: '王会计', status: 'active', change: 'password_set', changedAt: new Date().toISOString() });
    await eventually(async () => (await db.pool.query('select display_name from billing_staff where account_id = $1', [financeId])).rows[0]?.display_name === '王会计', { timeoutMs: 60000, what: 'staff name consumed' });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await issuer?.close();
    await deleteTestTopics(kafka, Object.values(topics).flatMap((t) => [t, `${t}.dlt`]));
    await db?.drop();
  });

  let bookCredit: { transferId: string };

  it('review queue: each candidate comes with the institution name, the order amount and state; confirming names the clerk in the payments export', async () => {
    const a = await submit('晨光图书馆', { years: 1 });
    const b = await submit('晨光图书馆', { years: 1, institutionId: a.app.institutionId });
    const summary = await upload(
      bobCsv([
        ['BOBC0000000201', '6,000.00', '6222000099998888', '李明', '晨光图书馆会费'],
        ['BOBC0000000202', '350.00', '6222000011112222', '某某书店', '图书款'],
      ]),
    );
    expect(summary).toMatchObject({ newCredits: 2, suggested: 1 });
    const item = (await get('/api/v1/billing/review-queue')).json().items.find((t: { remark: string }) => t.remark === '晨光图书馆会费');
    expect(item.statusLabel).toBe('待确认');
    expect(item.candidates).toHaveLength(2);
    for (const c of item.candidates) expect(c.order).toMatchObject({ institutionName: '晨光图书馆', amountDueFen: 600000, amountPaidFen: 0, status: 'unpaid', statusLabel: '未付款', paymentCode: expect.any(String) });
    expect((await post(`/api/v1/billing/transfers/${item.transferId}/confirmation`, { orderId: b.order.orderId })).statusCode).toBe(201);
    const detail = (await get(`/api/v1/billing/transfers/${item.transferId}`)).json();
    expect(detail).toMatchObject({ status: 'matched', matchModeLabel: '人工匹配', decidedByName: '王会计', allocations: [{ orderId: b.order.orderId, order: { institutionName: '晨光图书馆' } }] });
    expect(detail.history.map((h: { type: string }) => h.type)).toEqual(['TransferMatched']);
    expect(detail.history[0]).toMatchObject({ actor: financeId, actorName: '王会计' });

    const { headers, rows } = await xlsx(`/api/v1/billing/reports/payments?from=${today}&to=${today}&format=xlsx`);
    expect(headers).toEqual(['到账日期', '付款人', '单位名称', '分配金额(元)', '到账金额(元)', '匹配方式', '确认人', '缴费单号', '到账编号']);
    const row = rows.find((r) => r['到账编号'] === item.transferId)!;
    expect(row).toMatchObject({ '分配金额(元)': 6000, '匹配方式': '人工匹配', '确认人': '王会计', '单位名称': '晨光图书馆' });
    expect(rows.at(-1)).toMatchObject({ '到账日期': '合计（1笔）', '分配金额(元)': 6000 });
  });

  it('非会费款项: a 图书款 credit leaves the unmatched list and report, is audited and published; undo puts it back', async () => {
    const unmatched = (await get('/api/v1/billing/unmatched-transfers')).json().items;
    bookCredit = unmatched.find((t: { remark: string }) => t.remark === '图书款');
    expect(bookCredit).toBeDefined();
    expect((await post(`/api/v1/billing/transfers/${bookCredit.transferId}/set-aside`, { reason: '' })).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const institution = await issuer.token(randomUUID(), ['institution']);
    expect((await post(`/api/v1/billing/transfers/${bookCredit.transferId}/set-aside`, { reason: '图书款' }, institution)).statusCode).toBe(403);
    const res = await post(`/api/v1/billing/transfers/${bookCredit.transferId}/set-aside`, { reason: '图书款，非会费' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ transferId: bookCredit.transferId, status: 'set_aside' });
    expect((await post(`/api/v1/billing/transfers/${bookCredit.transferId}/set-aside`, { reason: '再次' })).json().code).toBe('TRANSFER_ALREADY_SET_ASIDE');
    expect((await get('/api/v1/billing/unmatched-transfers')).json().items.map((t: { transferId: string }) => t.transferId)).not.toContain(bookCredit.transferId);
    expect((await get('/api/v1/billing/reports/unmatched-transfers')).json().items.map((t: { transferId: string }) => t.transferId)).not.toContain(bookCredit.transferId);
    const published = await eventually(() => of('billing.TransferSetAside', (d) => d.transferId === bookCredit.transferId)[0], { timeoutMs: 60000, what: 'TransferSetAside' });
    expect(published.data).toMatchObject({ amountFen: 35000, reason: '图书款，非会费', setAsideBy: financeId, payerName: '某某书店' });
    const detail = (await get(`/api/v1/billing/transfers/${bookCredit.transferId}`)).json();
    expect(detail).toMatchObject({ status: 'set_aside', statusLabel: '非会费款项', setAsideReason: '图书款，非会费', setAsideByName: '王会计' });
    const listed = (await get('/api/v1/billing/transfers?status=set_aside')).json();
    expect(listed.items.map((t: { transferId: string }) => t.transferId)).toEqual([bookCredit.transferId]);

    const undo = await post(`/api/v1/billing/transfers/${bookCredit.transferId}/set-aside/undo`, { reason: '核实后为会费' });
    expect(undo.json()).toEqual({ transferId: bookCredit.transferId, status: 'unmatched' });
    await eventually(() => of('billing.TransferSetAsideUndone', (d) => d.transferId === bookCredit.transferId)[0], { timeoutMs: 60000, what: 'TransferSetAsideUndone' });
    expect((await get('/api/v1/billing/unmatched-transfers')).json().items.map((t: { transferId: string }) => t.transferId)).toContain(bookCredit.transferId);
    const history = (await get(`/api/v1/billing/transfers/${bookCredit.transferId}`)).json().history;
    expect(history.map((h: { type: string; actorName: string }) => [h.type, h.actorName])).toEqual([
      ['TransferSetAside', '王会计'],
      ['TransferSetAsideUndone', '王会计'],
    ]);
  });

  it('finds open orders by name, payment code or amount in 元 for a manual match', async () => {
    const o = await submit('北辰文献信息中心', { years: 1 });
    const byName = (await get(`/api/v1/billing/order-search?q=${encodeURIComponent('北辰文献')}`)).json().items;
    expect(byName.map((x: { orderId: string }) => x.orderId)).toEqual([o.order.orderId]);
    expect((await get(`/api/v1/billing/order-search?q=${o.order.paymentCode.toLowerCase()}`)).json().items[0]).toMatchObject({ orderId: o.order.orderId, institutionName: '北辰文献信息中心' });
    expect((await get('/api/v1/billing/order-search?q=6000.00')).json().items.map((x: { orderId: string }) => x.orderId)).toContain(o.order.orderId);
    expect((await get('/api/v1/billing/order-search?q=')).statusCode).toBe(400);
  });

  it('receivables: 账龄 on Shanghai dates at 00:30 Shanghai time (never -1); the XLSX has 元, Chinese states and a 合计 row', async () => {
    const late = await submit('深夜开单图书馆', { years: 1 });
    const yesterday = await submit('昨日开单图书馆', { years: 1 });
    // Issued at 00:10 Shanghai on 3 March (16:10 UTC on 2 March) and at 23:50 Shanghai on 2 March.
    await db.pool.query(`update billing_orders set issued_at = '2027-03-02T16:10:00Z' where order_id = $1`, [late.order.orderId]);
    await db.pool.query(`update billing_orders set issued_at = '2027-03-02T15:50:00Z' where order_id = $1`, [yesterday.order.orderId]);
    now = new Date('2027-03-02T16:30:00Z'); // 00:30 on 3 March in Shanghai, still 2 March in UTC
    try {
      const items = (await get('/api/v1/billing/reports/receivables')).json().items as Array<{ orderId: string; ageDays: number; issuedOn: string; statusLabel: string }>;
      expect(items.find((i) => i.orderId === late.order.orderId)).toMatchObject({ issuedOn: '2027-03-03', ageDays: 0, statusLabel: '未付款' });
      expect(items.find((i) => i.orderId === yesterday.order.orderId)).toMatchObject({ issuedOn: '2027-03-02', ageDays: 1 });
      for (const i of items) expect(i.ageDays).toBeGreaterThanOrEqual(0);

      const { headers, rows } = await xlsx('/api/v1/billing/reports/receivables?format=xlsx');
      expect(headers).toEqual(['单位名称', '缴费码', '状态', '应付(元)', '已付(元)', '未付(元)', '开单日期', '账龄(天)', '账龄区间', '缴费单号']);
      const body = rows.slice(0, -1);
      expect(body).toHaveLength(items.length);
      expect(body.find((r) => r['缴费单号'] === late.order.orderId)).toMatchObject({ '单位名称': '深夜开单图书馆', '状态': '未付款', '应付(元)': 6000, '已付(元)': 0, '账龄(天)': 0, '账龄区间': '30天以内' });
      for (const r of body) {
        expect(['未付款', '部分付款']).toContain(r['状态']);
        expect(r['账龄(天)'] as number).toBeGreaterThanOrEqual(0);
      }
      const totalDue = body.reduce((s, r) => s + (r['应付(元)'] as number), 0);
      expect(rows.at(-1)).toMatchObject({ '单位名称': `合计（${body.length}笔）`, '应付(元)': totalDue });
      const { sheet } = await xlsx('/api/v1/billing/reports/receivables?format=xlsx');
      expect(sheet.getColumn(4).numFmt).toBe('#,##0.00');

      const byAge = (await get('/api/v1/billing/reports/receivables-by-age')).json().items;
      expect(byAge.map((b: { bucket: string }) => b.bucket)).toEqual(['30天以内', '31-90天', '91-180天', '181-365天', '一年以上']);
      expect(byAge.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(items.length);
    } finally {
      now = undefined;
    }
  });

  it('charts: income by month and match rate per statement', async () => {
    const income = (await get('/api/v1/billing/reports/income?unit=month')).json();
    expect(income.items).toEqual([{ period: today.slice(0, 7), amountFen: 600000, count: 1 }]);
    expect((await get('/api/v1/billing/reports/income?unit=week')).statusCode).toBe(400);
    const rate = (await get('/api/v1/billing/reports/match-rate')).json().items;
    expect(rate[0]).toMatchObject({ auto: 0, manual: 1, open: 1, setAside: 0 });
  });

  it('follow-up mail about an unmatched credit: finance only, only a transfer id and an institution, the mail’s content from billing’s record with the account masked', async () => {
    const inst = await submit('西山文献馆', { years: 1 });
    const summary = await upload(bobCsv([['BOBC0000000901', '1,234.00', '6222000055554321', '王五', '西山会费']]));
    expect(summary).toMatchObject({ newCredits: 1, unmatched: 1 });
    const credit = (await get('/api/v1/billing/unmatched-transfers')).json().items.find((t: { remark: string }) => t.remark === '西山会费');
    const url = `/api/v1/billing/transfers/${credit.transferId}/follow-ups`;
    const ask = { institutionId: inst.app.institutionId };
    // The console finds whom to ask among the institutions billing knows.
    expect((await get(`/api/v1/billing/institution-search?q=${encodeURIComponent('西山')}`)).json().items).toEqual([{ institutionId: inst.app.institutionId, name: '西山文献馆' }]);

    // The society's address is finance's to use: a member admin (or super admin, or an institution) is refused.
    for (const roles of [['member_admin'], ['super_admin'], ['institution']]) expect((await post(url, ask, await issuer.token(randomUUID(), roles))).statusCode).toBe(403);
    // A body that brings its own transfer, amount or payee is refused, naming the field.
    const forged = await post(url, { ...ask, amountFen: 1, payerName: '中国图书馆学会财务处', payerAccount: '6222999988887777', transfer: { amountFen: 1 } });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['amountFen', 'payerName', 'payerAccount', 'transfer']));
    expect(forged.json().message).toMatch(/不支持的字段/);
    expect((await post(url, {})).json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'institutionId' })] });
    expect((await post(url, { institutionId: randomUUID() })).json()).toMatchObject({ code: 'INSTITUTION_NOT_FOUND', details: [expect.objectContaining({ field: 'institutionId' })] });
    expect((await post(`/api/v1/billing/transfers/${randomUUID()}/follow-ups`, ask)).statusCode).toBe(404);

    const first = await post(url, ask);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ created: true, followUp: { transferId: credit.transferId, institutionId: inst.app.institutionId, institutionName: '西山文献馆', amountFen: 123400, payerName: '王五', payerAccountMasked: '****4321', remark: '西山会费', bankReference: 'BOBC0000000901', requestedBy: financeId } });
    const again = await post(url, ask);
    expect(again.json()).toMatchObject({ created: false, followUp: { followUpId: first.json().followUp.followUpId } });

    const published = await eventually(() => of('billing.TransferFollowUpRequested', (d) => d.transferId === credit.transferId)[0], { timeoutMs: 60000, what: 'TransferFollowUpRequested' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(of('billing.TransferFollowUpRequested', (d) => d.transferId === credit.transferId)).toHaveLength(1);
    expect(published.data).toEqual(first.json().followUp);
    expect(JSON.stringify(published.data)).not.toContain('62220000555');
    const history = (await get(`/api/v1/billing/transfers/${credit.transferId}`)).json().history;
    expect(history.map((h: { type: string; actorName: string }) => [h.type, h.actorName])).toEqual([['TransferFollowUpRequested', '王会计']]);

    // A credit that is no longer open needs no question.
    expect((await post(`/api/v1/billing/transfers/${credit.transferId}/set-aside`, { reason: '退款' })).statusCode).toBe(200);
    const other = await submit('东岳文献馆', { years: 1 });
    expect((await post(url, { institutionId: other.app.institutionId })).json()).toMatchObject({ code: 'TRANSFER_NOT_OPEN' });
  });
});
