import { IsFen } from '../shared';
import { IsISO8601, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { defineContract } from '../contract';
import { BILLING_TOPIC } from './events';

/**
 * Finance asks an institution whether an unmatched credit is theirs (issue #23 未匹配, #25 item 7). Billing publishes
 * it from its own record of the credit — never from what a request claimed — so the mail notification sends states
 * only what the bank reported. The payer's account is masked to its last four characters: the mail goes to whoever
 * finance thinks paid, who may not be the account holder.
 */
export class TransferFollowUpRequestedV1 {
  @IsUUID() followUpId!: string;
  @IsUUID() transferId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @MaxLength(200) institutionName!: string;
  @IsString() @MaxLength(100) bankReference!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) bookedOn!: string;
  @IsFen() amountFen!: number;
  @IsString() @MaxLength(200) payerName!: string;
  /** `****` and at most the account's last four characters; empty when the bank gave no account. */
  @Matches(/^(\*{4}[0-9A-Za-z]{1,4})?$/, { message: 'payerAccountMasked must be **** and at most four characters' }) payerAccountMasked!: string;
  @IsString() @MaxLength(500) remark!: string;
  @IsString() @MaxLength(100) requestedBy!: string;
  @IsISO8601() at!: string;
}

export const TransferFollowUpRequested = defineContract({
  type: 'billing.TransferFollowUpRequested',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: TransferFollowUpRequestedV1,
  example: {
    followUpId: '9e1d2e3f-9999-4a55-9f77-2d1c1f7f0a11',
    transferId: '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06',
    institutionId: '3f1d2e3f-3333-4a55-9f77-2d1c1f7f0a05',
    institutionName: '企业机构测试',
    bankReference: 'BOB20260903000123',
    bookedOn: '2026-09-03',
    amountFen: 1800000,
    payerName: '企业机构测试',
    payerAccountMasked: '****3445',
    remark: '企业机构测试＋ 会费',
    requestedBy: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03',
    at: '2026-09-05T02:00:00.000Z',
  },
});

export const transferFollowUpContracts = [TransferFollowUpRequested] as const;
