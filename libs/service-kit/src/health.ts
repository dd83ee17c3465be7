import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { KafkaAdminHandle, REDIS } from './infrastructure';

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/** Liveness says the process runs; readiness says its PostgreSQL, Redis and Kafka answer. */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
    @Optional() private readonly kafkaAdmin?: KafkaAdminHandle,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    const checks: Array<() => Promise<HealthIndicatorResult>> = [];
    if (this.dataSource) checks.push(() => this.check('postgres', async () => void (await this.dataSource!.query('select 1'))));
    if (this.redis) checks.push(() => this.check('redis', async () => void (await this.redis!.ping())));
    if (this.kafkaAdmin) {
      checks.push(() =>
        this.check('kafka', async () => {
          try {
            await (await this.kafkaAdmin!.get()).describeCluster();
          } catch (err) {
            await this.kafkaAdmin!.reset();
            throw err;
          }
        }),
      );
    }
    return this.health.check(checks);
  }

  private async check(key: string, probe: () => Promise<void>): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    try {
      await withTimeout(probe(), 2000, key);
      return session.up();
    } catch (err) {
      return session.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}
