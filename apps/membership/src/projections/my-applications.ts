import type { PoolClient } from 'pg';
import type { Projection, StoredEvent } from '@lsc/event-sourcing';
import type { ApplicationEvent } from '../domain';

/** 我的申请: one row per application stream, for the institution's list and staff look-ups. */
export const myApplicationsProjection: Projection = {
  name: 'my_applications',
  version: 1,
  streamTypes: ['membership-application'],
  createTable: (t) => `
    create table ${t} (
      application_id uuid primary key,
      institution_id uuid not null,
      institution_name text not null,
      kind text not null,
      status text not null,
      qualification_code text not null,
      qualification_name text not null,
      staff_tier_name text not null,
      organisation_type text not null,
      years integer not null,
      fee_per_year_fen bigint not null,
      amount_due_fen bigint not null,
      term_start date not null,
      term_end date not null,
      payment_order jsonb,
      paid_on date,
      started_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index on ${t} (institution_id, started_at desc);`,
  async apply(client: PoolClient, t: string, stored: StoredEvent): Promise<void> {
    const event = stored as unknown as ApplicationEvent;
    const id = stored.streamId.replace(/^application-/, '');
    const at = stored.metadata.occurredAt;
    switch (event.type) {
      case 'ApplicationStarted': {
        const d = event.data;
        await client.query(
          `insert into ${t} values ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, null, null, $14, $14) on conflict do nothing`,
          [id, d.institutionId, d.institutionName, d.kind, d.qualification.code, d.qualification.name, d.staffTier.name, d.organisationType, d.years, d.quote.feePerYearFen, d.quote.amountDueFen, d.termStart, d.termEnd, d.startedAt],
        );
        return;
      }
      case 'ApplicationSubmitted': {
        const { termStart, termEnd } = event.data;
        await client.query(
          `update ${t} set status = 'submitted', term_start = coalesce($3, term_start), term_end = coalesce($4, term_end), updated_at = $2 where application_id = $1`,
          [id, at, termStart ?? null, termEnd ?? null],
        );
        return;
      }
      case 'ApplicationRequoted':
        await client.query(
          `update ${t} set fee_per_year_fen = $2, amount_due_fen = $3, term_start = coalesce($5, term_start), term_end = coalesce($6, term_end), updated_at = $4 where application_id = $1`,
          [id, event.data.quote.feePerYearFen, event.data.quote.amountDueFen, at, event.data.termStart ?? null, event.data.termEnd ?? null],
        );
        return;
      case 'PaymentOrderRecorded': {
        const { orderId, amountDueFen, payee, transferRemark, paymentCode } = event.data;
        await client.query(`update ${t} set status = 'awaiting_payment', payment_order = $2, updated_at = $3 where application_id = $1`, [id, JSON.stringify({ orderId, amountDueFen, payee, transferRemark, paymentCode }), at]);
        return;
      }
      case 'ApplicationPaid':
        await client.query(`update ${t} set status = 'paid', paid_on = $2, updated_at = $3 where application_id = $1`, [id, event.data.paidOn, at]);
        return;
      case 'ApplicationCancelled':
        await client.query(`update ${t} set status = 'cancelled', updated_at = $2 where application_id = $1`, [id, at]);
        return;
      case 'PaymentOrderIssuedForCancelledApplication':
      case 'PaymentReceivedForCancelledApplication':
        return;
    }
  },
};
