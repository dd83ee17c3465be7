import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApplicationSubmitted, StaffAccountChanged, type IntegrationEvent } from '@lsc/contracts';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadBillingConfig } from './config';
import { configureBillingApp } from './http/configure';
import { startTestIssuer, type TestIssuer } from './testing/jwt';
import { bobCreditsCsv, shanghaiToday, uploadStatement } from './testing/imports';

/**
 * 双人复核 (issue #25 item 6) over real PostgreSQL, Kafka and Redis, with FOUR_EYES_FEN = 5000.00元: credits above it
 * are booked only after a second, different finance user approves. (Unset, confirmations book at once: the console
 * and billing integration specs run without it and confirm 6000元 credits immediately.)
 */
describe('billing four-eyes approval above FOUR_EYES_FEN (real PostgreSQL + Kafka)', () => {
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
  const secondId = randomUUID();
  let finance: string;
  let second: string;

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
  beforeAll(async () => {
    await createTestTopics(kafka, Object.values(topics), { partitions: 3, withDeadLetter: true });
    db = await createTestDatabase('billing');
    issuer = await startTestIssuer();
    finance = await issuer.token(financeId, ['finance']);
    second = await issuer.token(secondId, ['finance']);
    const config = loadBillingConfig({ DATABASE_URL: db.url, HTTP_PORT: '3999', LOG_LEVEL: 'warn', JWT_JWKS_URL: issuer.jwksUrl, MEMBERSHIP_TOPIC: topics.membership, IDENTITY_TOPIC: topics.identity, BILLING_TOPIC: topics.billing, FOUR_EYES_FEN: '500000' });
    const module = AppModule.register(config);
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

  const orderStatus = async (orderId: string) => (await db.pool.query('select status, amount_paid_fen from billing_orders where order_id = $1', [orderId])).rows[0];

  it('an import never books a credit above the limit: it waits in the review queue; one finance user proposes, the same user cannot approve, a second one books it', async () => {
    const a = await submit('青松图书馆', { years: 1 });
    // Payer and remark as for an automatic match (institution name + 会费), 6000元 > 5000元.
    const summary = await upload(bobCsv([['BOBF000000001', '6,000.00', '6222000055556666', '青松图书馆', '青松图书馆＋会费']]));
    expect(summary).toMatchObject({ newCredits: 1, autoMatched: 0, suggested: 1 });
    const item = (await get('/api/v1/billing/review-queue')).json().items.find((t: { remark: string }) => t.remark === '青松图书馆＋会费');
    expect(item).toMatchObject({ status: 'suggested', pendingMatch: null });
    expect(item.notes).toContain('金额超过双人复核限额：须由财务确认，并由另一位财务人员审批后入账');
    expect(await orderStatus(a.order.orderId)).toMatchObject({ status: 'unpaid' });

    const proposed = await post(`/api/v1/billing/transfers/${item.transferId}/confirmation`, { orderId: a.order.orderId });
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json()).toEqual({ transferId: item.transferId, status: 'pending_approval', orders: [] });
    expect(await orderStatus(a.order.orderId)).toMatchObject({ status: 'unpaid', amount_paid_fen: '0' });
    const queued = (await get('/api/v1/billing/review-queue')).json().items.find((t: { transferId: string }) => t.transferId === item.transferId);
    expect(queued).toMatchObject({ status: 'pending_approval', statusLabel: '待审批（双人复核）', pendingMatch: { proposedBy: financeId, allocations: [{ orderId: a.order.orderId, amountFen: 600000 }] } });
    // Nothing else can be done to it meanwhile, and the proposer cannot approve their own proposal.
    expect((await post(`/api/v1/billing/transfers/${item.transferId}/confirmation`, { orderId: a.order.orderId }, second)).json().code).toBe('TRANSFER_NOT_OPEN');
    const own = await post(`/api/v1/billing/transfers/${item.transferId}/approval`, {});
    expect(own.statusCode).toBe(409);
    expect(own.json()).toMatchObject({ code: 'SAME_APPROVER', message: '不能审批自己提交的匹配：须由另一位财务人员审批' });
    expect((await post(`/api/v1/billing/transfers/${item.transferId}/approval`, {}, await issuer.token(randomUUID(), ['super_admin']))).statusCode).toBe(403);
    expect(await orderStatus(a.order.orderId)).toMatchObject({ status: 'unpaid' });

    const approved = await post(`/api/v1/billing/transfers/${item.transferId}/approval`, {}, second);
    expect(approved.statusCode).toBe(201);
    expect(approved.json()).toEqual({ transferId: item.transferId, status: 'matched', orders: [{ orderId: a.order.orderId, status: 'paid' }] });
    const matched = await eventually(() => of('billing.PaymentMatched', (d) => d.transferId === item.transferId)[0], { timeoutMs: 60000, what: 'PaymentMatched' });
    expect(matched.data).toMatchObject({ allocations: [{ orderId: a.order.orderId, amountFen: 600000 }] });
    const detail = (await get(`/api/v1/billing/transfers/${item.transferId}`)).json();
    expect(detail).toMatchObject({ status: 'matched', pendingMatch: null, decidedBy: secondId });
    expect(detail.history.map((h: { type: string; actor: string }) => [h.type, h.actor])).toEqual([
      ['TransferMatchProposed', financeId],
      ['TransferMatchApproved', secondId],
      ['TransferMatched', secondId],
    ]);
    expect((await post(`/api/v1/billing/transfers/${item.transferId}/approval`, {}, second)).json().code).toBe('NO_PENDING_APPROVAL');
  });

  it('a manual match above the limit waits; the second finance user can send it back (open again, nothing paid); below the limit a match books at once', async () => {
    const b = await submit('松涛文献馆', { years: 1 });
    const c = await submit('竹影图书室', { years: 1 });
    await upload(bobCsv([
      ['BOBF000000002', '6,000.00', '6222000077778888', '张三', '转账'],
      ['BOBF000000003', '3,000.00', '6222000077779999', '李四', '转账'],
    ]));
    const open = (await get('/api/v1/billing/unmatched-transfers')).json().items as Array<{ transferId: string; amountFen: number; payerName: string }>;
    const big = open.find((t) => t.payerName === '张三')!;
    const small = open.find((t) => t.payerName === '李四')!;

    expect((await post(`/api/v1/billing/transfers/${big.transferId}/manual-match`, { allocations: [{ orderId: b.order.orderId, amountFen: 600000 }] }, second)).json()).toMatchObject({ status: 'pending_approval' });
    expect((await post(`/api/v1/billing/transfers/${big.transferId}/approval-rejection`, { reason: '' })).json().code).toBe('VALIDATION_FAILED');
    expect((await post(`/api/v1/billing/transfers/${big.transferId}/approval-rejection`, { reason: '付款人与单位不符' }, second)).json().code).toBe('SAME_APPROVER');
    const back = await post(`/api/v1/billing/transfers/${big.transferId}/approval-rejection`, { reason: '付款人与单位不符' });
    expect(back.json()).toEqual({ transferId: big.transferId, status: 'unmatched', orders: [] });
    expect(await orderStatus(b.order.orderId)).toMatchObject({ status: 'unpaid' });
    const detail = (await get(`/api/v1/billing/transfers/${big.transferId}`)).json();
    expect(detail.notes).toContain('双人复核退回：付款人与单位不符');
    expect(detail.history.map((h: { type: string }) => h.type)).toEqual(['TransferMatchProposed', 'TransferMatchProposalRejected']);

    // 3000元 is under the limit: booked at once by one finance user, as without FOUR_EYES_FEN.
    const now = await post(`/api/v1/billing/transfers/${small.transferId}/manual-match`, { allocations: [{ orderId: c.order.orderId, amountFen: 300000 }] });
    expect(now.json()).toEqual({ transferId: small.transferId, status: 'matched', orders: [{ orderId: c.order.orderId, status: 'partially_paid' }] });
  });
});
