import { Kafka, logLevel, type Admin } from 'kafkajs';
import Redis from 'ioredis';
import type { Logger } from 'pino';

export const KAFKA = Symbol('KAFKA');
export const REDIS = Symbol('REDIS');
export const LOGGER = Symbol('LOGGER');

const kafkaLogLevel: Record<string, logLevel> = { fatal: logLevel.ERROR, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.WARN, debug: logLevel.DEBUG, trace: logLevel.DEBUG, silent: logLevel.NOTHING };

/** A KafkaJS client whose logs go through the service's pino logger. */
export function createKafka(clientId: string, brokers: string, logger: Logger, level = 'info'): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: kafkaLogLevel[level] ?? logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      const fn = entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
      logger[fn]({ kafka: entry.namespace, ...extra }, message);
    },
    retry: { initialRetryTime: 300, retries: 8 },
  });
}

export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 2000 });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
  return redis;
}

/** Shared admin connection used by health checks and lag sampling; reconnects on demand. */
export class KafkaAdminHandle {
  private admin?: Admin;
  private connecting?: Promise<Admin>;

  constructor(private readonly kafka: Kafka) {}

  async get(): Promise<Admin> {
    if (this.admin) return this.admin;
    this.connecting ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 1 } });
      await admin.connect();
      this.admin = admin;
      return admin;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
