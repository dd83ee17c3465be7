import { DomainError, type Command, type Decider, type DomainEvent } from '@lsc/event-sourcing';

/**
 * A staff account's life, audited on its own stream `staff-<accountId>` (actor and time in every event): created by
 * a super-admin with roles and a display name (pending until the new staff member sets a password through a one-time
 * code), roles assigned, disabled and re-enabled, reset (a new one-time code; the old password stops working).
 * Passwords, hashes and codes are never in events.
 */
export type StaffRole = 'finance' | 'member_admin' | 'super_admin';
export const STAFF_ROLE_LIST: readonly StaffRole[] = ['finance', 'member_admin', 'super_admin'];

export type StaffCommand =
  | Command<'CreateStaff', { accountId: string; username: string; displayName: string; roles: StaffRole[] }>
  | Command<'AssignRoles', { roles: StaffRole[] }>
  | Command<'DisableStaff', { reason: string }>
  | Command<'EnableStaff', Record<string, never>>
  | Command<'IssueReset', Record<string, never>>
  | Command<'RecordPasswordSet', Record<string, never>>
  | Command<'RecordTwoFactorEnrolment', { recoveryCodes: number }>
  | Command<'ResetTwoFactor', Record<string, never>>
  | Command<'RecordRecoveryCodeUse', { left: number }>;

export type StaffEvent =
  | DomainEvent<'StaffAccountCreated', { accountId: string; username: string; displayName: string; roles: StaffRole[]; createdBy: string; at: string }>
  | DomainEvent<'StaffRolesAssigned', { roles: StaffRole[]; previousRoles: StaffRole[]; by: string; at: string }>
  | DomainEvent<'StaffAccountDisabled', { reason: string; by: string; at: string }>
  | DomainEvent<'StaffAccountEnabled', { by: string; at: string }>
  | DomainEvent<'StaffPasswordResetIssued', { by: string; at: string }>
  | DomainEvent<'StaffPasswordSet', { at: string }>
  | DomainEvent<'StaffTwoFactorEnrolled', { recoveryCodes: number; at: string }>
  | DomainEvent<'StaffTwoFactorReset', { by: string; at: string }>
  | DomainEvent<'StaffRecoveryCodeUsed', { left: number; at: string }>;

export type StaffState =
  | { status: 'none' }
  | { status: 'pending' | 'active' | 'disabled'; accountId: string; username: string; displayName: string; roles: StaffRole[]; hasPassword: boolean; disabledReason?: string; twoFactor?: boolean };

/**
 * Roles whose holders reach money or every account: no session for them without a second factor (ASVS 6.3.3).
 * The default of identity's STAFF_TWO_FACTOR_ROLES.
 */
export const TWO_FACTOR_ROLES: readonly StaffRole[] = ['finance', 'super_admin'];
export const needsTwoFactor = (roles: readonly string[], required: readonly string[] = TWO_FACTOR_ROLES): boolean => roles.some((r) => required.includes(r));

const checkRoles = (roles: readonly string[]): StaffRole[] => {
  const unique = [...new Set(roles)];
  if (unique.length === 0) throw new DomainError('ROLES_REQUIRED', '请至少分配一个角色');
  if (!unique.every((r) => (STAFF_ROLE_LIST as readonly string[]).includes(r))) throw new DomainError('INVALID_ROLE', '角色须为 finance、member_admin 或 super_admin');
  return unique as StaffRole[];
};

