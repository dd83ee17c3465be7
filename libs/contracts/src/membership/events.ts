import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { defineContract } from '../contract';
import { MailingAddressV1, exampleRegion } from '../shared';

export const MEMBERSHIP_TOPIC = 'membership.events.v1';

export const ORGANISATION_TYPES = ['企业单位', '事业单位', '社会团体', '机关', '其他'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/** Calendar dates (Asia/Shanghai) travel as YYYY-MM-DD strings, never as instants. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ApplicationSubmittedV1 {
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 200) institutionName!: string;
  @IsIn(['new', 'renewal']) kind!: 'new' | 'renewal';
  @IsOptional() @IsUUID() membershipId?: string;
  @IsString() @MaxLength(50) qualificationCode!: string;
  @IsString() @MaxLength(50) qualificationName!: string;
  @IsString() @MaxLength(50) staffTierCode!: string;
  @IsString() @MaxLength(50) staffTierName!: string;
  @IsInt() @Min(1) @Max(10) years!: number;
  @IsIn(ORGANISATION_TYPES) organisationType!: OrganisationType;
  @Matches(DATE) termStart!: string;
  @Matches(DATE) termEnd!: string;
  @ValidateNested() @Type(() => MailingAddressV1) mailingAddress!: MailingAddressV1;
  @IsString() @Length(1, 200) invoiceTitle!: string;
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/) creditCode!: string;
  @IsISO8601() submittedAt!: string;
}

const exampleApplication: ApplicationSubmittedV1 = {
  applicationId: '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03',
  institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
  institutionName: '企业机构测试',
  kind: 'new',
  qualificationCode: 'enterprise',
  qualificationName: '企业会员',
  staffTierCode: '1-30',
  staffTierName: '1-30人',
  years: 3,
  organisationType: '企业单位',
  termStart: '2026-09-01',
  termEnd: '2028-12-31',
  mailingAddress: { recipient: '张三', mobile: '13800138000', landline: '010-8080775', region: exampleRegion, street: '南京路1号', postcode: '710061' },
  invoiceTitle: '企业机构测试',
  creditCode: '91350100M000100Y43',
  submittedAt: '2026-09-01T01:05:00.000Z',
};

export const ApplicationSubmitted = defineContract({
  type: 'membership.ApplicationSubmitted',
  schemaVersion: 1,
  topic: MEMBERSHIP_TOPIC,
  payload: ApplicationSubmittedV1,
  example: exampleApplication,
});

export class ApplicationCancelledV1 {
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @MaxLength(500) reason!: string;
  @IsISO8601() cancelledAt!: string;
}

export const ApplicationCancelled = defineContract({
  type: 'membership.ApplicationCancelled',
  schemaVersion: 1,
  topic: MEMBERSHIP_TOPIC,
  payload: ApplicationCancelledV1,
  example: { applicationId: exampleApplication.applicationId, institutionId: exampleApplication.institutionId, reason: '机构取消申请', cancelledAt: '2026-09-02T01:05:00.000Z' },
});

export class MembershipActivatedV1 {
  @IsUUID() membershipId!: string;
  @IsUUID() institutionId!: string;
  @IsUUID() applicationId!: string;
  @IsString() @Length(1, 30) memberNumber!: string;
  @IsIn(['new', 'renewal']) kind!: 'new' | 'renewal';
  @IsString() @MaxLength(50) qualificationCode!: string;
  @IsString() @MaxLength(50) qualificationName!: string;
  @Matches(DATE) validFrom!: string;
  @Matches(DATE) validTo!: string;
  @Matches(DATE) memberSince!: string;
  @IsUUID() orderId!: string;
  @IsISO8601() activatedAt!: string;
}

export const MembershipActivated = defineContract({
  type: 'membership.MembershipActivated',
  schemaVersion: 1,
  topic: MEMBERSHIP_TOPIC,
  payload: MembershipActivatedV1,
  example: {
    membershipId: '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04',
    institutionId: exampleApplication.institutionId,
    applicationId: exampleApplication.applicationId,
    memberNumber: 'LSC-U-2026-000001',
    kind: 'new',
    qualificationCode: 'enterprise',
    qualificationName: '企业会员',
    validFrom: '2026-09-03',
    validTo: '2028-12-31',
    memberSince: '2026-09-03',
    orderId: '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05',
    activatedAt: '2026-09-03T02:00:00.000Z',
  },
});

export class MembershipLifecycleV1 {
  @IsUUID() membershipId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 30) memberNumber!: string;
  @Matches(DATE) validTo!: string;
  @IsOptional() @IsInt() @Min(0) daysBefore?: number;
  @IsISO8601() at!: string;
}

const lifecycleExample: MembershipLifecycleV1 = {
  membershipId: '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04',
  institutionId: exampleApplication.institutionId,
  memberNumber: 'LSC-U-2026-000001',
  validTo: '2028-12-31',
  at: '2028-12-01T00:00:00.000Z',
};

export const MembershipExpiring = defineContract({ type: 'membership.MembershipExpiring', schemaVersion: 1, topic: MEMBERSHIP_TOPIC, payload: MembershipLifecycleV1, example: { ...lifecycleExample, daysBefore: 30 } });
export const MembershipEnteredGrace = defineContract({ type: 'membership.MembershipEnteredGrace', schemaVersion: 1, topic: MEMBERSHIP_TOPIC, payload: MembershipLifecycleV1, example: { ...lifecycleExample, at: '2029-01-01T00:00:00.000Z' } });
export const MembershipExpired = defineContract({ type: 'membership.MembershipExpired', schemaVersion: 1, topic: MEMBERSHIP_TOPIC, payload: MembershipLifecycleV1, example: { ...lifecycleExample, at: '2029-04-01T00:00:00.000Z' } });

export class CertificateMailedV1 {
  @IsUUID() membershipId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 30) memberNumber!: string;
  @IsString() @Length(1, 50) carrier!: string;
  @IsString() @Length(4, 40) trackingNumber!: string;
  @ValidateNested() @Type(() => MailingAddressV1) mailingAddress!: MailingAddressV1;
  @IsISO8601() mailedAt!: string;
}

export const CertificateMailed = defineContract({
  type: 'membership.CertificateMailed',
  schemaVersion: 1,
  topic: MEMBERSHIP_TOPIC,
  payload: CertificateMailedV1,
  example: {
    membershipId: '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04',
    institutionId: exampleApplication.institutionId,
    memberNumber: 'LSC-U-2026-000001',
    carrier: '中国邮政EMS',
    trackingNumber: '1234567890123',
    mailingAddress: exampleApplication.mailingAddress,
    mailedAt: '2026-09-10T02:00:00.000Z',
  },
});

/**
 * Finance reversed the payment that activated a term and the order is no longer paid: the membership is suspended
 * (status payment_reversed) until the order is paid again or staff decide.
 */
export class MembershipPaymentReversedV1 {
  @IsUUID() membershipId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 30) memberNumber!: string;
  @IsUUID() orderId!: string;
  @IsUUID() transferId!: string;
  @IsString() @Length(1, 500) reason!: string;
  @IsISO8601() at!: string;
}
export const MembershipPaymentReversed = defineContract({
  type: 'membership.MembershipPaymentReversed',
  schemaVersion: 1,
  topic: MEMBERSHIP_TOPIC,
  payload: MembershipPaymentReversedV1,
  example: {
    membershipId: '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04',
    institutionId: exampleApplication.institutionId,
    memberNumber: 'LSC-U-2026-000001',
    orderId: '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05',
    transferId: '5a1d2e3f-5555-4a55-9f77-2d1c1f7f0a07',
    reason: '匹配错误：该笔到账属于同名的另一单位',
    at: '2026-09-04T02:00:00.000Z',
  },
});

