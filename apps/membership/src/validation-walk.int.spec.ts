import { randomUUID } from 'node:crypto';
import { walkValidation } from '@lsc/testing';
import { startHarness, type Harness } from './testing/harness';

/**
 * Issue #24 items 10 and 16: every route of membership, walked with the bad input an end user can send (see
 * walkValidation): never a 5xx, every 4xx in Chinese, each fault said once, each message naming its field, every
 * pagination parameter bounded.
 */
describe('membership: every route answers bad input in Chinese, once per fault, naming the field', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('walks every route', async () => {
    const report = await walkValidation({ app: h.app, tokenFor: (roles) => h.issuer.token(randomUUID(), roles) });
    expect(report.routes.length).toBeGreaterThan(10);
    console.info(`membership: ${report.routes.length} routes, ${report.requests} requests, ${report.findings.length} findings`);
    expect(report.findings).toEqual([]);
  }, 120_000);
});
