import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Kafka } from 'kafkajs';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { CONFIG, type BaseServiceConfig } from './config';
import { HealthController } from './health';
import { createKafka, createRedis, KAFKA, KafkaAdminHandle, LOGGER, REDIS } from './infrastructure';
import { createLogger } from './logger';
import { Metrics, MetricsController } from './metrics';

export interface ServiceKitOptions {
  config: BaseServiceConfig;
  /** TypeORM entities and migrations of this service's own database (schema only through migrations). */
  database?: { entities: MixedList<Function | string | EntitySchema>; migrations: MixedList<Function | string> };
  redis?: boolean;
  kafka?: boolean;
}

/** Runs pending migrations under an advisory lock so several replicas starting together migrate once. */
@Injectable()
class MigrationRunner implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('select pg_advisory_lock(hashtext($1))', ['lsc:migrations']);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) this.logger.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    } finally {
      await runner.query('select pg_advisory_unlock(hashtext($1))', ['lsc:migrations']).catch(() => undefined);
      await runner.release();
    }
  }
}

@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly kafkaAdmin?: KafkaAdminHandle,
    private readonly redis?: Redis,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.kafkaAdmin?.reset();
    await this.redis?.quit().catch(() => undefined);
    this.logger.info('connections closed');
  }
}

@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const { config } = options;
    const logger = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
    const providers: Provider[] = [
      { provide: CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: Metrics, useValue: new Metrics(config.SERVICE_NAME) },
    ];
    const exported: Array<string | symbol | Function> = [CONFIG, LOGGER, Metrics];
    const imports: DynamicModule[] = [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })];
    const closerDeps: Array<string | symbol | Function> = [LOGGER];

    if (options.kafka) {
      const kafka = createKafka(config.SERVICE_NAME, config, logger, config.LOG_LEVEL);
      providers.push({ provide: KAFKA, useValue: kafka }, { provide: KafkaAdminHandle, useFactory: (k: Kafka) => new KafkaAdminHandle(k), inject: [KAFKA] });
      exported.push(KAFKA, KafkaAdminHandle);
      closerDeps.push(KafkaAdminHandle);
    } else {
      closerDeps.push('NO_KAFKA');
      providers.push({ provide: 'NO_KAFKA', useValue: undefined });
    }
    if (options.redis) {
      providers.push({ provide: REDIS, useFactory: () => createRedis(config, logger) });
      exported.push(REDIS);
      closerDeps.push(REDIS);
    }
    providers.push({ provide: ConnectionCloser, useFactory: (l: Logger, a?: KafkaAdminHandle, r?: Redis) => new ConnectionCloser(l, a, r), inject: closerDeps });

    if (options.database) {
      if (!config.DATABASE_URL) throw new Error(`${config.SERVICE_NAME}: DATABASE_URL is required`);
      imports.push(
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.DATABASE_URL,
          entities: options.database.entities,
          migrations: options.database.migrations,
          migrationsRun: false,
          synchronize: false,
          logging: ['error'],
          extra: { max: 10, application_name: config.SERVICE_NAME },
        }),
      );
      providers.push(MigrationRunner);
    }

    return {
      module: ServiceKitModule,
      imports,
      // With a metrics port of its own, /metrics is served there (bootstrapService) and not on the API port.
      controllers: config.METRICS_PORT ? [HealthController] : [HealthController, MetricsController],
      providers,
      exports: [...exported, ...imports],
    };
  }
}
