import { IsFen } from '../shared';
import { IsISO8601, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { defineContract } from '../contract';
import { BILLING_TOPIC } from './events';

/**
 * 非会费款项: finance set a credit aside as not a dues payment (e.g. 图书款 paid to the same account). It leaves the
 * review queue and the unmatched report; consumers that count open credits (alerts, reports) stop counting it.
 */
export class TransferSetAsideV1 {
  @IsUUID() transferId!: string;
  @IsUUID() statementId!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) bookedOn!: string;
  @IsFen() amountFen!: number;
  @IsString() @MaxLength(200) payerName!: string;
  @IsString() @Length(1, 500) reason!: string;
  @IsString() @MaxLength(100) setAsideBy!: string;
  @IsISO8601() at!: string;
}

export const TransferSetAside = defineContract({
  type: 'billing.TransferSetAside',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: TransferSetAsideV1,
  example: {
    transferId: '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06',
    statementId: '5a1d2e3f-5555-4a55-9f77-2d1c1f7f0a07',
    bookedOn: '2026-09-03',
    amountFen: 35000,
    payerName: '某某书店',
    reason: '图书款，非会费',
    setAsideBy: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03',
    at: '2026-09-04T02:00:00.000Z',
  },
});

/** A 非会费款项 decision undone: the credit is open again (unmatched) for finance to match. */
export class TransferSetAsideUndoneV1 {
  @IsUUID() transferId!: string;
  @IsString() @Length(1, 500) reason!: string;
  @IsString() @MaxLength(100) undoneBy!: string;
  @IsISO8601() at!: string;
}

export const TransferSetAsideUndone = defineContract({
  type: 'billing.TransferSetAsideUndone',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: TransferSetAsideUndoneV1,
  example: { transferId: '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06', reason: '核实后确为会费', undoneBy: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03', at: '2026-09-05T02:00:00.000Z' },
});

export const transferSetAsideContracts = [TransferSetAside, TransferSetAsideUndone] as const;
