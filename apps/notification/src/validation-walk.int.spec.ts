import { randomUUID } from 'node:crypto';
import { walkValidation } from '@lsc/testing';
import { startNotificationTestbed, type NotificationTestbed } from './testing/notification-harness';

/**
 * Issue #24 items 10 and 16: every route of notification, walked with the bad input an end user can send (see
 * walkValidation): never a 5xx, every 4xx in Chinese, each fault said once, each message naming its field, every
 * pagination parameter bounded.
 */
describe('notification: every route answers bad input in Chinese, once per fault, naming the field', () => {
  let t: NotificationTestbed;
  beforeAll(async () => {
    t = await startNotificationTestbed('walk');
  });
  afterAll(() => t?.close());

  it('walks every route', async () => {
    const report = await walkValidation({ app: t.app, tokenFor: (roles) => t.tokens.sign({ sub: randomUUID(), roles }) });
    expect(report.routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining([expect.stringMatching(/^GET \/api\/v1\/notification\//)]));
    console.info(`notification: ${report.routes.length} routes, ${report.requests} requests, ${report.findings.length} findings`);
    expect(report.findings).toEqual([]);
  }, 120_000);
});
