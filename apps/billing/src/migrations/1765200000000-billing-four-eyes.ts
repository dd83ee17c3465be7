import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 双人复核 (FOUR_EYES_FEN): billing_transfers.status 'pending_approval' for a match above the limit proposed by one
 * finance user and not yet approved by another, and pending_match with what would be booked (allocations, proposer,
 * the status to go back to). Written with the TransferMatchProposed event on the transfer stream.
 */
export class BillingFourEyes1765200000000 implements MigrationInterface {
  name = 'BillingFourEyes1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table billing_transfers drop constraint billing_transfers_status_check');
    await q.query(`alter table billing_transfers add constraint billing_transfers_status_check check (status in ('matched', 'suggested', 'unmatched', 'rejected', 'set_aside', 'pending_approval'))`);
    await q.query('alter table billing_transfers add column pending_match jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table billing_transfers drop column pending_match');
    await q.query('alter table billing_transfers drop constraint billing_transfers_status_check');
    await q.query(`alter table billing_transfers add constraint billing_transfers_status_check check (status in ('matched', 'suggested', 'unmatched', 'rejected', 'set_aside'))`);
  }
}
