import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DomainError, PostgresEventStore, withTransaction, type NewEvent } from '@lsc/event-sourcing';
import { PG_POOL } from '@lsc/messaging';
import { CONFIG, currentCorrelationId } from '@lsc/service-kit';
import type { BillingConfig } from '../config';
import { decideApproval, decideTransfer, holdForApproval, type Allocation, type PendingMatch, type TransferCommand, type TransferEvent, type TransferSnapshot } from '../domain';
import { PaymentOrders } from '../orders/payment-orders';
import { metadataFor } from '../shared';
import { paymentMatchedMessage } from './transfer-messages';

export const transferStream = (transferId: string): string => `transfer-${transferId}`;

interface TransferRow {
  transfer_id: string;
  amount_fen: string;
  status: TransferSnapshot['status'];
  candidates: TransferSnapshot['candidates'];
  booked_on: string;
  payer_name: string;
  payer_account: string;
  allocations: Allocation[];
  pending_match: PendingMatch | null;
}

/**
 * Finance's review-queue actions: confirm a suggestion, reject it, or allocate a transfer by hand. Each is audited.
 * With FOUR_EYES_FEN set, a confirmation or match above it is only proposed (pending_approval) until a second,
 * different finance user approves it (domain/four-eyes.ts).
 */
@Injectable()
export class TransferActions {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly orders: PaymentOrders,
    @Inject(CONFIG) private readonly config: BillingConfig,
  ) {}

  confirm(transferId: string, orderId: string, actor: string) {
    return this.decide(transferId, actor, (metadata) => ({ type: 'ConfirmSuggestion', data: { orderId, matchId: randomUUID() }, metadata }));
  }

  reject(transferId: string, reason: string, actor: string) {
    return this.decide(transferId, actor, (metadata) => ({ type: 'RejectSuggestion', data: { reason }, metadata }));
  }

  /** Undoes a confirmed match: the orders' payments are reversed (audited on both streams), the transfer is open again. */
  reverse(transferId: string, reason: string, actor: string) {
    return this.decide(transferId, actor, (metadata) => ({ type: 'ReverseMatch', data: { reason }, metadata }));
  }

  matchManually(transferId: string, allocations: Allocation[], actor: string) {
    return this.decide(transferId, actor, (metadata) => ({ type: 'MatchManually', data: { allocations, matchId: randomUUID() }, metadata }));
  }

  /** 双人复核: a second, different finance user books the pending match. */
  approve(transferId: string, actor: string) {
    return this.run(transferId, actor, 'ApproveMatch', (snapshot, pending, metadata) => decideApproval({ type: 'ApproveMatch' }, { ...snapshot, pending }, metadata));
  }

  /** 双人复核: the second finance user sends the proposal back; the credit is open again as before the proposal. */
  rejectProposal(transferId: string, reason: string, actor: string) {
    return this.run(transferId, actor, 'RejectProposedMatch', (snapshot, pending, metadata) => decideApproval({ type: 'RejectProposedMatch', reason }, { ...snapshot, pending }, metadata));
  }

  private decide(transferId: string, actor: string, build: (m: ReturnType<typeof metadataFor>) => TransferCommand) {
    return this.run(transferId, actor, undefined, (snapshot, _pending, metadata) => {
      const command = build(metadata);
      return { commandType: command.type, events: holdForApproval(decideTransfer(command, snapshot), snapshot, this.config.FOUR_EYES_FEN) };
    });
  }

  private async run(
    transferId: string,
    actor: string,
    fixedCommandType: string | undefined,
    decide: (snapshot: TransferSnapshot, pending: PendingMatch | null, metadata: ReturnType<typeof metadataFor>) => TransferEvent[] | { commandType: string; events: TransferEvent[] },
  ): Promise<{ transferId: string; status: string; orders: Array<{ orderId: string; status: string }> }> {
    const metadata = metadataFor(actor, currentCorrelationId());
    return withTransaction(this.pool, async (client) => {
      // The row lock serialises two finance users acting on the same transfer.
      const r = await client.query<TransferRow>(
        `select transfer_id, amount_fen, status, candidates, allocations, pending_match, to_char(booked_on, 'YYYY-MM-DD') as booked_on, payer_name, payer_account from billing_transfers where transfer_id = $1 for update`,
        [transferId],
      );
      const row = r.rows[0];
      if (!row) throw new DomainError('TRANSFER_NOT_FOUND', '银行到账记录不存在');
      const snapshot: TransferSnapshot = { transferId, amountFen: Number(row.amount_fen), status: row.status, candidates: row.candidates, allocations: row.allocations };
      const decided = decide(snapshot, row.pending_match, metadata);
      const { commandType, events } = Array.isArray(decided) ? { commandType: fixedCommandType!, events: decided } : decided;
      const orderIds = events.flatMap((e) => (e.type === 'TransferMatched' ? e.data.allocations.map((a) => a.orderId) : []));
      const institutions = await this.institutionsOf(client, orderIds);
      const stored: NewEvent[] = events.map((e) => ({ eventId: randomUUID(), type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: { correlationId: metadata.correlationId, actor, occurredAt: metadata.now, commandType } }));
      const outbox = events.flatMap((e) => (e.type === 'TransferMatched' ? [paymentMatchedMessage(this.config.BILLING_TOPIC, e.data, randomUUID(), metadata.correlationId)] : []));
      await this.store.append(transferStream(transferId), 'transfer', 'any', stored, { outbox, client });
      const result: Array<{ orderId: string; status: string }> = [];
      for (const e of events) {
        if (e.type === 'TransferMatchReversed') {
          for (const a of e.data.allocations) {
            const decided = await this.orders.reversePayment(a.orderId, { transferId, reason: e.data.reason }, metadata, client);
            result.push({ orderId: a.orderId, status: decided.state.status });
          }
          // Open again, for finance to match correctly; what the confirmed match taught (payer account, alias) stays.
          await client.query(
            `update billing_transfers set status = 'unmatched', allocations = '[]', match_mode = null, confidence = null, reasons = '[]', notes = notes || $2::jsonb, decided_by = $3, decided_at = now() where transfer_id = $1`,
            [transferId, JSON.stringify([`匹配已撤销：${e.data.reason}`]), actor],
          );
          continue;
        }
        if (e.type === 'TransferMatchProposed') {
          await client.query(`update billing_transfers set status = 'pending_approval', pending_match = $2, notes = notes || $3::jsonb, decided_by = $4, decided_at = now() where transfer_id = $1`, [
            transferId,
            JSON.stringify(e.data.pending),
            JSON.stringify(['已提交双人复核：待另一位财务人员审批后入账']),
            actor,
          ]);
          continue;
        }
        if (e.type === 'TransferMatchProposalRejected') {
          await client.query(`update billing_transfers set status = $2, pending_match = null, notes = notes || $3::jsonb, decided_by = $4, decided_at = now() where transfer_id = $1`, [
            transferId,
            row.pending_match!.previousStatus,
            JSON.stringify([`双人复核退回：${e.data.reason}`]),
            actor,
          ]);
          continue;
        }
        // Approved: the TransferMatched that follows books it.
        if (e.type === 'TransferMatchApproved') continue;
        if (e.type === 'SuggestionRejected') {
          await client.query(`update billing_transfers set status = 'rejected', notes = notes || $2::jsonb, decided_by = $3, decided_at = now() where transfer_id = $1`, [
            transferId,
            JSON.stringify([`建议已驳回：${e.data.reason}`]),
            actor,
          ]);
          continue;
        }
        await client.query(`update billing_transfers set status = 'matched', pending_match = null, allocations = $2, match_mode = 'manual', confidence = $3, reasons = $4, decided_by = $5, decided_at = now() where transfer_id = $1`, [
          transferId,
          JSON.stringify(e.data.allocations),
          e.data.confidence,
          JSON.stringify(e.data.reasons),
          actor,
        ]);
        for (const a of e.data.allocations) {
          const decided = await this.orders.applyPayment({ orderId: a.orderId, transferId, amountFen: a.amountFen, matchId: e.data.matchId, bookedOn: row.booked_on }, metadata, client);
          await this.orders.learnPayer(client, institutions.get(a.orderId)!, row.payer_name, row.payer_account);
          result.push({ orderId: a.orderId, status: decided.state.status });
        }
      }
      const after = await client.query<{ status: string }>('select status from billing_transfers where transfer_id = $1', [transferId]);
      return { transferId, status: after.rows[0].status, orders: result };
    });
  }

  private async institutionsOf(client: PoolClient, orderIds: string[]): Promise<Map<string, string>> {
    if (orderIds.length === 0) return new Map();
    const r = await client.query<{ order_id: string; institution_id: string }>('select order_id, institution_id from billing_orders where order_id = any($1::uuid[])', [orderIds]);
    const found = new Map(r.rows.map((x) => [x.order_id, x.institution_id]));
    const missing = orderIds.find((id) => !found.has(id));
    if (missing) throw new DomainError('ORDER_NOT_FOUND', '缴费单不存在', { orderId: missing });
    return found;
  }
}
