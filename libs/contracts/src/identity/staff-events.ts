import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { defineContract } from '../contract';
import { IDENTITY_TOPIC } from './events';

export const STAFF_ROLE_NAMES = ['finance', 'member_admin', 'super_admin'] as const;

/**
 * A staff account's current standing after any change (created, roles, disabled, enabled, password reset issued or
 * set). State-carrying on purpose: services that show who did something (billing's reports show 确认人 by name) keep
 * the latest one per account and need no history. Never carries a password, hash or set-up code.
 */
export class StaffAccountChangedV1 {
  @IsUUID() accountId!: string;
  @Matches(/^[A-Za-z0-9_]{4,30}$/) username!: string;
  @IsString() @Length(1, 50) displayName!: string;
  @IsArray() @ArrayMinSize(1) @IsIn(STAFF_ROLE_NAMES, { each: true }) roles!: string[];
  @IsIn(['pending', 'active', 'disabled']) status!: 'pending' | 'active' | 'disabled';
  @IsIn(['created', 'roles_assigned', 'disabled', 'enabled', 'reset', 'password_set']) change!: 'created' | 'roles_assigned' | 'disabled' | 'enabled' | 'reset' | 'password_set';
  @IsString() @Length(1, 100) changedBy!: string;
  @IsISO8601() changedAt!: string;
}

export const StaffAccountChanged = defineContract({
  type: 'identity.StaffAccountChanged',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: StaffAccountChangedV1,
  example: {
    accountId: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03',
    username: 'caiwu_wang',
    displayName: '王会计',
    roles: ['finance'],
    status: 'pending',
    change: 'created',
    changedBy: '9d1e0b7f-4a55-4c55-9f77-2d1c1f7f0a04',
    changedAt: '2026-09-01T01:05:00.000Z',
  },
});

/**
 * A staff member's two-factor sign-in (TOTP) changed: enrolled (authenticator confirmed with a first code, recovery
 * codes issued), reset by a super-admin (the next sign-in leads to a new enrolment), or a recovery code used up.
 * For the security audit and alerting; never carries the secret, a code or a recovery code.
 */
export class StaffTwoFactorChangedV1 {
  @IsUUID() accountId!: string;
  @Matches(/^[A-Za-z0-9_]{4,30}$/) username!: string;
  @IsIn(['enrolled', 'reset', 'recovery_code_used']) change!: 'enrolled' | 'reset' | 'recovery_code_used';
  @IsInt() @Min(0) @Max(20) recoveryCodesLeft!: number;
  @IsString() @Length(1, 100) changedBy!: string;
  @IsISO8601() changedAt!: string;
}

export const StaffTwoFactorChanged = defineContract({
  type: 'identity.StaffTwoFactorChanged',
  schemaVersion: 1,
  topic: IDENTITY_TOPIC,
  payload: StaffTwoFactorChangedV1,
  example: {
    accountId: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03',
    username: 'caiwu_wang',
    change: 'enrolled',
    recoveryCodesLeft: 10,
    changedBy: '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03',
    changedAt: '2026-09-01T01:15:00.000Z',
  },
});

export const staffContracts = [StaffAccountChanged, StaffTwoFactorChanged] as const;