export const staffDecider: Decider<StaffCommand, StaffState, StaffEvent> = {
  streamType: 'staff',
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    const { now: at, actor } = command.metadata;
    if (command.type === 'CreateStaff') {
      if (state.status !== 'none') throw new DomainError('STAFF_EXISTS', '该工作人员账号已存在');
      const displayName = command.data.displayName.trim();
      if (!displayName || displayName.length > 50) throw new DomainError('INVALID_DISPLAY_NAME', '姓名长度须为1-50字');
      return [{ type: 'StaffAccountCreated', schemaVersion: 1, data: { ...command.data, displayName, roles: checkRoles(command.data.roles), createdBy: actor, at } }];
    }
    if (state.status === 'none') throw new DomainError('STAFF_NOT_FOUND', '工作人员账号不存在');
    // A super-admin cannot lock themselves out: someone else must take their rights away.
    const self = actor === state.accountId;
    switch (command.type) {
      case 'AssignRoles': {
        const roles = checkRoles(command.data.roles);
        if (self && state.roles.includes('super_admin') && !roles.includes('super_admin')) throw new DomainError('CANNOT_DEMOTE_SELF', '不能取消自己的超级管理员角色');
        if (roles.length === state.roles.length && roles.every((r) => state.roles.includes(r))) return [];
        return [{ type: 'StaffRolesAssigned', schemaVersion: 1, data: { roles, previousRoles: state.roles, by: actor, at } }];
      }
      case 'DisableStaff': {
        if (self) throw new DomainError('CANNOT_DISABLE_SELF', '不能停用自己的账号');
        if (state.status === 'disabled') throw new DomainError('STAFF_ALREADY_DISABLED', '该账号已停用');
        const reason = command.data.reason?.trim();
        if (!reason || reason.length > 200) throw new DomainError('INVALID_REASON', '请填写停用原因（不超过200字）');
        return [{ type: 'StaffAccountDisabled', schemaVersion: 1, data: { reason, by: actor, at } }];
      }
      case 'EnableStaff':
        if (state.status !== 'disabled') throw new DomainError('STAFF_NOT_DISABLED', '该账号未停用，无需启用');
        return [{ type: 'StaffAccountEnabled', schemaVersion: 1, data: { by: actor, at } }];
      case 'IssueReset':
        if (state.status === 'disabled') throw new DomainError('STAFF_DISABLED', '该账号已停用，请先启用再重置密码');
        return [{ type: 'StaffPasswordResetIssued', schemaVersion: 1, data: { by: actor, at } }];
      case 'RecordPasswordSet':
        if (state.status === 'disabled') throw new DomainError('STAFF_DISABLED', '该账号已停用，请联系超级管理员');
        return [{ type: 'StaffPasswordSet', schemaVersion: 1, data: { at } }];
      case 'RecordTwoFactorEnrolment':
        // Only the staff member themselves, right after proving the password and a first code.
        if (!self) throw new DomainError('NOT_OWN_ACCOUNT', '只能为自己的账号绑定身份验证器');
        if (state.status !== 'active') throw new DomainError('STAFF_NOT_ACTIVE', '账号未启用，无法绑定身份验证器');
        if (state.twoFactor) throw new DomainError('TWO_FACTOR_ALREADY_ENROLLED', '已绑定身份验证器；如需更换，请联系超级管理员重置');
        return [{ type: 'StaffTwoFactorEnrolled', schemaVersion: 1, data: { recoveryCodes: command.data.recoveryCodes, at } }];
      case 'ResetTwoFactor':
        if (!state.twoFactor) throw new DomainError('TWO_FACTOR_NOT_ENROLLED', '该账号尚未绑定身份验证器，无需重置');
        return [{ type: 'StaffTwoFactorReset', schemaVersion: 1, data: { by: actor, at } }];
      case 'RecordRecoveryCodeUse':
        return [{ type: 'StaffRecoveryCodeUsed', schemaVersion: 1, data: { left: command.data.left, at } }];
    }
  },
  evolve(state, event) {
    if (event.type === 'StaffAccountCreated') {
      const { accountId, username, displayName, roles } = event.data;
      return { status: 'pending', accountId, username, displayName, roles, hasPassword: false };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'StaffRolesAssigned':
        return { ...state, roles: event.data.roles };
      case 'StaffAccountDisabled':
        return { ...state, status: 'disabled', disabledReason: event.data.reason };
      case 'StaffAccountEnabled': {
        const { disabledReason: _gone, ...rest } = state;
        return { ...rest, status: state.hasPassword ? 'active' : 'pending' };
      }
      case 'StaffPasswordResetIssued':
        return { ...state, status: 'pending', hasPassword: false };
      case 'StaffPasswordSet':
        return { ...state, status: 'active', hasPassword: true };
      case 'StaffTwoFactorEnrolled':
        return { ...state, twoFactor: true };
      case 'StaffTwoFactorReset':
        return { ...state, twoFactor: false };
      case 'StaffRecoveryCodeUsed':
        return state;
    }
  },
};

export const staffStreamId = (accountId: string): string => `staff-${accountId}`;

type AccountEvent = Exclude<StaffEvent, { type: 'StaffTwoFactorEnrolled' | 'StaffTwoFactorReset' | 'StaffRecoveryCodeUsed' }>;
const CHANGE: Record<AccountEvent['type'], 'created' | 'roles_assigned' | 'disabled' | 'enabled' | 'reset' | 'password_set'> = {
  StaffAccountCreated: 'created',
  StaffRolesAssigned: 'roles_assigned',
  StaffAccountDisabled: 'disabled',
  StaffAccountEnabled: 'enabled',
  StaffPasswordResetIssued: 'reset',
  StaffPasswordSet: 'password_set',
};

/**
 * identity.StaffAccountChanged v1: the account's standing after the change (see the contract); the two-factor events
 * go out as identity.StaffTwoFactorChanged v1 instead (a new contract, so StaffAccountChanged's `change` list stays).
 */
export function staffIntegrationEvents({ state, events }: { state: StaffState; events: StaffEvent[] }) {
  if (state.status === 'none') return [];
  return events.map((e) => {
    if (e.type === 'StaffTwoFactorEnrolled' || e.type === 'StaffTwoFactorReset' || e.type === 'StaffRecoveryCodeUsed') {
      const change = e.type === 'StaffTwoFactorEnrolled' ? 'enrolled' : e.type === 'StaffTwoFactorReset' ? 'reset' : 'recovery_code_used';
      const left = e.type === 'StaffTwoFactorEnrolled' ? e.data.recoveryCodes : e.type === 'StaffRecoveryCodeUsed' ? e.data.left : 0;
      return {
        topic: 'identity.events.v1',
        event: {
          type: 'identity.StaffTwoFactorChanged',
          schemaVersion: 1,
          data: { accountId: state.accountId, username: state.username, change, recoveryCodesLeft: left, changedBy: 'by' in e.data ? e.data.by : state.accountId, changedAt: e.data.at },
        },
      };
    }
    const by = 'by' in e.data ? e.data.by : 'createdBy' in e.data ? e.data.createdBy : state.accountId;
    return {
      topic: 'identity.events.v1',
      event: {
        type: 'identity.StaffAccountChanged',
        schemaVersion: 1,
        data: { accountId: state.accountId, username: state.username, displayName: state.displayName, roles: state.roles, status: state.status, change: CHANGE[e.type], changedBy: by, changedAt: e.data.at },
      },
    };
  });
}
