import { HttpStatus } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Queryable } from '@lsc/event-sourcing';
import { ApiError } from '@lsc/service-kit';
import { CLAIM_FIELDS, claimKey, loginCandidates, type ClaimKind } from './claims';

export interface AccountRow {
  account_id: string;
  kind: 'institution' | 'staff';
  institution_id: string | null;
  password_hash: string;
  roles: string[];
  /** Set while a staff lock is in force (mirrors the account stream). */
  locked_at?: Date | null;
  /** Set while a staff account is disabled (mirrors the staff stream). */
  disabled_at?: Date | null;
}

/** The subject tokens carry: the institution id for an institution account (its data is keyed by it), else the account id. */
export const subjectOf = (account: Pick<AccountRow, 'kind' | 'institution_id' | 'account_id'>): string =>
  account.kind === 'institution' ? account.institution_id! : account.account_id;

export const duplicateError = (kinds: ClaimKind[]): ApiError =>
  new ApiError(
    HttpStatus.CONFLICT,
    'ALREADY_REGISTERED',
    kinds.map((k) => CLAIM_FIELDS[k].message).join('；'),
    kinds.map((k) => ({ field: CLAIM_FIELDS[k].field, rule: 'unique', message: CLAIM_FIELDS[k].message })),
  );

/** SQL over identity_accounts / identity_unique_claims / identity_logos; every writer takes the caller's transaction. */
export class AccountsRepository {
  constructor(readonly pool: Pool) {}

  /** Kinds among `wanted` already claimed by someone other than `exceptAccount`: for a friendly, complete answer. The constraint stays the guard. */
  async takenClaims(wanted: Array<{ kind: ClaimKind; value: string }>, exceptAccount?: string): Promise<ClaimKind[]> {
    if (wanted.length === 0) return [];
    const keys = wanted.map((w) => ({ kind: w.kind, value: claimKey(w.kind, w.value) }));
    const { rows } = await this.pool.query<{ kind: ClaimKind }>(
      `select kind from identity_unique_claims c join unnest($1::text[], $2::text[]) as w(kind, value) using (kind, value)
       where $3::uuid is null or c.account_id <> $3::uuid`,
      [keys.map((k) => k.kind), keys.map((k) => k.value), exceptAccount ?? null],
    );
    return wanted.map((w) => w.kind).filter((k) => rows.some((r) => r.kind === k));
  }

  async insertAccount(db: Queryable, account: AccountRow): Promise<void> {
    await db.query('insert into identity_accounts (account_id, kind, institution_id, password_hash, roles) values ($1, $2, $3, $4, $5)', [
      account.account_id,
      account.kind,
      account.institution_id,
      account.password_hash,
      account.roles,
    ]);
  }

  async insertClaims(db: Queryable, accountId: string, claims: Array<{ kind: ClaimKind; value: string }>): Promise<void> {
    for (const c of claims) {
      await db.query('insert into identity_unique_claims (kind, value, account_id) values ($1, $2, $3)', [c.kind, claimKey(c.kind, c.value), accountId]);
    }
  }

  /** Moves a claim (name or e-mail change): the old key is released and the new one taken in the same transaction. */
  async replaceClaim(db: Queryable, accountId: string, kind: ClaimKind, value: string): Promise<void> {
    await db.query('delete from identity_unique_claims where account_id = $1 and kind = $2', [accountId, kind]);
    await this.insertClaims(db, accountId, [{ kind, value }]);
  }

  /** One indexed lookup whatever was typed, so known and unknown identifiers cost the same. */
  async findByLogin(login: string): Promise<AccountRow | undefined> {
    const [candidate] = loginCandidates(login);
    return this.findByClaim(candidate.kind, candidate.value);
  }

  async findByClaim(kind: ClaimKind, value: string): Promise<AccountRow | undefined> {
    const { rows } = await this.pool.query<AccountRow>(
      `select a.account_id, a.kind, a.institution_id, a.password_hash, a.roles, a.locked_at, a.disabled_at
       from identity_unique_claims c join identity_accounts a using (account_id) where c.kind = $1 and c.value = $2`,
      [kind, claimKey(kind, value)],
    );
    return rows[0];
  }

  async findBySubject(sub: string): Promise<AccountRow | undefined> {
    const { rows } = await this.pool.query<AccountRow>(
      'select account_id, kind, institution_id, password_hash, roles, locked_at, disabled_at from identity_accounts where institution_id = $1 or account_id = $1 limit 1',
      [sub],
    );
    return rows[0];
  }

  async setLockedAt(db: Queryable, accountId: string, lockedAt: string | null): Promise<void> {
    await db.query('update identity_accounts set locked_at = $2 where account_id = $1', [accountId, lockedAt]);
  }

  async updatePasswordHash(db: Queryable, accountId: string, hash: string): Promise<void> {
    await db.query('update identity_accounts set password_hash = $2, password_changed_at = now() where account_id = $1', [accountId, hash]);
  }

  async insertLogo(db: Queryable, logo: { logoId: string; contentType: string; content: Buffer; width: number; height: number }): Promise<void> {
    await db.query('insert into identity_logos (logo_id, content_type, content, width, height) values ($1, $2, $3, $4, $5)', [
      logo.logoId,
      logo.contentType,
      logo.content,
      logo.width,
      logo.height,
    ]);
  }

  async findLogo(logoId: string): Promise<{ content_type: string; content: Buffer } | undefined> {
    const { rows } = await this.pool.query<{ content_type: string; content: Buffer }>('select content_type, content from identity_logos where logo_id = $1', [logoId]);
    return rows[0];
  }
}

/** Which claim a unique violation hit (constraint is the primary key, so read the kind from the detail text). */
export function violatedClaim(err: unknown): ClaimKind | undefined {
  const detail = (err as { detail?: string }).detail ?? '';
  const m = /\(kind, value\)=\(([a-z_]+),/.exec(detail);
  return m ? (m[1] as ClaimKind) : undefined;
}
