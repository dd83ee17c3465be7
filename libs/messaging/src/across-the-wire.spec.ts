import { randomUUID } from 'node:crypto';
import { Controller, Module, Post, type DynamicModule } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InstitutionRegistered } from '@lsc/contracts';
import { EventStoreSchema1764200000000, PostgresEventStore } from '@lsc/event-sourcing';
import { BaseServiceConfig, createServiceApp, ServiceKitModule } from '@lsc/service-kit';
import { createTestDatabase, createTestTopics, deleteTestTopics, eventually, testKafka, uniqueName, type TestDatabase } from '@lsc/testing';
import { KafkaEventRouter } from './event-router';
import { MessagingModule, fromKafkaContext, PG_POOL } from './nest';
import type { Pool } from 'pg';
import { Inject } from '@nestjs/common';

/**
 * The first proof across the wire: two NestJS hybrid services, each with its own database. One appends an event and
 * its integration event in one transaction; its outbox relay publishes to Kafka; the other consumes it through an
 * @EventPattern handler, the inbox and the router, exactly as the real services do.
 */
describe('two services talking through Kafka (real PostgreSQL + Kafka)', () => {
  const topic = uniqueName('wire');
  const kafka = testKafka();
  let producerDb: TestDatabase;
  let consumerDb: TestDatabase;
  const apps: NestFastifyApplication[] = [];

  const config = (name: string, db: TestDatabase): BaseServiceConfig =>
    Object.assign(new BaseServiceConfig(), { SERVICE_NAME: name, HTTP_PORT: 0, DATABASE_URL: db.url, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    await createTestTopics(kafka, [topic], { partitions: 3, withDeadLetter: true });
    [producerDb, consumerDb] = await Promise.all([createTestDatabase('wire_a'), createTestDatabase('wire_b')]);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await deleteTestTopics(kafka, [topic, `${topic}.dlt`]);
    await Promise.all([producerDb.drop(), consumerDb.drop()]);
  });

  it('an event emitted by service A is consumed once by service B', async () => {
    @Controller('emit')
    class EmitController {
      constructor(private readonly store: PostgresEventStore) {}
      @Post()
      async emit() {
        const institutionId = randomUUID();
        const eventId = randomUUID();
        await this.store.append(`institution-${institutionId}`, 'institution', 'no_stream', [{ eventId: randomUUID(), type: 'InstitutionRegistered', schemaVersion: 1, data: {}, metadata: { correlationId: 'wire-1', actor: 'test', occurredAt: new Date().toISOString() } }], {
          outbox: [{ topic, key: institutionId, event: { eventId, type: InstitutionRegistered.type, schemaVersion: 1, streamId: institutionId, occurredAt: new Date().toISOString(), correlationId: 'wire-1', data: { ...InstitutionRegistered.example, institutionId } } }],
        });
        return { eventId };
      }
    }

    @Controller()
    class ConsumerController {
      constructor(private readonly router: KafkaEventRouter) {}
      @EventPattern(topic)
      handle(_payload: unknown, @Ctx() ctx: KafkaContext) {
        return this.router.dispatch(fromKafkaContext(ctx));
      }
    }

    @Module({})
    class ConsumerSetup {
      constructor(router: KafkaEventRouter, @Inject(PG_POOL) pool: Pool) {
        router.on(InstitutionRegistered, async (event, { client }) => {
          await client.query('create table if not exists received (event_id uuid primary key, name text)');
          await client.query('insert into received values ($1, $2)', [event.eventId, event.data.name]);
        });
        void pool;
      }
    }

    const module = (name: string, db: TestDatabase, extra: Partial<DynamicModule>): DynamicModule => ({
      module: class {},
      imports: [ServiceKitModule.forRoot({ config: config(name, db), database: { entities: [], migrations: [EventStoreSchema1764200000000] }, kafka: true }), MessagingModule.forRoot({ consumerGroup: name, consumedTopics: [topic] })],
      ...extra,
    });

    const a = await createServiceApp(module('wire-a', producerDb, { controllers: [EmitController] }), config('wire-a', producerDb));
    const b = await createServiceApp(module(uniqueName('wire-b'), consumerDb, { controllers: [ConsumerController], providers: [ConsumerSetup] }), config('wire-b', consumerDb), { consumer: { groupId: uniqueName('wire-b') } });
    apps.push(a, b);
    await a.listen(0, '127.0.0.1');
    await b.startAllMicroservices();
    await b.listen(0, '127.0.0.1');

    const response = await a.inject({ method: 'POST', url: '/emit' });
    expect(response.statusCode).toBe(201);
    const { eventId } = response.json() as { eventId: string };
    const rows = await eventually(
      async () => {
        const r = await consumerDb.pool.query('select event_id, name from received').catch(() => ({ rows: [] }));
        return r.rows.length > 0 ? r.rows : undefined;
      },
      { timeoutMs: 30000, what: 'service B to receive the event' },
    );
    expect(rows).toEqual([{ event_id: eventId, name: InstitutionRegistered.example.name }]);
    const ready = await b.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' }, kafka: { status: 'up' } } });
  });
});
