/**
 * Helpers for integration tests against the real PostgreSQL, Kafka and Redis on loopback: every test gets its own
 * database and topics, so test files can run in parallel and leave nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client, Pool } from 'pg';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A password made up for this test run, so no working credential is ever committed (issue #25 item 11): 15 characters
 * of four classes, accepted by the registration and the staff password rules and rated 强.
 */
export const testPassword = (): string => `Tp#${randomBytes(5).toString('hex')}Q9`;

export const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toLowerCase();

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** Creates a fresh database (optionally running DDL in it) and returns a pool to it. */
export async function createTestDatabase(prefix: string, ddl?: string, poolSize = 10): Promise<TestDatabase> {
  const name = uniqueName(`t_${prefix}`);
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const pool = new Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);
  if (ddl) await pool.query(ddl);
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      const c = new Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

export function testKafka(clientId = uniqueName('test')): Kafka {
  return new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
}

/** Creates topics (and their .dlt twins if asked) with the given partitions; returns their names. */
export async function createTestTopics(kafka: Kafka, names: string[], options: { partitions?: number; withDeadLetter?: boolean } = {}): Promise<string[]> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const all = names.flatMap((n) => (options.withDeadLetter ? [n, `${n}.dlt`] : [n]));
    await admin.createTopics({ topics: all.map((topic) => ({ topic, numPartitions: options.partitions ?? 3 })), waitForLeaders: true });
    return all;
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTestTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Polls until check() returns a truthy value or the timeout passes (then throws with the last value described). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20000);
  let last: unknown;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as T;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
  throw new Error(`timed out waiting for ${options.what ?? 'condition'} (last: ${JSON.stringify(last)})`);
}
export * from './jwt';

export { DisposableStack, SERVICES, REPO, httpReady, processCpuSeconds, threadCpuSeconds, type ServiceName, type StackPorts } from './stack';
export { PatientUser, TryAgain, CREDIT_CODE, type JourneyEnv, type JourneyRecord } from './patient-user';
export { journeyStatement, yuanText } from './bank-statement';
export * from './validation-walk';
export * from './dto-text-walk';
export * from './openapi-document';
