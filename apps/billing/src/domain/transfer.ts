import { DomainError, type Command, type DomainEvent } from '@lsc/event-sourcing';
import type { PendingMatch } from './four-eyes';

/**
 * Finance's decisions on one imported bank credit (银行到账). The transfer's current standing comes from the
 * transfers read model, read under a row lock by the caller and passed in: decisions stay pure and replayable, and
 * each decision is an audited event on the transfer's own stream (actor and time in the event).
 */

/** set_aside: 非会费款项, taken out of the queue by finance (domain/transfer-set-aside.ts). */
/** pending_approval: a match above FOUR_EYES_FEN waiting for a second finance user (domain/four-eyes.ts). */
export type TransferStatus = 'matched' | 'suggested' | 'unmatched' | 'rejected' | 'set_aside' | 'pending_approval';

export interface TransferSnapshot {
  readonly transferId: string;
  readonly amountFen: number;
  readonly status: TransferStatus;
  readonly candidates: readonly { readonly orderId: string; readonly score: number; readonly reasons: readonly string[] }[];
  /** The orders a matched transfer was applied to (empty unless matched). */
  readonly allocations?: readonly Allocation[];
}

export interface Allocation {
  readonly orderId: string;
  readonly amountFen: number;
}

export type TransferCommand =
  | Command<'ConfirmSuggestion', { readonly orderId: string; readonly matchId: string }>
  | Command<'RejectSuggestion', { readonly reason: string }>
  | Command<'MatchManually', { readonly allocations: readonly Allocation[]; readonly matchId: string }>
  | Command<'ReverseMatch', { readonly reason: string }>;

export type TransferMatched = DomainEvent<
  'TransferMatched',
  {
    readonly matchId: string;
    readonly transferId: string;
    readonly allocations: readonly Allocation[];
    readonly mode: 'auto' | 'manual';
    readonly confidence: number;
    readonly reasons: readonly string[];
    readonly actor: string;
    readonly at: string;
  }
>;
export type SuggestionRejected = DomainEvent<'SuggestionRejected', { readonly transferId: string; readonly reason: string; readonly rejectedOrderIds: readonly string[]; readonly actor: string; readonly at: string }>;
/** Finance undoes a confirmed match (automatic or manual): each allocated order gets its payment reversed. */
export type TransferMatchReversed = DomainEvent<'TransferMatchReversed', { readonly transferId: string; readonly allocations: readonly Allocation[]; readonly reason: string; readonly actor: string; readonly at: string }>;
/** 双人复核: a match above FOUR_EYES_FEN proposed by one finance user, approved or sent back by another. */
export type TransferMatchProposed = DomainEvent<'TransferMatchProposed', { readonly transferId: string; readonly pending: PendingMatch; readonly fourEyesFen: number; readonly actor: string; readonly at: string }>;
export type TransferMatchApproved = DomainEvent<'TransferMatchApproved', { readonly transferId: string; readonly matchId: string; readonly proposedBy: string; readonly actor: string; readonly at: string }>;
export type TransferMatchProposalRejected = DomainEvent<'TransferMatchProposalRejected', { readonly transferId: string; readonly matchId: string; readonly proposedBy: string; readonly reason: string; readonly actor: string; readonly at: string }>;
export type TransferEvent = TransferMatched | SuggestionRejected | TransferMatchReversed | TransferMatchProposed | TransferMatchApproved | TransferMatchProposalRejected;

const OPEN: readonly TransferStatus[] = ['suggested', 'unmatched', 'rejected'];

function assertOpen(t: TransferSnapshot): void {
  if (t.status === 'matched') throw new DomainError('TRANSFER_ALREADY_MATCHED', '该笔到账已匹配，不能重复处理', { transferId: t.transferId });
  if (!OPEN.includes(t.status)) throw new DomainError('TRANSFER_NOT_OPEN', '该笔到账当前状态不允许此操作', { status: t.status });
}

export function decideTransfer(command: TransferCommand, transfer: TransferSnapshot): TransferEvent[] {
  const { now: at, actor } = command.metadata;
  if (command.type === 'ReverseMatch') {
    if (transfer.status !== 'matched' || !transfer.allocations?.length) throw new DomainError('TRANSFER_NOT_MATCHED', '该笔到账尚未匹配，无需撤销', { transferId: transfer.transferId });
    const reason = command.data.reason?.trim();
    if (!reason || reason.length > 500) throw new DomainError('INVALID_REASON', '请填写撤销原因（不超过500字）');
    return [{ type: 'TransferMatchReversed', schemaVersion: 1, data: { transferId: transfer.transferId, allocations: transfer.allocations.map((a) => ({ ...a })), reason, actor, at } }];
  }
  assertOpen(transfer);
  switch (command.type) {
    case 'ConfirmSuggestion': {
      if (transfer.status !== 'suggested') throw new DomainError('NO_SUGGESTION', '该笔到账没有待确认的匹配建议，请使用手工匹配');
      const candidate = transfer.candidates.find((c) => c.orderId === command.data.orderId);
      if (!candidate) throw new DomainError('NOT_A_SUGGESTED_ORDER', '所选缴费单不在匹配建议中，请使用手工匹配', { orderId: command.data.orderId });
      return [
        {
          type: 'TransferMatched',
          schemaVersion: 1,
          data: {
            matchId: command.data.matchId,
            transferId: transfer.transferId,
            allocations: [{ orderId: candidate.orderId, amountFen: transfer.amountFen }],
            mode: 'manual',
            confidence: candidate.score,
            reasons: [...candidate.reasons, '财务人工确认'],
            actor,
            at,
          },
        },
      ];
    }
    case 'RejectSuggestion': {
      if (transfer.status !== 'suggested') throw new DomainError('NO_SUGGESTION', '该笔到账没有待确认的匹配建议');
      const reason = command.data.reason?.trim();
      if (!reason || reason.length > 500) throw new DomainError('INVALID_REASON', '请填写驳回原因（不超过500字）');
      return [{ type: 'SuggestionRejected', schemaVersion: 1, data: { transferId: transfer.transferId, reason, rejectedOrderIds: transfer.candidates.map((c) => c.orderId), actor, at } }];
    }
    case 'MatchManually': {
      const allocations = command.data.allocations;
      if (!Array.isArray(allocations) || allocations.length === 0) throw new DomainError('NO_ALLOCATIONS', '请至少分配到一张缴费单');
      const seen = new Set<string>();
      let total = 0;
      for (const a of allocations) {
        if (!Number.isSafeInteger(a.amountFen) || a.amountFen <= 0) throw new DomainError('INVALID_AMOUNT', '分配金额须为正整数（分）', { orderId: a.orderId });
        if (seen.has(a.orderId)) throw new DomainError('DUPLICATE_ALLOCATION', '同一缴费单不能重复分配', { orderId: a.orderId });
        seen.add(a.orderId);
        total += a.amountFen;
      }
      if (total !== transfer.amountFen) throw new DomainError('ALLOCATION_TOTAL_MISMATCH', `分配合计须等于到账金额（到账 ${transfer.amountFen} 分，分配 ${total} 分）`, { total, amountFen: transfer.amountFen });
      return [
        {
          type: 'TransferMatched',
          schemaVersion: 1,
          data: { matchId: command.data.matchId, transferId: transfer.transferId, allocations: allocations.map((a) => ({ ...a })), mode: 'manual', confidence: 1, reasons: ['财务手工匹配'], actor, at },
        },
      ];
    }
  }
}
