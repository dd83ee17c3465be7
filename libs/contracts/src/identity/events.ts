import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { defineContract } from '../contract';
import { RegionV1, exampleRegion } from '../shared';

export const IDENTITY_TOPIC = 'identity.events.v1';

export class InstitutionRegisteredV1 {
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 200) name!: string;
  @IsEmail() @MaxLength(30) email!: string;
  @Matches(/^1[3-9]\d{9}$/) mobile!: string;
  @IsString() @MaxLength(30) landline!: string;
  @IsOptional() @IsString() @MaxLength(30) fax?: string;
  @IsString() @MaxLength(200) recommendingUnit!: string;
  @ValidateNested() @Type(() => RegionV1) region!: RegionV1;
  @IsString() @Length(1, 500) street!: string;
  @Matches(/^\d{6}$/) postcode!: string;
  @IsOptional() @IsString() @MaxLength(50) website?: string;
  @IsOptional() @IsString() @MaxLength(50) loginName?: string;
  @IsISO8601() registeredAt!: string;
}

export const InstitutionRegistered = defineContract({
  type: 'identity.InstitutionRegistered',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: InstitutionRegisteredV1,
  example: {
    institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
    name: '企业机构测试',
    email: 'lib@example.cn',
    mobile: '13800138000',
    landline: '010-88544588',
    fax: '0317-88544588',
    recommendingUnit: '中国图书馆学会',
    region: exampleRegion,
    street: '南京路1号',
    postcode: '710061',
    website: 'https://lib.example.cn',
    loginName: 'qiyejigou',
    registeredAt: '2026-09-01T01:05:00.000Z',
  },
});

/**
 * The institution's current contact details after a change; `changedFields` names what changed. A change of the
 * mobile number (proved by an SMS code to the new number) is announced here too, as changedFields ['mobile'],
 * since consumers keep the mobile from this event.
 */
export class InstitutionProfileUpdatedV1 {
  @IsUUID() institutionId!: string;
  @IsString({ each: true }) changedFields!: string[];
  @IsString() @MaxLength(30) landline!: string;
  @IsOptional() @IsString() @MaxLength(30) fax?: string;
  @ValidateNested() @Type(() => RegionV1) region!: RegionV1;
  @IsString() @Length(1, 500) street!: string;
  @Matches(/^\d{6}$/) postcode!: string;
  @IsOptional() @IsString() @MaxLength(50) website?: string;
  @Matches(/^1[3-9]\d{9}$/) mobile!: string;
  @IsISO8601() updatedAt!: string;
}

export const InstitutionProfileUpdated = defineContract({
  type: 'identity.InstitutionProfileUpdated',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: InstitutionProfileUpdatedV1,
  example: {
    institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
    changedFields: ['street'],
    landline: '010-88544588',
    region: exampleRegion,
    street: '南京路2号',
    postcode: '710061',
    mobile: '13800138000',
    updatedAt: '2026-09-02T01:05:00.000Z',
  },
});

export class InstitutionNameChangedV1 {
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 200) previousName!: string;
  @IsString() @Length(1, 200) name!: string;
  @IsISO8601() changedAt!: string;
}

export const InstitutionNameChanged = defineContract({
  type: 'identity.InstitutionNameChanged',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: InstitutionNameChangedV1,
  example: { institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01', previousName: '企业机构测试', name: '企业机构测试图书馆', changedAt: '2026-09-03T01:05:00.000Z' },
});

export class EmailChangedV1 {
  @IsUUID() institutionId!: string;
  @IsEmail() @MaxLength(30) previousEmail!: string;
  @IsEmail() @MaxLength(30) email!: string;
  @IsISO8601() changedAt!: string;
}

export const EmailChanged = defineContract({
  type: 'identity.EmailChanged',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: EmailChangedV1,
  example: { institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01', previousEmail: 'lib@example.cn', email: 'finance@example.cn', changedAt: '2026-09-04T01:05:00.000Z' },
});

export class PasswordChangedV1 {
  @IsUUID() institutionId!: string;
  @IsIn(['change', 'reset']) via!: 'change' | 'reset';
  @IsISO8601() changedAt!: string;
}

export const PasswordChanged = defineContract({
  type: 'identity.PasswordChanged',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: PasswordChangedV1,
  example: { institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01', via: 'reset', changedAt: '2026-09-05T01:05:00.000Z' },
});

export class AccountLockedV1 {
  @IsUUID() accountId!: string;
  @IsOptional() @IsUUID() institutionId?: string;
  @IsIn(['too_many_failures', 'staff_action']) reason!: 'too_many_failures' | 'staff_action';
  @IsISO8601() lockedUntil!: string;
  @IsISO8601() lockedAt!: string;
}

export const AccountLocked = defineContract({
  type: 'identity.AccountLocked',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: AccountLockedV1,
  example: {
    accountId: '5a0f6c1e-4a55-4c55-9f77-2d1c1f7f0a02',
    institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
    reason: 'too_many_failures',
    lockedUntil: '2026-09-05T01:20:00.000Z',
    lockedAt: '2026-09-05T01:05:00.000Z',
  },
});

/**
 * v2 because a lock set by staff has no end (v1's `lockedUntil` is required) and carries who set it and why. Identity
 * publishes only v2 from now on; v1 stays registered so messages already on the topic still parse.
 */
export class AccountLockedV2 {
  @IsUUID() accountId!: string;
  @IsOptional() @IsUUID() institutionId?: string;
  /** too_many_failures: the temporary brute-force lock (ends at lockedUntil); staff_action: until a staff unlock. */
  @IsIn(['too_many_failures', 'staff_action']) reason!: 'too_many_failures' | 'staff_action';
  @IsOptional() @IsISO8601() lockedUntil?: string;
  /** The staff member's reason as typed (staff_action only). */
  @IsOptional() @IsString() @Length(1, 200) note?: string;
  /** Staff account id (staff_action only). */
  @IsOptional() @IsUUID() lockedBy?: string;
  @IsISO8601() lockedAt!: string;
}

export const AccountLockedV2Contract = defineContract({
  type: 'identity.AccountLocked',
  schemaVersion: 2,
  topic: IDENTITY_TOPIC,
  payload: AccountLockedV2,
  example: {
    accountId: '5a0f6c1e-4a55-4c55-9f77-2d1c1f7f0a02',
    institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
    reason: 'staff_action',
    note: '冒用其他单位名称注册，待核实',
    lockedBy: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03',
    lockedAt: '2026-09-06T01:05:00.000Z',
  },
});

/** A staff lock lifted (the temporary brute-force lock simply runs out and has no unlock event). */
export class AccountUnlockedV1 {
  @IsUUID() accountId!: string;
  @IsOptional() @IsUUID() institutionId?: string;
  @IsUUID() unlockedBy!: string;
  @IsOptional() @IsString() @Length(1, 200) note?: string;
  @IsISO8601() unlockedAt!: string;
}

export const AccountUnlocked = defineContract({
  type: 'identity.AccountUnlocked',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: AccountUnlockedV1,
  example: {
    accountId: '5a0f6c1e-4a55-4c55-9f77-2d1c1f7f0a02',
    institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
    unlockedBy: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03',
    note: '已核实为本单位账号',
    unlockedAt: '2026-09-07T01:05:00.000Z',
  },
});

export const identityContracts = [
  InstitutionRegistered,
  InstitutionProfileUpdated,
  InstitutionNameChanged,
  EmailChanged,
  PasswordChanged,
  AccountLocked,
  AccountLockedV2Contract,
  AccountUnlocked,
] as const;
