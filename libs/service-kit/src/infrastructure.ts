import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { BaseServiceConfig } from './config';
import { fixKafkaJsIdleLoop } from './kafkajs-idle-loop';

export const KAFKA = Symbol('KAFKA');
export const REDIS = Symbol('REDIS');
export const LOGGER = Symbol('LOGGER');

const kafkaLogLevel: Record<string, logLevel> = { fatal: logLevel.ERROR, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.WARN, debug: logLevel.DEBUG, trace: logLevel.DEBUG, silent: logLevel.NOTHING };

export type KafkaConnectionSettings = Pick<BaseServiceConfig, 'KAFKA_BROKERS' | 'KAFKA_SSL' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>;

/**
 * Where and how to connect, as kafkajs takes it: brokers, TLS (with the cluster CA when a file is given) and SASL.
 * Every kafkajs client of a service is built from these, so all of them can reach a Strimzi SCRAM-over-TLS listener.
 */
export function kafkaConnectionOptions(settings: KafkaConnectionSettings, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> = { brokers: settings.KAFKA_BROKERS.split(',').map((b) => b.trim()) };
  if (settings.KAFKA_SSL) {
    if (settings.KAFKA_SSL_CA_FILE) {
      let ca: string;
      try {
        ca = readFile(settings.KAFKA_SSL_CA_FILE);
      } catch (err) {
        throw new Error(`KAFKA_SSL_CA_FILE ${settings.KAFKA_SSL_CA_FILE} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      }
      options.ssl = { ca: [ca], rejectUnauthorized: true };
    } else {
      options.ssl = true;
    }
  }
  if (settings.KAFKA_SASL_MECHANISM) {
    if (!settings.KAFKA_SASL_USERNAME || !settings.KAFKA_SASL_PASSWORD) throw new Error('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    options.sasl = { mechanism: settings.KAFKA_SASL_MECHANISM, username: settings.KAFKA_SASL_USERNAME, password: settings.KAFKA_SASL_PASSWORD } as SASLOptions;
  }
  return options;
}

/** A KafkaJS client whose logs go through the service's pino logger; `connection` is the service config (or a broker list). */
export function createKafka(clientId: string, connection: KafkaConnectionSettings | string, logger: Logger, level = 'info'): Kafka {
  const settings: KafkaConnectionSettings = typeof connection === 'string' ? { KAFKA_BROKERS: connection, KAFKA_SSL: false } : connection;
  fixKafkaJsIdleLoop();
  return new Kafka({
    clientId,
    ...kafkaConnectionOptions(settings),
    logLevel: kafkaLogLevel[level] ?? logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      const fn = entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
      logger[fn]({ kafka: entry.namespace, ...extra }, message);
    },
    retry: { initialRetryTime: 300, retries: 8 },
  });
}

/** Connection options beyond the URL: AUTH password and TLS from the config (a password in the URL wins). */
export function redisOptions(config: Pick<BaseServiceConfig, 'REDIS_URL' | 'REDIS_PASSWORD' | 'REDIS_TLS' | 'REDIS_TLS_CA_FILE'>): RedisOptions {
  const options: RedisOptions = {};
  if (config.REDIS_PASSWORD !== undefined && !/^rediss?:\/\/[^/@]*:[^/@]+@/.test(config.REDIS_URL)) options.password = config.REDIS_PASSWORD;
  if (config.REDIS_TLS || config.REDIS_URL.startsWith('rediss://')) {
    options.tls = config.REDIS_TLS_CA_FILE ? { ca: readFileSync(config.REDIS_TLS_CA_FILE, 'utf8') } : {};
  }
  return options;
}

export function createRedis(config: Pick<BaseServiceConfig, 'REDIS_URL' | 'REDIS_PASSWORD' | 'REDIS_TLS' | 'REDIS_TLS_CA_FILE'>, logger: Logger): Redis {
  // Auto-pipelining: commands issued in the same tick leave in one write (a login's throttle check and captcha check, its
  // success record and refresh token), and every socket write is a system call on a machine already short of CPU.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 2000, enableAutoPipelining: true, ...redisOptions(config) });
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
