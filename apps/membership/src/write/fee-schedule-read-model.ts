import type { FeeChangedV1, FeeScheduleVersionPublishedV1, FeeScheduleVersionPublishedV2 } from '@lsc/contracts';
import type { Queryable } from '@lsc/event-sourcing';
import type { ScheduleEntry, ScheduleVersion } from '../domain';

/**
 * ms_fee_schedule_versions, fed by billing's fee-schedule events inside the consumer's inbox transaction. Writes are
 * idempotent: a redelivered announcement or correction leaves the row as it is.
 */

/** A v1 announcement predates placeholders and term policies: its entries read as confirmed, with no cut-off. */
export function fromV1(d: FeeScheduleVersionPublishedV1): FeeScheduleVersionPublishedV2 {
  return { ...d, entries: d.entries.map((e) => ({ ...e, placeholder: false })), termPolicy: { lateJoinCutoff: null } };
}

export async function recordVersionPublished(client: Queryable, d: FeeScheduleVersionPublishedV2, options: { fromV1?: boolean } = {}): Promise<void> {
  const entries: ScheduleEntry[] = d.entries.map((e) => ({
    qualificationCode: e.qualificationCode,
    qualificationName: e.qualificationName,
    tierCode: e.tierCode,
    tierName: e.tierName,
    feePerYearFen: e.feePerYearFen,
    placeholder: e.placeholder,
  }));
  await client.query(
    `insert into ms_fee_schedule_versions (version_id, effective_from, entries, late_join_cutoff, published_at, from_v1)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (version_id) do update set entries = excluded.entries, late_join_cutoff = excluded.late_join_cutoff, from_v1 = false, updated_at = now()
       where ms_fee_schedule_versions.from_v1 and not excluded.from_v1`,
    [d.versionId, d.effectiveFrom, JSON.stringify(entries), d.termPolicy.lateJoinCutoff ?? null, d.publishedAt, options.fromV1 === true],
  );
}

/** A correction of a version not yet in effect: the entry takes the new fee and is no longer a placeholder. */
export async function recordFeeChanged(client: Queryable, d: FeeChangedV1): Promise<void> {
  const r = await client.query<{ entries: ScheduleEntry[] }>('select entries from ms_fee_schedule_versions where version_id = $1 for update', [d.versionId]);
  const row = r.rows[0];
  // Corrections are published after their version's announcement on the same partition (billing's one stream).
  if (!row) throw new Error(`fee change for a version not announced yet: ${d.versionId}`);
  const e = d.entry;
  const entries = row.entries.map((x) =>
    x.qualificationCode === e.qualificationCode && x.tierCode === e.tierCode ? { ...x, qualificationName: e.qualificationName, tierName: e.tierName, feePerYearFen: e.feePerYearFen, placeholder: false } : x,
  );
  await client.query('update ms_fee_schedule_versions set entries = $2, updated_at = now() where version_id = $1', [d.versionId, JSON.stringify(entries)]);
}

export async function loadScheduleVersions(db: Queryable): Promise<ScheduleVersion[]> {
  const r = await db.query<{ version_id: string; effective_from: string; entries: ScheduleEntry[]; late_join_cutoff: string | null }>(
    `select version_id, to_char(effective_from, 'YYYY-MM-DD') as effective_from, entries, late_join_cutoff from ms_fee_schedule_versions order by effective_from`,
  );
  return r.rows.map((row) => ({ versionId: row.version_id, effectiveFrom: row.effective_from, entries: row.entries, lateJoinCutoff: row.late_join_cutoff }));
}
