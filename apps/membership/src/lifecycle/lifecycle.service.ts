import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { backgroundWorkersEnabled, PG_POOL } from '@lsc/messaging';
import { CONFIG, LOGGER } from '@lsc/service-kit';
import type { MembershipConfig } from '../config';
import { shanghaiDate, type CalendarDate } from '../domain';
import { allMembershipIds } from '../write/lookups';
import { MembershipCommands } from '../write/membership-commands';

export interface LifecycleRun {
  readonly on: CalendarDate;
  readonly examined: number;
  readonly events: Record<string, number>;
  readonly failed: number;
}

const LOCK = 'membership:lifecycle';

/**
 * The daily job: reminders (30/7 days), grace, expiry. Each membership is one Tick command, so a crash half-way or a
 * second run the same day changes nothing twice. One replica at a time (advisory lock); others skip.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;

  constructor(
    private readonly commands: MembershipCommands,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: MembershipConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.LIFECYCLE_INTERVAL_MS;
    if (!backgroundWorkersEnabled() || every === 0) return;
    const tick = () => void this.run(undefined, 'system:lifecycle').catch((err: unknown) => this.logger.error({ err }, 'lifecycle run failed'));
    // A restart should not postpone the day's run by a whole interval.
    this.first = setTimeout(tick, Math.min(every, 60_000));
    this.timer = setInterval(tick, every);
    this.first.unref();
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.first);
    clearInterval(this.timer);
  }

  /** Runs the lifecycle as of `on` (a Shanghai calendar date; default today). Undefined when another run holds the lock. */
  async run(on: CalendarDate | undefined, actor: string): Promise<LifecycleRun | undefined> {
    const lockClient = await this.pool.connect();
    try {
      const locked = await lockClient.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [LOCK]);
      if (!locked.rows[0].ok) return undefined;
      try {
        // Noon in Shanghai of the requested day: its calendar date is `on` whatever the host's zone.
        const now = on ? new Date(`${on}T12:00:00+08:00`).toISOString() : new Date().toISOString();
        const events: Record<string, number> = {};
        let failed = 0;
        const ids = await allMembershipIds(this.pool);
        for (const id of ids) {
          try {
            for (const e of await this.commands.tick(id, now, actor)) events[e.type] = (events[e.type] ?? 0) + 1;
          } catch (err) {
            failed++;
            this.logger.error({ err, membershipId: id }, 'lifecycle tick failed; continuing with the next membership');
          }
        }
        const run = { on: shanghaiDate(now), examined: ids.length, events, failed };
        this.logger.info(run, 'lifecycle run finished');
        return run;
      } finally {
        await lockClient.query('select pg_advisory_unlock(hashtext($1))', [LOCK]);
      }
    } finally {
      lockClient.release();
    }
  }
}
