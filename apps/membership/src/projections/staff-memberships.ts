import type { PoolClient } from 'pg';
import type { Projection, StoredEvent } from '@lsc/event-sourcing';
import type { MembershipEvent } from '../domain';

/**
 * Staff search over memberships and the certificate-mailing work list (certificate_due). The institution's name and
 * registered region are joined from ms_institutions at read time, so a renamed institution is found by its new name.
 */
export const staffMembershipsProjection: Projection = {
  name: 'staff_memberships',
  // v2: terms (each paid term, for current cover vs. paid renewal), address changes, renewals taken back by a reversal.
  version: 2,
  streamTypes: ['membership'],
  createTable: (t) => `
    create table ${t} (
      membership_id uuid primary key,
      institution_id uuid not null,
      member_number text,
      status text not null,
      qualification_code text,
      qualification_name text,
      member_since date,
      valid_from date,
      valid_to date,
      activations integer not null default 0,
      certificate_due boolean not null default false,
      certificate_application_id uuid,
      mailing_address jsonb,
      last_mailing jsonb,
      terms jsonb not null default '[]',
      updated_at timestamptz not null
    );
    create index on ${t} (institution_id);
    create index on ${t} (member_number);
    create index on ${t} (valid_to);`,
  async apply(client: PoolClient, t: string, stored: StoredEvent): Promise<void> {
    const event = stored as unknown as MembershipEvent;
    const id = stored.streamId.replace(/^membership-/, '');
    const at = stored.metadata.occurredAt;
    switch (event.type) {
      case 'MembershipRegistered':
        await client.query(`insert into ${t} (membership_id, institution_id, status, updated_at) values ($1, $2, 'pending_payment', $3) on conflict do nothing`, [id, event.data.institutionId, at]);
        return;
      case 'MembershipActivated': {
        const d = event.data;
        const term = { applicationId: d.applicationId, orderId: d.orderId, kind: d.kind, years: d.years, paidOn: d.paidOn, validFrom: d.validFrom, validTo: d.validTo };
        await client.query(
          `insert into ${t} (membership_id, institution_id, member_number, status, qualification_code, qualification_name, member_since, valid_from, valid_to, activations,
                             certificate_due, certificate_application_id, mailing_address, terms, updated_at)
           values ($1, $2, $3, 'active', $4, $5, $6, $7, $8, 1, true, $9, $10, jsonb_build_array($12::jsonb), $11)
           on conflict (membership_id) do update set member_number = excluded.member_number, status = 'active', qualification_code = excluded.qualification_code,
             qualification_name = excluded.qualification_name, member_since = excluded.member_since, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
             activations = ${t}.activations + 1, certificate_due = true, certificate_application_id = excluded.certificate_application_id,
             mailing_address = excluded.mailing_address, terms = ${t}.terms || excluded.terms, updated_at = excluded.updated_at`,
          [id, d.institutionId, d.memberNumber, d.qualification.code, d.qualification.name, d.memberSince, d.validFrom, d.validTo, d.applicationId, JSON.stringify(d.mailingAddress), at, JSON.stringify(term)],
        );
        return;
      }
      case 'MembershipEnteredGrace':
        await client.query(`update ${t} set status = 'grace', updated_at = $2 where membership_id = $1`, [id, at]);
        return;
      case 'MembershipExpired':
        await client.query(`update ${t} set status = 'expired', updated_at = $2 where membership_id = $1`, [id, at]);
        return;
      case 'MembershipStatusOverridden':
        await client.query(`update ${t} set status = $2, updated_at = $3 where membership_id = $1`, [id, event.data.to, at]);
        return;
      case 'MembershipCancelled':
        await client.query(`update ${t} set status = 'cancelled', updated_at = $2 where membership_id = $1`, [id, at]);
        return;
      case 'CertificateMailed': {
        const { carrier, trackingNumber, mailedAt, applicationId } = event.data;
        await client.query(`update ${t} set certificate_due = false, last_mailing = $2, updated_at = $3 where membership_id = $1`, [id, JSON.stringify({ carrier, trackingNumber, mailedAt, applicationId }), at]);
        return;
      }
      case 'MembershipPaymentReversed': {
        const d = event.data;
        if (d.undone === 'renewal' && d.term && d.validToAfter) {
          // Only the renewed term is taken back: its certificate is no longer due; the cover ends where it did before.
          await client.query(
            `update ${t} set status = $2, valid_to = $3, terms = (select coalesce(jsonb_agg(x), '[]') from jsonb_array_elements(terms) x where x->>'orderId' <> $4),
               certificate_due = case when certificate_application_id::text = $5 then false else certificate_due end, updated_at = $6 where membership_id = $1`,
            [id, d.statusAfter, d.validToAfter, d.orderId, d.term.applicationId, at],
          );
          return;
        }
        await client.query(`update ${t} set status = $2, updated_at = $3 where membership_id = $1`, [id, d.statusAfter, at]);
        return;
      }
      case 'MembershipPaymentRestored': {
        const d = event.data;
        if (d.term) {
          const { applicationId, orderId, kind, years, paidOn, validFrom, validTo } = d.term;
          await client.query(
            `update ${t} set status = $2, valid_to = greatest(valid_to, $3::date), terms = terms || jsonb_build_array($4::jsonb),
               certificate_due = case when certificate_application_id::text = $5 and coalesce(last_mailing->>'applicationId', '') <> $5 then true else certificate_due end,
               updated_at = $6 where membership_id = $1`,
            [id, d.statusAfter, validTo, JSON.stringify({ applicationId, orderId, kind, years, paidOn, validFrom, validTo }), applicationId, at],
          );
          return;
        }
        await client.query(`update ${t} set status = $2, updated_at = $3 where membership_id = $1`, [id, d.statusAfter, at]);
        return;
      }
      case 'CertificateAddressChanged':
        await client.query(`update ${t} set mailing_address = $2, updated_at = $4 where membership_id = $1 and certificate_application_id::text = $3`, [
          id,
          JSON.stringify(event.data.mailingAddress),
          event.data.applicationId,
          at,
        ]);
        return;
      case 'MembershipExpiring':
        return;
    }
  },
};
