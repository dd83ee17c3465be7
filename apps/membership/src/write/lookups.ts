import type { Queryable } from '@lsc/event-sourcing';

/** SQL for membership's lookup tables (see the migration). Callers pass the transaction they hold. */

export interface InstitutionRow {
  institution_id: string;
  name: string;
  email: string | null;
  mobile: string | null;
  landline: string | null;
  region: { provinceCode: string; provinceName: string; cityCode: string; cityName: string; districtCode: string; districtName: string } | null;
  street: string | null;
  postcode: string | null;
}

export async function findInstitution(db: Queryable, institutionId: string): Promise<InstitutionRow | undefined> {
  const r = await db.query<InstitutionRow>('select institution_id, name, email, mobile, landline, region, street, postcode from ms_institutions where institution_id = $1', [institutionId]);
  return r.rows[0];
}

export async function membershipIdOf(db: Queryable, institutionId: string): Promise<string | undefined> {
  const r = await db.query<{ membership_id: string }>('select membership_id from ms_institution_memberships where institution_id = $1', [institutionId]);
  return r.rows[0]?.membership_id;
}

export async function linkMembership(db: Queryable, institutionId: string, membershipId: string): Promise<void> {
  await db.query('insert into ms_institution_memberships (institution_id, membership_id) values ($1, $2) on conflict do nothing', [institutionId, membershipId]);
}

export async function openApplicationOf(db: Queryable, institutionId: string): Promise<string | undefined> {
  const r = await db.query<{ application_id: string }>('select application_id from ms_open_applications where institution_id = $1', [institutionId]);
  return r.rows[0]?.application_id;
}

/** Fails with a unique violation on `ms_open_applications_pkey` when the institution already has an unpaid application. */
export async function openApplication(db: Queryable, institutionId: string, applicationId: string): Promise<void> {
  await db.query('insert into ms_open_applications (institution_id, application_id) values ($1, $2)', [institutionId, applicationId]);
}

export async function closeApplication(db: Queryable, applicationId: string): Promise<void> {
  await db.query('delete from ms_open_applications where application_id = $1', [applicationId]);
}

export async function recordInstitutionStream(db: Queryable, streamId: string, institutionId: string): Promise<void> {
  await db.query('insert into ms_institution_streams (stream_id, institution_id) values ($1, $2) on conflict do nothing', [streamId, institutionId]);
}

export async function nextMemberSequence(db: Queryable): Promise<number> {
  const r = await db.query<{ n: string }>(`select nextval('ms_member_number_seq')::text as n`);
  return Number(r.rows[0].n);
}

export async function allMembershipIds(db: Queryable): Promise<string[]> {
  const r = await db.query<{ membership_id: string }>('select membership_id from ms_institution_memberships order by created_at');
  return r.rows.map((row) => row.membership_id);
}

/** The institution's most recently confirmed application other than `exceptApplicationId` (for 确认申请信息 defaults). */
export async function lastConfirmationOf(db: Queryable, institutionId: string, exceptApplicationId: string): Promise<string | undefined> {
  const r = await db.query<{ stream_id: string }>(
    `select e.stream_id from es_events e join ms_institution_streams s on s.stream_id = e.stream_id
      where s.institution_id = $1 and e.event_type = 'ApplicationSubmitted' and e.stream_id <> $2
      order by e.global_position desc limit 1`,
    [institutionId, `application-${exceptApplicationId}`],
  );
  return r.rows[0]?.stream_id.replace(/^application-/, '');
}

export interface HistoryRow {
  stream_id: string;
  stream_type: string;
  stream_version: number;
  global_position: string;
  event_type: string;
  data: unknown;
  metadata: { actor?: string; occurredAt?: string; correlationId?: string };
}

/** Every event of every stream of the institution, in the order they were written. */
export async function institutionHistory(db: Queryable, institutionId: string): Promise<HistoryRow[]> {
  const r = await db.query<HistoryRow>(
    `select e.stream_id, e.stream_type, e.stream_version, e.global_position::text, e.event_type, e.data, e.metadata
       from es_events e join ms_institution_streams s on s.stream_id = e.stream_id
      where s.institution_id = $1
      order by e.global_position`,
    [institutionId],
  );
  return r.rows;
}
