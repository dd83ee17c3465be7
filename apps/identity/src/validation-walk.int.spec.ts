import { randomUUID } from 'node:crypto';
import { walkValidation } from '@lsc/testing';
import { AccessTokenIssuer } from './auth';
import { startIdentity, type IdentityHarness } from './testing/harness';

/**
 * Issue #24 item 10: every route of identity, walked with the bad input an end user can send (see walkValidation):
 * never a 5xx, every 4xx in Chinese, each fault said once, each message naming its field.
 */
describe('identity: every route answers bad input in Chinese, once per fault, naming the field', () => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentity('walk');
  });
  afterAll(() => h?.close());

  it('walks every route', async () => {
    const issuer = h.app.get(AccessTokenIssuer);
    const report = await walkValidation({ app: h.app, tokenFor: async (roles) => (await issuer.issue({ sub: randomUUID(), roles })).accessToken });
    expect(report.routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/identity/institutions', 'POST /api/v1/identity/sms-codes', 'PATCH /api/v1/identity/me']));
    console.info(`identity: ${report.routes.length} routes, ${report.requests} requests, ${report.findings.length} findings`);
    expect(report.findings).toEqual([]);
  }, 120_000);
});
