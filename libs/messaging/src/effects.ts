import type { Queryable } from '@lsc/event-sourcing';

/**
 * Claims a non-transactional effect (an e-mail, an SMS) by a unique key before performing it, so a redelivered event
 * or a restarted worker never performs it twice. Returns false when someone already claimed it.
 */
export async function claimEffect(db: Queryable, effectKey: string, detail: Record<string, unknown> = {}): Promise<boolean> {
  const r = await db.query(`insert into es_effect_claims (effect_key, detail) values ($1, $2) on conflict do nothing`, [effectKey, JSON.stringify(detail)]);
  return r.rowCount === 1;
}

export async function completeEffect(db: Queryable, effectKey: string, status: 'done' | 'failed', detail: Record<string, unknown> = {}): Promise<void> {
  await db.query(`update es_effect_claims set status = $2, completed_at = now(), detail = detail || $3::jsonb where effect_key = $1`, [effectKey, status, JSON.stringify(detail)]);
}
