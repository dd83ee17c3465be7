import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rmSync } from 'node:fs';
import type { Kafka, Producer } from 'kafkajs';
import { createServiceApp } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { AppModule } from '../app.module';
import { loadNotificationConfig, type NotificationConfig } from '../config';
import { startCatcher, tempMailDir, type RunningCatcher } from '../mail/mail-test-helpers';
import { connectedProducer } from './events';
import { startStaffTokens, type StaffTokens } from './staff-tokens';

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

export interface NotificationTestbed {
  topics: TestTopics;
  db: TestDatabase;
  catcher: RunningCatcher;
  tokens: StaffTokens;
  /** The SMTP catcher's directory of received .eml files. */
  dir: string;
  app: NestFastifyApplication;
  producer: Producer;
  close(): Promise<void>;
}

/** Own topics and database, an SMTP catcher, staff tokens, the app and a producer: what an end-to-end spec of the service needs. */
export async function startNotificationTestbed(prefix: string, extraEnv: Record<string, string> = {}): Promise<NotificationTestbed> {
  const kafka = testKafka();
  const dir = tempMailDir();
  const [infra, catcher, tokens] = await Promise.all([createNotificationInfra(kafka, prefix), startCatcher({ port: 0, dir }), startStaffTokens()]);
  const { app } = await startNotificationApp({ ...notificationEnv({ db: infra.db, topics: infra.topics, smtpPort: catcher.port, jwksUrl: tokens.jwksUrl }), ...extraEnv });
  const producer = await connectedProducer(kafka);
  return {
    topics: infra.topics,
    db: infra.db,
    catcher,
    tokens,
    dir,
    app,
    producer,
    async close() {
      await producer.disconnect();
      await app.close();
      await catcher.close();
      await tokens.close();
      await infra.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
