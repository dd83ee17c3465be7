import type { TransferFollowUpRequestedV1 } from '@lsc/contracts';
import { DomainError } from '@lsc/event-sourcing';

/**
 * A payer's account in a mail to someone who may not hold it: `****` and the last four characters (what banks print on
 * receipts), nothing when the bank gave no account. Separators inside the number are not characters of it.
 */
export function maskAccount(account: string): string {
  const chars = account.replace(/[^0-9A-Za-z]/g, '');
  return chars ? `****${chars.slice(-4)}` : '';
}

/** Billing's own record of the credit, as the read model holds it. */
export interface FollowUpTransfer {
  transferId: string;
  status: string;
  bankReference: string | null;
  bookedOn: string;
  amountFen: number;
  payerName: string;
  payerAccount: string;
  remark: string;
}

const OPEN = new Set(['unmatched', 'rejected']);

/**
 * Finance asks an institution about a credit no order took. Only an open (unmatched) credit: a matched one needs no
 * question, and a credit set aside as 非会费款项 is not the institution's business. Everything in the mail comes from
 * `transfer` (billing's record); the request contributes only who is asked and who asks.
 */
export function decideFollowUp(
  transfer: FollowUpTransfer,
  institution: { institutionId: string; name: string },
  command: { followUpId: string; actor: string; now: string },
): TransferFollowUpRequestedV1 {
  if (!OPEN.has(transfer.status)) throw new DomainError('TRANSFER_NOT_OPEN', '该到账已匹配或已标记为非会费款项，无需向单位发送核对邮件');
  return {
    followUpId: command.followUpId,
    transferId: transfer.transferId,
    institutionId: institution.institutionId,
    institutionName: institution.name.slice(0, 200),
    bankReference: (transfer.bankReference ?? '').slice(0, 100),
    bookedOn: transfer.bookedOn,
    amountFen: transfer.amountFen,
    payerName: transfer.payerName.slice(0, 200),
    payerAccountMasked: maskAccount(transfer.payerAccount),
    remark: transfer.remark.slice(0, 500),
    requestedBy: command.actor.slice(0, 100),
    at: command.now,
  };
}
