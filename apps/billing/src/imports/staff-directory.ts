import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { StaffAccountChanged } from '@lsc/contracts';
import { KafkaEventRouter, PG_POOL } from '@lsc/messaging';

/**
 * Staff display names from identity.StaffAccountChanged, so billing's reports say who confirmed a match by name.
 * Only a newer change replaces a row (events of one account arrive in order, but a replay must not go backwards).
 */
@Injectable()
export class StaffDirectory implements OnModuleInit {
  constructor(
    private readonly router: KafkaEventRouter,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  onModuleInit(): void {
    this.router.on(StaffAccountChanged, async (event, { client }) => {
      const d = event.data;
      await client.query(
        `insert into billing_staff (account_id, username, display_name, updated_at) values ($1, $2, $3, $4)
         on conflict (account_id) do update set username = excluded.username, display_name = excluded.display_name, updated_at = excluded.updated_at
         where billing_staff.updated_at <= excluded.updated_at`,
        [d.accountId, d.username, d.displayName, d.changedAt],
      );
    });
  }

  /** account id → display name, for the given actors (system actors and unknown ids are left out). */
  async names(actors: Iterable<string | null | undefined>): Promise<Map<string, string>> {
    const ids = [...new Set([...actors].filter((a): a is string => !!a && /^[0-9a-f-]{36}$/i.test(a)))];
    if (ids.length === 0) return new Map();
    const r = await this.pool.query<{ account_id: string; display_name: string }>('select account_id, display_name from billing_staff where account_id = any($1::uuid[])', [ids]);
    return new Map(r.rows.map((x) => [x.account_id, x.display_name]));
  }
}
