import { ArrayMinSize, IsArray, IsIn, IsISO8601, IsString, IsUUID, Length, Matches } from 'class-validator';
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

export const staffContracts = [StaffAccountChanged] as const;