/** The reversed order was paid again: the suspension is lifted (`status` is what the membership returns to). */
export class MembershipPaymentRestoredV1 {
  @IsUUID() membershipId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 30) memberNumber!: string;
  @IsUUID() orderId!: string;
  @Matches(DATE) paidOn!: string;
  @IsIn(['active', 'grace', 'expired', 'payment_reversed']) status!: 'active' | 'grace' | 'expired' | 'payment_reversed';
  @IsISO8601() at!: string;
}
export const MembershipPaymentRestored = defineContract({
  type: 'membership.MembershipPaymentRestored',
  schemaVersion: 1,
  topic: MEMBERSHIP_TOPIC,
  payload: MembershipPaymentRestoredV1,
  example: {
    membershipId: '9d1d2e3f-2222-4a55-9f77-2d1c1f7f0a04',
    institutionId: exampleApplication.institutionId,
    memberNumber: 'LSC-U-2026-000001',
    orderId: '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05',
    paidOn: '2026-09-08',
    status: 'active',
    at: '2026-09-08T02:00:00.000Z',
  },
});

export const membershipContracts = [
  ApplicationSubmitted,
  ApplicationCancelled,
  MembershipActivated,
  MembershipExpiring,
  MembershipEnteredGrace,
  MembershipExpired,
  CertificateMailed,
  MembershipPaymentReversed,
  MembershipPaymentRestored,
] as const;
