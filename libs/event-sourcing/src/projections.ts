import type { Pool, PoolClient } from 'pg';
import { onEventsCommitted, WakeableSleep } from './postgres/commit-signal';
import type { Checkpoint, PostgresEventStore, StoredEvent } from './postgres/event-store';
import { withTransaction } from './postgres/sql';

/**
 * A read model fed from the event store. Readers query the view named `name`; the rows live in a generation table
 * (`<name>__g<N>`) so a rebuild can fill a new table while the old one keeps serving, then switch the view.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the table shape or the apply logic changes: the runner rebuilds from position 0 online. */
  readonly version: number;
  readonly streamTypes?: string[];
  createTable(table: string): string;
  apply(client: PoolClient, table: string, event: StoredEvent): Promise<void>;
  /** Optional: applies a whole batch at once (fold in memory, write once) — much faster for rebuilds. */
  applyBatch?(client: PoolClient, table: string, events: StoredEvent[]): Promise<void>;
  /** Events per batch for this projection (default: the runner's batch size). */
  readonly batchSize?: number;
}

interface Registration {
  active_table: string | null;
  active_version: number | null;
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;
const lockKey = (name: string) => `projection:${name}`;

export interface ProjectionRunnerOptions {
  batchSize?: number;
  /**
   * How long a projection with nothing to apply waits before it looks again (default 200). A commit of events in this
   * process ends the wait early (after wakeMinMs), so this bounds only how late events written by other processes
   * (another replica) appear.
   */
  idleDelayMs?: number;
  /**
   * The shortest wait after an empty read, even when woken by commits (default 100): under load, events are applied
   * in batches of 100 ms' worth, not with a read (7 statements) per commit.
   */
  wakeMinMs?: number;
  /**
   * After events were applied or a commit was signalled, the next empty reads come this soon (default 100), then twice
   * as late each time up to idleDelayMs: a woken read can find nothing yet, because events are read only once every
   * older transaction has ended (readAll), and those end soon.
   */
  activePollMs?: number;
  onError?: (projection: string, err: unknown) => void;
}

export class ProjectionRunner {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly sleeps = new Set<WakeableSleep>();
  /** Commits of events signalled in this process so far. */
  private commits = 0;
  /**
   * Per projection, the checkpoint of its active table as this process last committed or read it. Another replica can
   * only have moved the real one further, so "no events after it" is safe to act on, and lets an empty look cost one
   * probe instead of a transaction of six statements (lock, registration, checkpoint, read).
   */
  private readonly known = new Map<string, { table: string; checkpoint: Checkpoint }>();
  private unsubscribe?: () => void;

  constructor(
    private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly projections: Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    for (const p of projections) if (!NAME.test(p.name)) throw new Error(`projection name ${p.name} must match ${NAME}`);
  }

  /** Ensures each projection has a current-version table (rebuilding if its version changed), then follows the store. */
  start(): void {
    this.stopped = false;
    this.unsubscribe ??= onEventsCommitted(() => {
      this.commits++;
      this.sleeps.forEach((s) => s.wake());
    });
    this.loops = this.projections.map((p) => this.follow(p));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.sleeps.forEach((s) => s.cancel());
    await Promise.allSettled(this.loops);
  }

  private async follow(projection: Projection): Promise<void> {
    const idle = new WakeableSleep();
    this.sleeps.add(idle);
    const idleMs = this.options.idleDelayMs ?? 200;
    const activeMs = Math.min(this.options.activePollMs ?? 100, idleMs);
    let delay = activeMs;
    let commitsSeen = this.commits;
    try {
      while (!this.stopped) {
        try {
          const registration = await this.registration(projection.name);
          if (registration?.active_version !== projection.version) {
            await this.rebuild(projection.name);
            continue;
          }
          const known = this.known.get(projection.name);
          const upToDate = known?.table === registration.active_table && !(await this.store.hasEventsAfter(known.checkpoint, { streamTypes: projection.streamTypes }));
          const applied = upToDate ? 0 : await this.runBatch(projection);
          if (applied > 0 || this.commits !== commitsSeen) {
            commitsSeen = this.commits;
            delay = activeMs;
          }
          if (applied > 0 || this.stopped) continue;
          await idle.sleep(delay, Math.min(this.options.wakeMinMs ?? 100, delay));
          delay = Math.min(idleMs, delay * 2);
        } catch (err) {
          this.options.onError?.(projection.name, err);
          if (!this.stopped) await idle.sleep(1000);
        }
      }
    } finally {
      this.sleeps.delete(idle);
    }
  }

  private async registration(name: string, client: { query: Pool['query'] } = this.pool): Promise<Registration | undefined> {
    const r = await client.query<Registration>('select active_table, active_version from es_projections where name = $1', [name]);
    return r.rows[0];
  }

