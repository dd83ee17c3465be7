import type { PoolClient } from 'pg';
import type { EmailChangedV1, InstitutionNameChangedV1, InstitutionProfileUpdatedV1, InstitutionRegisteredV1 } from '@lsc/contracts';

/**
 * Membership's copy of identity's institutions (name for 单位名称, profile for the 寄送地址 defaults). Identity keys its
 * events by institution, so they arrive in order per institution; the updates still ignore an institution not seen
 * yet rather than invent a partial row (the registration will bring the whole profile).
 */
export async function institutionRegistered(client: PoolClient, d: InstitutionRegisteredV1): Promise<void> {
  await client.query(
    `insert into ms_institutions (institution_id, name, email, mobile, landline, region, street, postcode, registered_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (institution_id) do update set name = excluded.name, email = excluded.email, mobile = excluded.mobile, landline = excluded.landline,
       region = excluded.region, street = excluded.street, postcode = excluded.postcode, registered_at = excluded.registered_at, updated_at = now()`,
    [d.institutionId, d.name, d.email, d.mobile, d.landline, JSON.stringify(d.region), d.street, d.postcode, d.registeredAt],
  );
}

export async function institutionNameChanged(client: PoolClient, d: InstitutionNameChangedV1): Promise<void> {
  await client.query('update ms_institutions set name = $2, updated_at = now() where institution_id = $1', [d.institutionId, d.name]);
}

export async function institutionProfileUpdated(client: PoolClient, d: InstitutionProfileUpdatedV1): Promise<void> {
  await client.query(
    'update ms_institutions set landline = $2, region = $3, street = $4, postcode = $5, mobile = $6, updated_at = now() where institution_id = $1',
    [d.institutionId, d.landline, JSON.stringify(d.region), d.street, d.postcode, d.mobile],
  );
}

export async function emailChanged(client: PoolClient, d: EmailChangedV1): Promise<void> {
  await client.query('update ms_institutions set email = $2, updated_at = now() where institution_id = $1', [d.institutionId, d.email]);
}
