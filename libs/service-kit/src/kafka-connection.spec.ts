import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import type { ConsumerConfig, KafkaConfig } from 'kafkajs';
import { BaseServiceConfig, ConfigError, loadConfig } from './config';
import { createServiceApp } from './bootstrap';
import { createKafka, KAFKA, kafkaConnectionOptions } from './infrastructure';
import { createLogger } from './logger';
import { ServiceKitModule } from './service-kit.module';

// Every kafkajs client a service creates is recorded here instead of connecting (names must start with "mock").
const mockCreatedClients: KafkaConfig[] = [];
const mockConsumerConfigs: ConsumerConfig[] = [];
jest.mock('kafkajs', () => {
  const actual = jest.requireActual('kafkajs');
  const endpoint = () => ({
    connect: async () => undefined,
    disconnect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => undefined,
    send: async () => [],
    describeCluster: async () => ({ brokers: [], controller: null, clusterId: 'fake' }),
    on: () => () => undefined,
    events: {},
  });
  class RecordingKafka {
    constructor(config: KafkaConfig) {
      mockCreatedClients.push(config);
    }
    consumer = (config: ConsumerConfig) => {
      mockConsumerConfigs.push(config);
      return endpoint();
    };
    producer = endpoint;
    admin = endpoint;
  }
  return { ...actual, Kafka: RecordingKafka };
});

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const base = { SERVICE_NAME: 'svc', HTTP_PORT: 3999 };
const problemsOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(BaseServiceConfig, base, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  return '';
};

class WithOptionalSecret extends BaseServiceConfig {
  @IsOptional() @IsString() SIGNING_KEY_PEM?: string;
  @IsOptional() @IsString() NOT_SET?: string;
}

describe('loadConfig', () => {
  it('reads settings declared without an initializer (`X?: string`), which are no own property of the class', () => {
    const config = loadConfig(WithOptionalSecret, base, { SIGNING_KEY_PEM: 'pem', UNDECLARED: 'x' });
    expect([config.SIGNING_KEY_PEM, config.NOT_SET, (config as unknown as Record<string, unknown>).UNDECLARED]).toEqual(['pem', undefined, undefined]);
  });
});

