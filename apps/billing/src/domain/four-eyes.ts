import { DomainError } from '@lsc/event-sourcing';
import type { MatchDecision } from '../reconciliation/types';
import type { Allocation, TransferEvent, TransferMatched, TransferStatus } from './transfer';

/**
 * 双人复核 (four-eyes) for money: with FOUR_EYES_FEN set, a credit above that amount takes effect only when a second,
 * different finance user approves. A manual confirmation or match of such a credit becomes a proposal (pending
 * approval) instead of a payment; an import never books such a credit by itself, it goes to the review queue.
 * Unset, everything is immediate as before. Pure functions: the threshold comes from configuration, the caller's
 * identity and time from the command metadata.
 */
export const needsSecondApproval = (amountFen: number, fourEyesFen: number | undefined): boolean => fourEyesFen !== undefined && amountFen > fourEyesFen;

export const FOUR_EYES_NOTE = '金额超过双人复核限额：须由财务确认，并由另一位财务人员审批后入账';

/** The importer's decision for one credit: an automatic match above the limit becomes a suggestion for finance. */
export function holdLargeCredit(decision: MatchDecision, amountFen: number, fourEyesFen: number | undefined): MatchDecision {
  if (decision.kind !== 'auto' || !needsSecondApproval(amountFen, fourEyesFen)) return decision;
  return { kind: 'suggest', candidates: [{ orderId: decision.orderId, score: decision.confidence, reasons: decision.reasons }], notes: [...decision.notes, FOUR_EYES_NOTE] };
}

/** A match waiting for the second finance user: what would be booked, who proposed it, and the status to go back to. */
export interface PendingMatch {
  readonly matchId: string;
  readonly allocations: readonly Allocation[];
  readonly confidence: number;
  readonly reasons: readonly string[];
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly previousStatus: TransferStatus;
}

/**
 * A decided TransferMatched above the limit is held: TransferMatchProposed instead (nothing is paid). Other events,
 * and everything when the limit is unset or not exceeded, pass unchanged.
 */
export function holdForApproval(events: readonly TransferEvent[], transfer: { amountFen: number; status: TransferStatus }, fourEyesFen: number | undefined): TransferEvent[] {
  if (!needsSecondApproval(transfer.amountFen, fourEyesFen)) return [...events];
  return events.map((e) => {
    if (e.type !== 'TransferMatched') return e;
    const { matchId, transferId, allocations, confidence, reasons, actor, at } = e.data;
    return { type: 'TransferMatchProposed', schemaVersion: 1, data: { transferId, pending: { matchId, allocations, confidence, reasons, proposedBy: actor, proposedAt: at, previousStatus: transfer.status }, fourEyesFen: fourEyesFen!, actor, at } };
  });
}

/** The second finance user's decision on a pending match: approve (the match is booked now) or send it back. */
export function decideApproval(
  command: { type: 'ApproveMatch' } | { type: 'RejectProposedMatch'; reason: string },
  transfer: { transferId: string; status: TransferStatus; pending?: PendingMatch | null },
  metadata: { actor: string; now: string },
): TransferEvent[] {
  const { actor, now: at } = metadata;
  const pending = transfer.pending;
  if (transfer.status !== 'pending_approval' || !pending) throw new DomainError('NO_PENDING_APPROVAL', '该笔到账没有待审批的匹配', { transferId: transfer.transferId });
  if (pending.proposedBy === actor) throw new DomainError('SAME_APPROVER', '不能审批自己提交的匹配：须由另一位财务人员审批', { transferId: transfer.transferId });
  if (command.type === 'RejectProposedMatch') {
    const reason = command.reason?.trim();
    if (!reason || reason.length > 500) throw new DomainError('INVALID_REASON', '请填写退回原因（不超过500字）');
    return [{ type: 'TransferMatchProposalRejected', schemaVersion: 1, data: { transferId: transfer.transferId, matchId: pending.matchId, proposedBy: pending.proposedBy, reason, actor, at } }];
  }
  const matched: TransferMatched = {
    type: 'TransferMatched',
    schemaVersion: 1,
    data: { matchId: pending.matchId, transferId: transfer.transferId, allocations: pending.allocations.map((a) => ({ ...a })), mode: 'manual', confidence: pending.confidence, reasons: [...pending.reasons, '第二位财务审批'], actor, at },
  };
  return [{ type: 'TransferMatchApproved', schemaVersion: 1, data: { transferId: transfer.transferId, matchId: pending.matchId, proposedBy: pending.proposedBy, actor, at } }, matched];
}
