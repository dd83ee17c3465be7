import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, testKafka, uniqueName, walkValidation, type TestDatabase } from '@lsc/testing';
import { AppModule } from './app.module';
import { loadBillingConfig } from './config';
import { configureBillingApp } from './http/configure';
import { startTestIssuer, type TestIssuer } from './testing/jwt';

/**
 * Issue #24 items 10 and 16: every route of billing, walked with the bad input an end user can send (see
 * walkValidation): never a 5xx, every 4xx in Chinese, each fault said once, each message naming its field, every
 * pagination parameter bounded. HTTP only: no consumer (events are not what is walked); own topics, so whatever the
 * walk makes billing publish stays out of the shared ones.
 */
describe('billing: every route answers bad input in Chinese, once per fault, naming the field', () => {
  const kafka = testKafka();
  const topics = { membership: uniqueName('walk_membership'), identity: uniqueName('walk_identity'), billing: uniqueName('walk_billing') };
  let db: TestDatabase;
  let issuer: TestIssuer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await createTestTopics(kafka, Object.values(topics), { partitions: 1 });
    db = await createTestDatabase('billing_walk');
    issuer = await startTestIssuer();
    const config = loadBillingConfig({ DATABASE_URL: db.url, HTTP_PORT: '3999', LOG_LEVEL: 'warn', JWT_JWKS_URL: issuer.jwksUrl, MEMBERSHIP_TOPIC: topics.membership, IDENTITY_TOPIC: topics.identity, BILLING_TOPIC: topics.billing });
    app = await createServiceApp(AppModule.register(config), config, { configureApp: configureBillingApp(config) });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.close();
    await deleteTestTopics(kafka, Object.values(topics));
    await db?.drop();
  });

  it('walks every route', async () => {
    const report = await walkValidation({ app, tokenFor: (roles) => issuer.token(randomUUID(), roles) });
    expect(report.routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /api/v1/billing/orders']));
    console.info(`billing: ${report.routes.length} routes, ${report.requests} requests, ${report.findings.length} findings`);
    expect(report.findings).toEqual([]);
  }, 120_000);
});
