import { DomainError, type Command, type DomainEvent } from '@lsc/event-sourcing';
import type { TransferSnapshot } from './transfer';

/**
 * 非会费款项: a credit on the society's account that is not a dues payment (图书款, a conference fee, a donation)
 * would otherwise sit in the review queue and the unmatched report for ever. Finance sets it aside with a reason;
 * the decision is reversible (UndoSetAside puts it back as unmatched) and both are audited on the transfer's stream.
 */
export type SetAsideCommand = Command<'SetAsideAsNonDues', { readonly reason: string }> | Command<'UndoSetAside', { readonly reason: string }>;

export type TransferSetAsideEvent = DomainEvent<'TransferSetAside', { readonly transferId: string; readonly reason: string; readonly previousStatus: string; readonly actor: string; readonly at: string }>;
export type TransferSetAsideUndoneEvent = DomainEvent<'TransferSetAsideUndone', { readonly transferId: string; readonly reason: string; readonly actor: string; readonly at: string }>;
export type SetAsideEvent = TransferSetAsideEvent | TransferSetAsideUndoneEvent;

const reasonOf = (raw: string | undefined, what: string): string => {
  const reason = raw?.trim();
  if (!reason || reason.length > 500) throw new DomainError('INVALID_REASON', `请填写${what}原因（不超过500字）`);
  return reason;
};

export function decideSetAside(command: SetAsideCommand, transfer: TransferSnapshot): SetAsideEvent[] {
  const { now: at, actor } = command.metadata;
  if (command.type === 'SetAsideAsNonDues') {
    if (transfer.status === 'matched') throw new DomainError('TRANSFER_ALREADY_MATCHED', '该笔到账已匹配缴费单，请先冲正再标记为非会费款项', { transferId: transfer.transferId });
    if (transfer.status === 'pending_approval') throw new DomainError('TRANSFER_PENDING_APPROVAL', '该笔到账有待审批的匹配，请先审批或退回', { transferId: transfer.transferId });
    if (transfer.status === 'set_aside') throw new DomainError('TRANSFER_ALREADY_SET_ASIDE', '该笔到账已标记为非会费款项', { transferId: transfer.transferId });
    return [{ type: 'TransferSetAside', schemaVersion: 1, data: { transferId: transfer.transferId, reason: reasonOf(command.data.reason, '标记'), previousStatus: transfer.status, actor, at } }];
  }
  if (transfer.status !== 'set_aside') throw new DomainError('TRANSFER_NOT_SET_ASIDE', '该笔到账未标记为非会费款项，无需撤销', { transferId: transfer.transferId });
  return [{ type: 'TransferSetAsideUndone', schemaVersion: 1, data: { transferId: transfer.transferId, reason: reasonOf(command.data.reason, '撤销'), actor, at } }];
}
