import { rmSync } from 'node:fs';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { eventually, testKafka, type TestDatabase } from '@lsc/testing';
import { startCatcher, tempMailDir, type RunningCatcher } from './mail/mail-test-helpers';
import { buildNotification, startChildService, type ChildService } from './testing/child-service';
import { connectedProducer, invoiceIssued, newInstitution, publish } from './testing/events';
import { allMails, mailsTo, sha256 } from './testing/mailbox';
import { createNotificationInfra, notificationEnv, type TestTopics } from './testing/notification-harness';

/**
 * Crashes and outages with the built service in separate processes (SIGKILL is real), real Kafka, PostgreSQL and
 * SMTP. The invariant: every mail the issue asks for arrives exactly once.
 */
describe('notification faults (child processes, real Kafka/PostgreSQL/SMTP)', () => {
  const kafka = testKafka();
  let infra: Awaited<ReturnType<typeof createNotificationInfra>>;
  let topics: TestTopics;
  let db: TestDatabase;
  let catcher: RunningCatcher | undefined;
  let port: number;
  let dir: string;
  let producer: Producer;
  const children: ChildService[] = [];

  beforeAll(async () => {
    buildNotification();
    dir = tempMailDir();
    [infra, catcher] = await Promise.all([createNotificationInfra(kafka, 'notif_fault'), startCatcher({ port: 0, dir })]);
    port = catcher.port;
    ({ topics, db } = infra);
    producer = await connectedProducer(kafka);
  });

  afterAll(async () => {
    for (const c of children) await c.kill();
    await producer?.disconnect();
    await catcher?.close();
    await infra?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  // One consumer group for the whole file: each child continues where the previous one committed.
  const env = (extra: Record<string, string> = {}) => notificationEnv({ db, topics, smtpPort: port, extra: { KAFKA_CONSUMER_GROUP: `${db.name}_g`, DELIVERY_LEASE_MS: '3000', ...extra } });
  const start = async (extra?: Record<string, string>) => {
    const child = await startChildService(env(extra), { mayDie: Boolean(extra?.NOTIFICATION_FAULT) });
    children.push(child);
    return child;
  };
  const statuses = async (keys: string[]) => (await db.pool.query('select source_key, template, status, attempts, last_error, message_id from notification_deliveries where source_key = any($1)', [keys])).rows;

  it('killed (SIGKILL) between claim and send, then restarted: exactly one mail each', async () => {
    const inst = newInstitution();
    const invoice = invoiceIssued(inst.institutionId);
    const keys = [inst.registered.eventId, invoice.event.eventId];

    // 1. Consume only, so both deliveries exist before any worker claims.
    const consumer = await start({ DELIVERY_WORKER: 'off' });
    await publish(producer, topics.identity, inst.registered);
    await publish(producer, topics.billing, invoice.event);
    await eventually(async () => (await statuses(keys)).length === 2 || undefined, { timeoutMs: 60000, what: 'both deliveries to be recorded' });
    expect(await consumer.kill('SIGTERM')).toBe('exit 0');

    // 2. A worker that SIGKILLs itself right after its claim commits.
    const doomed = await start({ NOTIFICATION_FAULT: 'after_claim' });
    expect(await doomed.exited).toBe('SIGKILL');
    const claimed = await statuses(keys);
    expect(claimed.map((r) => [r.status, r.attempts])).toEqual([
      ['sending', 1],
      ['sending', 1],
    ]);
    expect(await mailsTo(dir, inst.email)).toHaveLength(0);

    // 3. Restarted: the lease runs out, the deliveries are claimed again and sent once.
    const survivor = await start();
    await eventually(async () => (await statuses(keys)).every((r) => r.status === 'sent') || undefined, { timeoutMs: 60000, what: 'both mails to be sent after the restart' });
    await new Promise((r) => setTimeout(r, 4000)); // beyond another lease: nothing else may arrive
    const mails = await mailsTo(dir, inst.email);
    expect(mails).toHaveLength(2);
    const invoiceMail = mails.find((m) => m.attachments.length === 2)!;
    expect(sha256(invoiceMail.attachments[0].content)).toBe(sha256(invoice.pdf));
    expect((await statuses(keys)).map((r) => r.attempts)).toEqual([2, 2]);
    await survivor.kill('SIGTERM');
  });

  it('killed after the SMTP server accepted but before "sent" was recorded: the documented window — one resend, same Message-ID', async () => {
    const inst = newInstitution();
    const keys = [inst.registered.eventId];
    const doomed = await start({ NOTIFICATION_FAULT: 'after_send' });
    await publish(producer, topics.identity, inst.registered);
    expect(await doomed.exited).toBe('SIGKILL');
    expect(await mailsTo(dir, inst.email)).toHaveLength(1);

    const survivor = await start();
    await eventually(async () => (await statuses(keys))[0]?.status === 'sent' || undefined, { timeoutMs: 60000, what: 'the delivery to be recorded as sent' });
    const mails = await mailsTo(dir, inst.email);
    expect(mails).toHaveLength(2);
    expect(mails[0].messageId).toBe(mails[1].messageId);
    await survivor.kill('SIGTERM');
  });

  it('PostgreSQL unreachable between the SMTP acceptance and the "sent" record, for longer than the lease: recorded when it returns, mailed once', async () => {
    // An SMTP server that, on receiving the mail, cuts the service off its database (connections killed, new ones
    // refused) for 4 s before answering 250 — the window a PostgreSQL restart opens in production.
    const received: string[] = [];
    let armed = true;
    const admin = new Client({ connectionString: db.url.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    const cutOff = async () => {
      await admin.query(`alter database "${db.name}" allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [db.name]);
      setTimeout(() => void admin.query(`alter database "${db.name}" allow_connections true`), 4000);
    };
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          const before = armed ? cutOff() : Promise.resolve();
          armed = false;
          before.then(() => callback(), callback);
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    let service: ChildService | undefined;
    try {
      const inst = newInstitution();
      const keys = [inst.registered.eventId];
      service = await startChildService(notificationEnv({ db, topics, smtpPort, extra: { KAFKA_CONSUMER_GROUP: `${db.name}_g`, DELIVERY_LEASE_MS: '1000' } }));
      await publish(producer, topics.identity, inst.registered);
      await eventually(async () => (await statuses(keys).catch(() => []))[0]?.status === 'sent' || undefined, { timeoutMs: 60000, what: 'the delivery to be recorded as sent after the outage' });
      await new Promise((r) => setTimeout(r, 4000)); // beyond more leases and backoffs: nothing else may arrive
      const mine = received.filter((raw) => raw.includes(inst.email));
      expect(mine).toHaveLength(1);
      expect(service.output()).toMatch(/not yet recorded; retrying the record/);
      expect(await service.kill('SIGTERM')).toBe('exit 0');
    } finally {
      await service?.kill();
      await admin.query(`alter database "${db.name}" allow_connections true`);
      await admin.end();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('SMTP server down for 30 s: mails are sent after it returns, none lost, none doubled', async () => {
    const service = await start();
    await catcher!.close();
    catcher = undefined;
    const before = (await allMails(dir)).length;

    const institutions = Array.from({ length: 4 }, () => newInstitution());
    const invoices = institutions.map((i) => invoiceIssued(i.institutionId));
    await publish(producer, topics.identity, ...institutions.map((i) => i.registered));
    await publish(producer, topics.billing, ...invoices.map((i) => i.event));
    const keys = [...institutions.map((i) => i.registered.eventId), ...invoices.map((i) => i.event.eventId)];

    await new Promise((r) => setTimeout(r, 30000));
    const during = await statuses(keys);
    expect(during).toHaveLength(8);
    for (const row of during) {
      expect(row.status).not.toBe('sent');
      expect(row.status).not.toBe('failed');
      expect(row.attempts).toBeGreaterThan(1);
    }
    expect(during.some((r) => /ECONNREFUSED|connect/i.test(r.last_error ?? ''))).toBe(true);

    catcher = await startCatcher({ port, dir });
    await eventually(async () => (await statuses(keys)).every((r) => r.status === 'sent') || undefined, { timeoutMs: 60000, what: 'every mail to be sent after the outage' });
    await new Promise((r) => setTimeout(r, 3000));
    expect((await allMails(dir)).length - before).toBe(8);
    for (const [i, inst] of institutions.entries()) {
      const mails = await mailsTo(dir, inst.email);
      expect(mails).toHaveLength(2);
      expect(sha256(mails.find((m) => m.attachments.length === 2)!.attachments[0].content)).toBe(sha256(invoices[i].pdf));
    }
    await service.kill('SIGTERM');
  });
});