describe('Kafka connection settings (KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_*)', () => {
  let dir: string;
  let caFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-ca-'));
    caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, CA);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What the prod overlay's ConfigMap and Secret reference give a service (deploy/k8s/generate.mjs). */
  const strimziEnv = (): NodeJS.ProcessEnv => ({
    KAFKA_BROKERS: 'lsc-kafka-kafka-bootstrap:9093',
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'billing',
    KAFKA_SASL_PASSWORD: 's3cret',
  });

  it('connects in plaintext without authentication by default (the local broker)', () => {
    const config = loadConfig(BaseServiceConfig, base, {});
    expect([config.KAFKA_SSL, config.KAFKA_SSL_CA_FILE, config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD]).toEqual([false, undefined, undefined, undefined, undefined]);
    expect(kafkaConnectionOptions(config)).toEqual({ brokers: ['127.0.0.1:9092'] });
    // Empty values are unset values (compose files pass `${VAR:-}`).
    expect(kafkaConnectionOptions(loadConfig(BaseServiceConfig, base, { KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: '', KAFKA_SSL_CA_FILE: '' }))).toEqual({ brokers: ['127.0.0.1:9092'] });
  });

  it('maps the Strimzi SCRAM-over-TLS settings to kafkajs ssl (with the cluster CA) and sasl', () => {
    const config = loadConfig(BaseServiceConfig, base, strimziEnv());
    expect(config.KAFKA_SSL).toBe(true);
    expect(kafkaConnectionOptions(config)).toEqual({
      brokers: ['lsc-kafka-kafka-bootstrap:9093'],
      ssl: { ca: [CA], rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'billing', password: 's3cret' },
    });
  });

  it.each([
    [{ KAFKA_SSL: '1' }, { ssl: true }],
    [{ KAFKA_SSL: 'false' }, {}],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, { sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' } }],
    [{ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, { ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' } }],
  ])('%j → %j', (env, expected) => {
    expect(kafkaConnectionOptions(loadConfig(BaseServiceConfig, base, env))).toEqual({ brokers: ['127.0.0.1:9092'], ...expected });
  });

  it('refuses incomplete or unknown settings, naming each problem', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toContain('KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512, plain');
    const noCredentials = problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    expect(noCredentials).toContain('KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM');
    expect(noCredentials).toContain('KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM');
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' })).toContain('KAFKA_SASL_PASSWORD is required');
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'p' })).toContain('KAFKA_SASL_USERNAME is required');
    const noMechanism = problemsOf({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' });
    expect(noMechanism).toContain('KAFKA_SASL_MECHANISM must be one of');
    const passwordOnly = problemsOf({ KAFKA_SASL_PASSWORD: 'p' });
    expect(passwordOnly).toContain('KAFKA_SASL_MECHANISM must be one of');
    expect(passwordOnly).toContain('KAFKA_SASL_USERNAME is required');
    expect(problemsOf({ KAFKA_SSL_CA_FILE: caFile })).toContain('KAFKA_SSL_CA_FILE needs KAFKA_SSL=true');
    expect(problemsOf({ KAFKA_SSL: 'maybe' })).toContain('KAFKA_SSL must be true or false');
    // Rejected values are quoted, but never a secret: not the SASL password, not a database URL's password.
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'nope', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2', KAFKA_BROKERS: 'x' })).not.toContain('hunter2');
    expect(() => loadConfig(BaseServiceConfig, { ...base, DATABASE_URL: 'postgres://localhost/x' }, { DATABASE_URL: 'mysql://app:hunter2@db/x' })).toThrow(/DATABASE_URL: .*\(got "mysql:\/\/app:\*\*\*@db\/x"\)/);
  });

  it('gives the consumer KAFKA_SESSION_TIMEOUT_MS (10 s unless set, 6–300 s) with heartbeats a third of it at most', async () => {
    expect(loadConfig(BaseServiceConfig, base, {}).KAFKA_SESSION_TIMEOUT_MS).toBe(10000);
    expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: '5000' })).toContain('KAFKA_SESSION_TIMEOUT_MS must not be less than 6000');
    expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: '10s' })).toContain('KAFKA_SESSION_TIMEOUT_MS must be an integer number');
    for (const [timeout, heartbeat] of [['6000', 2000], ['45000', 3000]] as const) {
      const config = loadConfig(BaseServiceConfig, base, { KAFKA_SESSION_TIMEOUT_MS: timeout, LOG_LEVEL: 'silent' });
      @Module({ imports: [ServiceKitModule.forRoot({ config, kafka: true })] })
      class ConsumingModule {}
      mockConsumerConfigs.length = 0;
      const app = await createServiceApp(ConsumingModule, config, { consumer: { groupId: 'svc' } });
      try {
        await app.startAllMicroservices();
        expect(mockConsumerConfigs).toEqual([expect.objectContaining({ groupId: 'svc', sessionTimeout: Number(timeout), heartbeatInterval: heartbeat })]);
      } finally {
        await app.close();
      }
    }
  });

  it('says which CA file it could not read', () => {
    const config = loadConfig(BaseServiceConfig, base, { ...strimziEnv(), KAFKA_SSL_CA_FILE: join(dir, 'missing.crt') });
    expect(() => kafkaConnectionOptions(config)).toThrow(`KAFKA_SSL_CA_FILE ${join(dir, 'missing.crt')} cannot be read`);
  });

  it('gives every kafkajs client of a service the same brokers, TLS and SASL: the shared client (relay, router, health) and the Nest consumer transport', async () => {
    const config = loadConfig(BaseServiceConfig, base, { ...strimziEnv(), LOG_LEVEL: 'silent' });
    mockCreatedClients.length = 0;

    createKafka('svc', config, createLogger('svc', 'silent'));
    expect(mockCreatedClients).toHaveLength(1);

    @Module({ imports: [ServiceKitModule.forRoot({ config, kafka: true })] })
    class KafkaServiceModule {}
    const app = await createServiceApp(KafkaServiceModule, config, { consumer: { groupId: 'svc' } });
    try {
      await app.startAllMicroservices();
      expect(app.get(KAFKA)).toBeDefined();
      // createKafka above, the module's shared client (KAFKA, also behind KafkaAdminHandle) and Nest's ServerKafka.
      expect(mockCreatedClients).toHaveLength(3);
      for (const client of mockCreatedClients) {
        expect(client).toMatchObject({
          brokers: ['lsc-kafka-kafka-bootstrap:9093'],
          ssl: { ca: [CA], rejectUnauthorized: true },
          sasl: { mechanism: 'scram-sha-512', username: 'billing', password: 's3cret' },
        });
      }
    } finally {
      await app.close();
    }
  });
});
