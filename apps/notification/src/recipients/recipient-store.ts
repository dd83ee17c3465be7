import type { Queryable } from '@lsc/event-sourcing';

/** The institution's registered name and e-mail as identity last announced them. */
export interface Recipient {
  readonly institutionId: string;
  readonly name: string | null;
  readonly email: string | null;
}

/**
 * Each field only moves forward in time (`*_as_of`): identity events of one institution share a partition and so
 * arrive in order, but a replay from an older offset must not put an old address back. A change stamped with the
 * same instant as what we hold wins (it was consumed later, hence happened later in the partition); a registration
 * never overrides a change of the same instant.
 */
export async function recordRegistration(db: Queryable, r: { institutionId: string; name: string; email: string; at: string }): Promise<void> {
  await db.query(
    `insert into notification_recipients (institution_id, name, email, name_as_of, email_as_of) values ($1, $2, $3, $4, $4)
     on conflict (institution_id) do update set
       name = case when notification_recipients.name_as_of is null or notification_recipients.name_as_of < excluded.name_as_of then excluded.name else notification_recipients.name end,
       name_as_of = greatest(notification_recipients.name_as_of, excluded.name_as_of),
       email = case when notification_recipients.email_as_of is null or notification_recipients.email_as_of < excluded.email_as_of then excluded.email else notification_recipients.email end,
       email_as_of = greatest(notification_recipients.email_as_of, excluded.email_as_of),
       updated_at = now()`,
    [r.institutionId, r.name, r.email, r.at],
  );
}

export async function recordEmail(db: Queryable, r: { institutionId: string; email: string; at: string }): Promise<void> {
  await db.query(
    `insert into notification_recipients (institution_id, email, email_as_of) values ($1, $2, $3)
     on conflict (institution_id) do update set email = excluded.email, email_as_of = excluded.email_as_of, updated_at = now()
     where notification_recipients.email_as_of is null or notification_recipients.email_as_of <= excluded.email_as_of`,
    [r.institutionId, r.email, r.at],
  );
}

export async function recordName(db: Queryable, r: { institutionId: string; name: string; at: string }): Promise<void> {
  await db.query(
    `insert into notification_recipients (institution_id, name, name_as_of) values ($1, $2, $3)
     on conflict (institution_id) do update set name = excluded.name, name_as_of = excluded.name_as_of, updated_at = now()
     where notification_recipients.name_as_of is null or notification_recipients.name_as_of <= excluded.name_as_of`,
    [r.institutionId, r.name, r.at],
  );
}

export async function findRecipient(db: Queryable, institutionId: string): Promise<Recipient | undefined> {
  const { rows } = await db.query<{ institution_id: string; name: string | null; email: string | null }>('select institution_id, name, email from notification_recipients where institution_id = $1', [institutionId]);
  return rows[0] ? { institutionId: rows[0].institution_id, name: rows[0].name, email: rows[0].email } : undefined;
}