  /** Applies the next batch to the active table; the checkpoint moves in the same transaction as the rows. */
  async runBatch(projection: Projection): Promise<number> {
    const done = await withTransaction(this.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [lockKey(projection.name)]);
      const reg = await this.registration(projection.name, client);
      if (!reg?.active_table || reg.active_version !== projection.version) return undefined;
      return { table: reg.active_table, ...(await this.batch(client, projection, reg.active_table)) };
    });
    // Known only once committed: a rolled-back batch leaves the checkpoint where it was.
    if (!done) return 0;
    this.known.set(projection.name, { table: done.table, checkpoint: done.checkpoint });
    return done.applied;
  }

  /** Applies the next events after the table's checkpoint; returns how many and the checkpoint it leaves. */
  private async batch(client: PoolClient, projection: Projection, table: string): Promise<{ applied: number; checkpoint: Checkpoint }> {
    const cp = await client.query<{ transaction_id: string; global_position: string }>(
      'select transaction_id::text, global_position::text from es_checkpoints where name = $1 for update',
      [table],
    );
    const checkpoint = { transactionId: cp.rows[0]?.transaction_id ?? '0', globalPosition: cp.rows[0]?.global_position ?? '0' };
    const events = await this.store.readAll(checkpoint, { limit: projection.batchSize ?? this.options.batchSize ?? 500, streamTypes: projection.streamTypes, client });
    if (projection.applyBatch) {
      if (events.length > 0) await projection.applyBatch(client, table, events);
    } else {
      for (const event of events) await projection.apply(client, table, event);
    }
    if (events.length === 0) return { applied: 0, checkpoint };
    const last = events[events.length - 1];
    await client.query(
      `insert into es_checkpoints (name, transaction_id, global_position, updated_at) values ($1, $2::xid8, $3, now())
       on conflict (name) do update set transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()`,
      [table, last.transactionId, last.globalPosition],
    );
    return { applied: events.length, checkpoint: { transactionId: last.transactionId, globalPosition: last.globalPosition } };
  }

  /**
   * Online rebuild from position 0: fill a fresh generation table while the current one keeps serving, then, under the
   * projection's lock, apply the last events, point the view at the new table and drop the old one.
   */
  async rebuild(name: string): Promise<{ table: string; events: number }> {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new Error(`unknown projection ${name}; known: ${this.projections.map((p) => p.name).join(', ')}`);
    // One rebuild per projection at a time across processes; others wait for it and then follow the new table.
    const lockClient = await this.pool.connect();
    try {
      await lockClient.query('select pg_advisory_lock(hashtext($1))', [`rebuild:${name}`]);
      const current = await this.registration(name, lockClient);
      if (current?.active_version === projection.version && !this.forceNext.delete(name)) return { table: current.active_table ?? '', events: 0 };
      return await this.rebuildLocked(projection);
    } finally {
      await lockClient.query('select pg_advisory_unlock(hashtext($1))', [`rebuild:${name}`]).catch(() => undefined);
      lockClient.release();
    }
  }

  private readonly forceNext = new Set<string>();

  /** Rebuilds even if the version did not change (the operator's `npm run rebuild`). */
  async forceRebuild(name: string): Promise<{ table: string; events: number }> {
    this.forceNext.add(name);
    return this.rebuild(name);
  }

  private async rebuildLocked(projection: Projection): Promise<{ table: string; events: number }> {
    const name = projection.name;
    const generation = await this.pool.query<{ g: string }>(`select nextval('es_projection_generation_seq')::text as g`);
    const table = `${name}__g${generation.rows[0].g}`;
    await withTransaction(this.pool, async (client) => {
      await client.query(projection.createTable(table));
      await client.query(`insert into es_checkpoints (name) values ($1) on conflict (name) do update set transaction_id = '0'::xid8, global_position = 0`, [table]);
    });
    let total = 0;
    for (;;) {
      const { applied } = await withTransaction(this.pool, (client) => this.batch(client, projection, table));
      total += applied;
      if (applied === 0 || this.stopped) break;
    }
    await withTransaction(this.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [lockKey(name)]);
      for (let applied = 1; applied > 0; ) {
        ({ applied } = await this.batch(client, projection, table));
        total += applied;
      }
      const previous = await this.registration(name, client);
      await client.query(`drop view if exists ${name}`);
      await client.query(`create view ${name} as select * from ${table}`);
      await client.query(
        `insert into es_projections (name, active_table, active_version, updated_at) values ($1, $2, $3, now())
         on conflict (name) do update set active_table = excluded.active_table, active_version = excluded.active_version, updated_at = now()`,
        [name, table, projection.version],
      );
      if (previous?.active_table && previous.active_table !== table) {
        await client.query(`drop table if exists ${previous.active_table}`);
        await client.query('delete from es_checkpoints where name = $1', [previous.active_table]);
      }
    });
    return { table, events: total };
  }
}

