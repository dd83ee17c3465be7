import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Contract, IntegrationEvent } from '@lsc/contracts';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { AppModule } from '../app.module';
import { loadMembershipConfig, type MembershipConfig } from '../config';
import { topicsFor, type MembershipTopics } from '../topics';
import { startTestIssuer, type TestIssuer } from './jwt';

/**
 * The membership service as deployed, on its own database and its own suffixed topics of the local broker, with a
 * test token issuer, a producer standing in for identity and billing, and a consumer recording membership's events.
 */
export interface Harness {
  app: NestFastifyApplication;
  db: TestDatabase;
  config: MembershipConfig;
  topics: MembershipTopics;
  issuer: TestIssuer;
  /** Membership's published integration events seen so far. */
  published: IntegrationEvent[];
  publish<T extends object>(contract: Contract<string, T>, data: T, options?: { eventId?: string; key?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const suffix = `.${uniqueName('ms')}`;
  const kafka: Kafka = testKafka();
  const issuer = await startTestIssuer();
  const db = await createTestDatabase('membership');
  try {
    return await boot(env, suffix, kafka, issuer, db);
  } catch (err) {
    await issuer.close();
    await db.drop();
    throw err;
  }
}

async function boot(env: Record<string, string>, suffix: string, kafka: Kafka, issuer: TestIssuer, db: TestDatabase): Promise<Harness> {
  const config = loadMembershipConfig({
    // Never listened on: requests go through app.inject.
    HTTP_PORT: '3999',
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    JWT_JWKS_URL: issuer.jwksUrl,
    KAFKA_TOPIC_SUFFIX: suffix,
    LIFECYCLE_INTERVAL_MS: '0',
    ...env,
  });
  const topics = topicsFor(config);
  const all = [topics.identity, topics.billing, topics.membership];
  await createTestTopics(kafka, all, { partitions: 3, withDeadLetter: true });

  const published: IntegrationEvent[] = [];
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('ms-observer') });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.membership, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void published.push(JSON.parse(message.value!.toString()) as IntegrationEvent) });

  const producer: Producer = kafka.producer();
  await producer.connect();

  const app = await createServiceApp(AppModule.register(config), config, { consumer: { groupId: uniqueName('membership') } });
  await app.startAllMicroservices();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  return {
    app,
    db,
    config,
    topics,
    issuer,
    published,
    async publish(contract, data, options = {}) {
      const eventId = options.eventId ?? randomUUID();
      const topic = contract.topic + suffix;
      const key = options.key ?? (data as { applicationId?: string; institutionId?: string }).applicationId ?? (data as { institutionId?: string }).institutionId ?? eventId;
      const event: IntegrationEvent = { eventId, type: contract.type, schemaVersion: contract.schemaVersion, streamId: key, occurredAt: new Date().toISOString(), correlationId: `test-${eventId.slice(0, 8)}`, data };
      await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(event) }] });
      return eventId;
    },
    async close() {
      await app.close();
      await consumer.disconnect();
      await producer.disconnect();
      await issuer.close();
      await deleteTestTopics(kafka, all.flatMap((t) => [t, `${t}.dlt`]));
      await db.drop();
    },
  };
}
