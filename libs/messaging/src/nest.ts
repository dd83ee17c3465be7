import { Global, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PostgresEventStore, ProjectionRunner, Upcasters, type Projection } from '@lsc/event-sourcing';
import { KAFKA, KafkaAdminHandle, LOGGER, Metrics } from '@lsc/service-kit';
import { KafkaEventRouter, type DispatchOutcome, type IncomingMessage } from './event-router';
import { OutboxRelay } from './outbox-relay';

export const PG_POOL = Symbol('PG_POOL');

export interface MessagingModuleOptions {
  /** Consumer group and inbox name of this service; omit for a service that only publishes. */
  consumerGroup?: string;
  /** Topics this service consumes (for lag metrics). */
  consumedTopics?: string[];
  projections?: Projection[];
  upcasters?: Upcasters;
}

/** Background workers are off for one-shot CLI runs (migrate, rebuild) of a service binary. */
export const backgroundWorkersEnabled = (): boolean => process.env.LSC_BACKGROUND_WORKERS !== 'off';

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly router: KafkaEventRouter,
    private readonly projections: ProjectionRunner,
  ) {}

  onApplicationBootstrap(): void {
    // Every module's onModuleInit has run, so every consumer's handlers are registered: let messages through.
    this.router.open();
    if (!backgroundWorkersEnabled()) return;
    this.relay.start();
    this.projections.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.relay.stop(), this.projections.stop()]);
    await this.router.close();
  }
}

/** Kafka consumer lag per partition, sampled when Prometheus scrapes. */
function registerLagSampler(metrics: Metrics, admin: KafkaAdminHandle, group: string, topics: string[]): void {
  metrics.addSampler(async () => {
    const client = await admin.get();
    for (const topic of topics) {
      const [committed, latest] = await Promise.all([client.fetchOffsets({ groupId: group, topics: [topic] }), client.fetchTopicOffsets(topic)]);
      const committedByPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
      for (const p of latest) {
        const done = committedByPartition.get(p.partition) ?? -1;
        const lag = done < 0 ? Number(p.high) - Number(p.low) : Math.max(0, Number(p.high) - done);
        metrics.kafkaConsumerLag.set({ topic, partition: String(p.partition), group }, lag);
      }
    }
  });
}

/**
 * Counters the dashboards and alerts query, exported at 0 before their first event (otherwise a series only appears
 * with its first increment): consumption outcomes and dead letters per consumed topic, and the business counters'
 * label values (contracts: ApplicationSubmitted.kind, PaymentMatched.mode).
 */
function initialiseSeries(metrics: Metrics, topics: string[]): void {
  metrics.initialiseSeries('kafka_messages_consumed_total', topics.flatMap((topic) => (['processed', 'duplicate', 'dead_lettered', 'ignored'] satisfies DispatchOutcome[]).map((outcome) => ({ topic, outcome }))));
  metrics.initialiseSeries('dead_letters_total', topics.map((topic) => ({ topic })));
  metrics.initialiseSeries('lsc_applications_submitted_total', [{ kind: 'new' }, { kind: 'renewal' }]);
  metrics.initialiseSeries('lsc_payments_matched_total', [{ mode: 'auto' }, { mode: 'manual' }]);
}

/**
 * pg emits a connection error of a checked-out client (PostgreSQL restarting: 57P01 "terminating connection due to
 * administrator command") on the client itself; with no listener Node ends the process. The chaos suite's PostgreSQL
 * restart killed billing this way. The query in flight rejects anyway and the pool drops the broken client on release,
 * so a log line is all that is needed. Clients the pool opened before this ran (migrations) get the listener too.
 */
export function guardCheckedOutClients(pool: Pool, logger: Pick<Logger, 'warn'>): Pool {
  const guard = (client: PoolClient) => client.on('error', (err: Error) => logger.warn({ err: err.message }, 'PostgreSQL connection lost; the pool replaces it'));
  pool.on('connect', guard);
  for (const client of (pool as unknown as { _clients?: PoolClient[] })._clients ?? []) guard(client);
  return pool;
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions = {}): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: PG_POOL, useFactory: (ds: DataSource, logger: Logger) => guardCheckedOutClients((ds.driver as unknown as { master: Pool }).master, logger), inject: [DataSource, LOGGER] },
        { provide: PostgresEventStore, useFactory: (pool: Pool) => new PostgresEventStore(pool, options.upcasters), inject: [PG_POOL] },
        {
          provide: OutboxRelay,
          // This process's commits wake the relay at once, so the idle poll only bounds how late rows committed by
          // another replica (not the relay's leader) go out: 250 ms instead of 50 spares ~15 reads/s per service.
          // For the same reason the interval starts growing right after a round that found rows (idleAfterMs 0),
          // instead of reading every 10 ms for a second after each row in case more come.
          useFactory: (pool: Pool, kafka: Kafka, logger: Logger, metrics: Metrics) => new OutboxRelay(pool, kafka, { logger, registry: metrics.registry, idlePollMs: 250, idleAfterMs: 0 }),
          inject: [PG_POOL, KAFKA, LOGGER, Metrics],
        },
        {
          provide: KafkaEventRouter,
          useFactory: (pool: Pool, kafka: Kafka, logger: Logger, metrics: Metrics, admin: KafkaAdminHandle) => {
            if (options.consumerGroup && options.consumedTopics?.length) registerLagSampler(metrics, admin, options.consumerGroup, options.consumedTopics);
            initialiseSeries(metrics, options.consumedTopics ?? []);
            return new KafkaEventRouter(pool, kafka, { consumer: options.consumerGroup ?? 'none', logger, registry: metrics.registry, waitForOpen: true });
          },
          inject: [PG_POOL, KAFKA, LOGGER, Metrics, KafkaAdminHandle],
        },
        {
          provide: ProjectionRunner,
          useFactory: (pool: Pool, store: PostgresEventStore, logger: Logger) =>
            // Every replica runs the projections and the writing one is woken by its commit, so a long idle poll delays
            // nothing; it only finds work nobody here was told about (an operator's fix in SQL, a replica that died).
            new ProjectionRunner(pool, store, options.projections ?? [], { idleDelayMs: 1000, onError: (name, err) => logger.error({ err, projection: name }, 'projection failed; retrying') }),
          inject: [PG_POOL, PostgresEventStore, LOGGER],
        },
        MessagingLifecycle,
      ],
      exports: [PG_POOL, PostgresEventStore, OutboxRelay, KafkaEventRouter, ProjectionRunner],
    };
  }
}

/** Adapts NestJS's KafkaContext to the router's transport-neutral message. */
export function fromKafkaContext(context: KafkaContext): IncomingMessage {
  const message = context.getMessage() as unknown as { key: Buffer | string | null; value: IncomingMessage['value']; offset: string; headers?: IncomingMessage['headers'] };
  return { topic: context.getTopic(), partition: context.getPartition(), offset: message.offset, key: message.key, value: message.value, headers: message.headers, heartbeat: context.getHeartbeat() };
}

/** `node dist/apps/<svc>/main.js rebuild <projection>`: online rebuild from position 0 (new table, then switch). */
export async function rebuildCommand(context: { get<T>(token: new (...args: never[]) => T): T }, args: string[]): Promise<void> {
  const [name] = args;
  if (!name) throw new Error('usage: rebuild <projection>');
  const started = Date.now();
  const result = await context.get(ProjectionRunner).forceRebuild(name);
  console.log(`rebuilt ${name} into ${result.table}: ${result.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
