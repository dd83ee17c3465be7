import { invoiceIssued, newInstitution, publish } from './testing/events';
import { mailsTo } from './testing/mailbox';
import { startNotificationTestbed, type NotificationTestbed } from './testing/notification-harness';

/**
 * A consumed event wakes the delivery worker once its delivery row has committed: the mail leaves at once, not at the
 * next poll. The poll is set to a minute here, so only the wake-up can deliver within the test's deadline.
 */
describe('delivery worker woken by committed deliveries (real Kafka, PostgreSQL, SMTP catcher)', () => {
  let bed: NotificationTestbed;

  beforeAll(async () => {
    bed = await startNotificationTestbed('nudge', { DELIVERY_POLL_MS: '60000' });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('mails the registration welcome and an invoice within seconds although the worker polls once a minute', async () => {
    const inst = newInstitution();
    await publish(bed.producer, bed.topics.identity, inst.registered);
    const invoice = invoiceIssued(inst.institutionId);
    await publish(bed.producer, bed.topics.billing, invoice.event);
    const deadline = Date.now() + 20_000;
    let subjects: string[] = [];
    while (Date.now() < deadline) {
      subjects = (await mailsTo(bed.dir, inst.email)).map((m) => m.subject ?? '');
      if (subjects.some((s) => /发票/.test(s)) && subjects.some((s) => /注册|欢迎/.test(s))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(subjects.filter((s) => /发票/.test(s))).toHaveLength(1);
    expect(subjects.filter((s) => /注册|欢迎/.test(s))).toHaveLength(1);
  });
});
