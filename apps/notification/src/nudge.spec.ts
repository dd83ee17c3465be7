import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Producer } from 'kafkajs';
import { testKafka } from '@lsc/testing';
import { startCatcher, tempMailDir, type RunningCatcher } from './mail/mail-test-helpers';
import { connectedProducer, invoiceIssued, newInstitution, publish } from './testing/events';
import { mailsTo } from './testing/mailbox';
import { createNotificationInfra, notificationEnv, startNotificationApp } from './testing/notification-harness';
import { startStaffTokens, type StaffTokens } from './testing/staff-tokens';

/**
 * A consumed event wakes the delivery worker once its delivery row has committed: the mail leaves at once, not at the
 * next poll. The poll is set to a minute here, so only the wake-up can deliver within the test's deadline.
 */
describe('delivery worker woken by committed deliveries (real Kafka, PostgreSQL, SMTP catcher)', () => {
  const kafka = testKafka();
  let infra: Awaited<ReturnType<typeof createNotificationInfra>>;
  let catcher: RunningCatcher;
  let tokens: StaffTokens;
  let dir: string;
  let app: NestFastifyApplication;
  let producer: Producer;

  beforeAll(async () => {
    dir = tempMailDir();
    [infra, catcher, tokens] = await Promise.all([createNotificationInfra(kafka, 'nudge'), startCatcher({ port: 0, dir }), startStaffTokens()]);
    ({ app } = await startNotificationApp({ ...notificationEnv({ db: infra.db, topics: infra.topics, smtpPort: catcher.port, jwksUrl: tokens.jwksUrl }), DELIVERY_POLL_MS: '60000' }));
    producer = await connectedProducer(kafka);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await catcher?.close();
    await tokens?.close();
    await infra?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mails the registration welcome and an invoice within seconds although the worker polls once a minute', async () => {
    const inst = newInstitution();
    await publish(producer, infra.topics.identity, inst.registered);
    const invoice = invoiceIssued(inst.institutionId);
    await publish(producer, infra.topics.billing, invoice.event);
    const deadline = Date.now() + 20_000;
    let subjects: string[] = [];
    while (Date.now() < deadline) {
      subjects = (await mailsTo(dir, inst.email)).map((m) => m.subject ?? '');
      if (subjects.some((s) => /发票/.test(s)) && subjects.some((s) => /注册|欢迎/.test(s))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(subjects.filter((s) => /发票/.test(s))).toHaveLength(1);
    expect(subjects.filter((s) => /注册|欢迎/.test(s))).toHaveLength(1);
  });
});
