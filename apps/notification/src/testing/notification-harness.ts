import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kafka } from 'kafkajs';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, uniqueName, type TestDatabase } from '@lsc/testing';
import { AppModule } from '../app.module';
import { loadNotificationConfig, type NotificationConfig } from '../config';

export interface TestTopics {
  identity: string;
  membership: string;
  billing: string;
}

/** Own topics (with .dlt twins) and an own database per test file, so suites never see each other's events. */
export async function createNotificationInfra(kafka: Kafka, prefix: string): Promise<{ topics: TestTopics; db: TestDatabase; cleanup(): Promise<void> }> {
  const topics = { identity: uniqueName(`${prefix}_identity`), membership: uniqueName(`${prefix}_membership`), billing: uniqueName(`${prefix}_billing`) };
  const all = await createTestTopics(kafka, Object.values(topics), { partitions: 3, withDeadLetter: true });
  const db = await createTestDatabase(prefix);
  return {
    topics,
    db,
    async cleanup() {
      await deleteTestTopics(kafka, all);
      await db.drop();
    },
  };
}

/** Environment for a notification process (in-process app or a child running dist/apps/notification/main.js). */
export function notificationEnv(o: { db: TestDatabase; topics: TestTopics; smtpPort: number; jwksUrl?: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    DATABASE_URL: o.db.url,
    IDENTITY_TOPIC: o.topics.identity,
    MEMBERSHIP_TOPIC: o.topics.membership,
    BILLING_TOPIC: o.topics.billing,
    SMTP_PORT: String(o.smtpPort),
    SMTP_TIMEOUT_MS: '3000',
    DELIVERY_POLL_MS: '200',
    DELIVERY_BACKOFF_BASE_MS: '200',
    DELIVERY_BACKOFF_MAX_MS: '2000',
    DELIVERY_MAX_ATTEMPTS: '60',
    LOG_LEVEL: 'warn',
    KAFKA_CONSUMER_GROUP: uniqueName('notification'),
    ...(o.jwksUrl ? { JWT_JWKS_URL: o.jwksUrl } : {}),
    ...o.extra,
  };
}

/** Boots the real AppModule (HTTP + Kafka consumer + delivery worker) in this process, on a free port (listen(0)). */
export async function startNotificationApp(env: Record<string, string>): Promise<{ app: NestFastifyApplication; config: NotificationConfig }> {
  const config = loadNotificationConfig(env);
  const app = await createServiceApp(AppModule.register(config), config, { consumer: { groupId: config.KAFKA_CONSUMER_GROUP } });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return { app, config };
}
