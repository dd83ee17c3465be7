import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested } from 'class-validator';
import { defineContract } from '../contract';
import { IsFen, MailingAddressV1, exampleRegion } from '../shared';
import { MEMBERSHIP_TOPIC, MembershipLifecycleV1, MembershipPaymentReversedV1 } from './events';

/**
 * Contracts of the renewal, reminder, address-change and reversal notices (issue #24). Kept apart from events.ts so
 * the v2 shapes and their reasons sit together; v1 of each changed contract stays registered so messages already on
 * the topic still parse.
 */

/** Calendar dates (Asia/Shanghai) travel as YYYY-MM-DD strings, never as instants. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const MEMBERSHIP_ID = '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04';
const INSTITUTION_ID = '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01';
const APPLICATION_ID = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03';
const RENEWAL_ID = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0b03';

/** A renewal application of the member that is not paid yet, as the expiry reminder mentions it. */
export class PendingRenewalV2 {
  @IsUUID() applicationId!: string;
  /** submitted: the payment order is being issued; awaiting_payment: the order is out and unpaid. */
  @IsIn(['submitted', 'awaiting_payment']) status!: 'submitted' | 'awaiting_payment';
  @IsOptional() @IsFen() amountDueFen?: number;
}

/**
 * v2 because v1 carried only the reminder threshold (daysBefore: 30) and mails printed it as the days left; v2 adds
 * the real number of Shanghai calendar days left and the renewal waiting for payment, if any.
 */
export class MembershipExpiringV2 extends MembershipLifecycleV1 {
  /** Whole Asia/Shanghai calendar days from the reminder's day to the end of term (0 on the last day). */
  @IsInt() @Min(0) daysLeft!: number;
  @IsOptional() @ValidateNested() @Type(() => PendingRenewalV2) pendingRenewal?: PendingRenewalV2;
}
export const MembershipExpiringV2Contract = defineContract({
  type: 'membership.MembershipExpiring',
  schemaVersion: 2,
  topic: MEMBERSHIP_TOPIC,
  payload: MembershipExpiringV2,
  example: {
    membershipId: MEMBERSHIP_ID,
    institutionId: INSTITUTION_ID,
    memberNumber: 'LSC-U-2026-000001',
    validTo: '2028-12-31',
    daysBefore: 30,
    daysLeft: 23,
    pendingRenewal: { applicationId: RENEWAL_ID, status: 'awaiting_payment', amountDueFen: 600000 },
    at: '2028-12-08T04:00:00.000Z',
  },
});

/**
 * v2 because the notice needs to say what was undone: a renewal term (the member stays covered until `validTo`) or
 * the membership itself (suspended until the order is paid again). Membership publishes only v2 from now on.
 */
export class MembershipPaymentReversedV2 extends MembershipPaymentReversedV1 {
  @IsUUID() applicationId!: string;
  @IsIn(['new', 'renewal']) kind!: 'new' | 'renewal';
  /** renewal: only the renewed term was taken back; membership: the membership is suspended (payment_reversed). */
  @IsIn(['renewal', 'membership']) undone!: 'renewal' | 'membership';
  @IsIn(['active', 'grace', 'expired', 'payment_reversed']) status!: 'active' | 'grace' | 'expired' | 'payment_reversed';
  /** The term that was taken back. */
  @Matches(DATE) termFrom!: string;
  @Matches(DATE) termTo!: string;
  /** Last day still covered after the reversal (absent when the membership is suspended). */
  @IsOptional() @Matches(DATE) validTo?: string;
  @IsFen() amountFen!: number;
}
export const MembershipPaymentReversedV2Contract = defineContract({
  type: 'membership.MembershipPaymentReversed',
  schemaVersion: 2,
  topic: MEMBERSHIP_TOPIC,
  payload: MembershipPaymentReversedV2,
  example: {
    membershipId: MEMBERSHIP_ID,
    institutionId: INSTITUTION_ID,
    memberNumber: 'LSC-U-2026-000001',
    applicationId: RENEWAL_ID,
    orderId: '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0b05',
    transferId: '5a1d2e3f-5555-4a55-9f77-2d1c1f7f0a07',
    reason: '匹配错误：该笔到账属于同名的另一单位',
    kind: 'renewal',
    undone: 'renewal',
    status: 'active',
    termFrom: '2029-01-01',
    termTo: '2029-12-31',
    validTo: '2028-12-31',
    amountFen: 600000,
    at: '2028-12-04T02:00:00.000Z',
  },
});

/** The institution (or member_admin) changed the 寄送地址 of a confirmed application before the certificate shipped. */
export class MailingAddressChangedV1 {
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsIn(['new', 'renewal']) kind!: 'new' | 'renewal';
  @ValidateNested() @Type(() => MailingAddressV1) mailingAddress!: MailingAddressV1;
  @ValidateNested() @Type(() => MailingAddressV1) previousMailingAddress!: MailingAddressV1;
  /** True when staff (member_admin) made the change on the institution's behalf. */
  @IsBoolean() changedByStaff!: boolean;
  @IsString() @Length(1, 100) changedBy!: string;
  @IsISO8601() changedAt!: string;
}
export const MailingAddressChanged = defineContract({
  type: 'membership.MailingAddressChanged',
  schemaVersion: 1,
  topic: MEMBERSHIP_TOPIC,
  payload: MailingAddressChangedV1,
  example: {
    applicationId: APPLICATION_ID,
    institutionId: INSTITUTION_ID,
    kind: 'new',
    mailingAddress: { recipient: '李四', mobile: '13900139000', region: exampleRegion, street: '北京路8号', postcode: '237000' },
    previousMailingAddress: { recipient: '张三', mobile: '13800138000', landline: '010-8080775', region: exampleRegion, street: '南京路1号', postcode: '710061' },
    changedByStaff: false,
    changedBy: INSTITUTION_ID,
    changedAt: '2026-09-02T03:00:00.000Z',
  },
});

export const renewalContracts = [MembershipExpiringV2Contract, MembershipPaymentReversedV2Contract, MailingAddressChanged] as const;
