import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApplicationSubmitted, type IntegrationEvent } from '@lsc/contracts';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadBillingConfig } from './config';
import { configureBillingApp } from './http/configure';
import type { ImportJobView } from './imports/jobs/import-jobs';
import { startTestIssuer, type TestIssuer } from './testing/jwt';

/**
 * A large statement through the API as the console sends it (issue #23): the upload answers 202 at once, the worker
 * imports the file in the background, the progress endpoint rises to 100 %, and the result is the statement's figures.
 * IMPORT_TEST_LINES=100000 measures the 100,000-line case.
 */
describe('statement import as a background job (real PostgreSQL + Kafka)', () => {
  jest.setTimeout(600000);
  const LINES = Number(process.env.IMPORT_TEST_LINES ?? 20000);
  const kafka = testKafka();
  const topics = { membership: uniqueName('membership'), identity: uniqueName('identity'), billing: uniqueName('billing') };
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let issuer: TestIssuer;
  let producer: Producer;
  let consumer: Consumer;
  const seen: IntegrationEvent[] = [];
  let finance: string;

  const get = (url: string, token = finance) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const boundary = 'lscboundary';
  const uploadRequest = (file: Buffer, token = finance) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/billing/statements',
      payload: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="large.csv"\r\nContent-Type: text/csv\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    await createTestTopics(kafka, Object.values(topics), { partitions: 3, withDeadLetter: true });
    db = await createTestDatabase('billing_imports');
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

  const submit = async (institutionName: string) => {
    const data = { ...ApplicationSubmitted.example, applicationId: randomUUID(), institutionId: randomUUID(), institutionName, invoiceTitle: institutionName, years: 1, submittedAt: new Date().toISOString() };
    await producer.send({ topic: topics.membership, messages: [{ key: data.applicationId, value: JSON.stringify({ eventId: randomUUID(), type: ApplicationSubmitted.type, schemaVersion: 1, streamId: data.applicationId, occurredAt: data.submittedAt, correlationId: randomUUID(), data }) }] });
    const issued = await eventually(() => seen.find((e) => e.type === 'billing.PaymentOrderIssued' && (e.data as { applicationId: string }).applicationId === data.applicationId), { timeoutMs: 60000, what: 'PaymentOrderIssued' });
    return { name: institutionName, ...(issued.data as { orderId: string; amountDueFen: number; paymentCode: string }) };
  };

  it(`a ${LINES}-line statement: 202 at once, progress rising to 100 %, the result and the statement's figures agree`, async () => {
    const paying = [await submit('甲市图书馆'), await submit('乙市图书馆'), await submit('丙市图书馆')];
    const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
    const rows = ['交易日期,交易流水号,收入金额,支出金额,对方单位名称,对方账号,用途'];
    for (let i = 0; i < LINES; i++) rows.push(`${today},BIG${i},${100 + (i % 97)}.${String(i % 100).padStart(2, '0')},,某某书店${i % 300},62220000${String(i).padStart(8, '0')},图书款`);
    // Each order paid by its code somewhere in the file; two rows repeated; one debit; one impossible date (line 1002).
    paying.forEach((o, i) => rows.splice(1 + Math.floor(((i + 1) * LINES) / 4), 0, `${today},PAY${i},${String(o.amountDueFen).slice(0, -2)}.${String(o.amountDueFen).slice(-2)},,${o.name},62220999${i},${o.name}会费 ${o.paymentCode}`));
    rows.push(`${today},BIG7,107.07,,某某书店7,6222000000000007,图书款`, `${today},BIG8,108.08,,某某书店8,6222000000000008,图书款`, `${today},FEE1,,12.00,银行,,手续费`);
    rows.splice(1001, 0, `2026-02-30,BAD1,50.00,,某某书店,6222000000000099,图书款`);
    const file = Buffer.from(rows.join('\r\n'));

    const started = performance.now();
    const accepted = await uploadRequest(file);
    const answeredMs = performance.now() - started;
    expect(accepted.statusCode).toBe(202);
    const { importId } = accepted.json();
    expect(accepted.json()).toMatchObject({ importId, statementId: importId, state: expect.stringMatching(/^(queued|running)$/), filename: 'large.csv' });

    const percents: number[] = [];
    const states = new Set<string>();
    let view!: ImportJobView;
    for (;;) {
      const res = await get(`/api/v1/billing/statement-imports/${importId}`);
      expect(res.statusCode).toBe(200);
      view = res.json();
      percents.push(view.progress.percent);
      states.add(view.state);
      if (view.state === 'done' || view.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`statement import: ${LINES + 7} lines, upload answered in ${answeredMs.toFixed(0)} ms, done after ${seconds.toFixed(1)} s`);
    expect(view.state).toBe('done');
    expect(states).toContain('running');
    expect(percents.at(-1)).toBe(100);
    expect(percents.slice(1).every((p, i) => p >= percents[i]!)).toBe(true);
    // Rising through the chunks, not jumping from 0 to 100.
    expect(new Set(percents.filter((p) => p > 0 && p < 100)).size).toBeGreaterThanOrEqual(3);

    const credits = LINES + 3 + 2;
    expect(view.progress).toMatchObject({ totalLines: LINES + 7, parsedLines: LINES + 7, creditLines: credits, persistedLines: credits, matchedLines: 3 });
    expect(view.result).toMatchObject({ statementId: importId, lines: LINES + 7, credits, newCredits: credits - 2, duplicates: 2, debitsIgnored: 1, autoMatched: 3, balanceCheck: expect.any(String) });
    expect(view.result!.suggested + view.result!.unmatched).toBe(LINES);
    expect(view.result!.rejected).toEqual([expect.objectContaining({ lineNumber: 1002, reason: expect.stringMatching(/日期/) })]);

    const statement = (await get(`/api/v1/billing/statements/${importId}`)).json();
    expect(statement).toMatchObject({ lines: view.result!.lines, credits, newCredits: view.result!.newCredits, duplicates: 2, autoMatched: 3, suggested: view.result!.suggested, unmatched: view.result!.unmatched });
    expect(statement.rows).toHaveLength(credits - 2);
    for (const o of paying) await eventually(() => seen.find((e) => e.type === 'billing.PaymentOrderPaid' && (e.data as { orderId: string }).orderId === o.orderId), { timeoutMs: 60000, what: `${o.name} paid` });
  });

  it('the progress is finance’s: a member admin gets 403, an unknown import 404', async () => {
    const memberAdmin = await issuer.token(randomUUID(), ['member_admin']);
    expect((await get(`/api/v1/billing/statement-imports/${randomUUID()}`, memberAdmin)).statusCode).toBe(403);
    expect((await uploadRequest(Buffer.from('x'), memberAdmin)).statusCode).toBe(403);
    const missing = await get(`/api/v1/billing/statement-imports/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/[\u4e00-\u9fff]/);
  });
});
