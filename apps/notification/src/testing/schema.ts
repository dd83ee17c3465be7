import type { QueryRunner } from 'typeorm';
import type { TestDatabase } from '@lsc/testing';
import { NotificationSchema1764300000000 } from '../migrations/1764300000000-notification-schema';

/** Applies the service's own migration to a bare test database (for store-level tests without the app). */
export async function applyNotificationSchema(db: TestDatabase): Promise<void> {
  await new NotificationSchema1764300000000().up({ query: (sql: string) => db.pool.query(sql) } as unknown as QueryRunner);
}
