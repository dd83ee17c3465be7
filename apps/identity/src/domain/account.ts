import { DomainError, type Command, type Decider, type DomainEvent } from '@lsc/event-sourcing';

/**
 * Login accounts (institution and staff) as a tiny aggregate of their own: the locks others need to know about.
 * - The brute-force lock is temporary and decided by the throttle in Redis (which also enforces it); RecordLock
 *   only records that it started.
 * - A staff lock (LockAccount/UnlockAccount) has no end: it lasts until a staff member lifts it, so it is part of
 *   this state, and identity_accounts.locked_at mirrors it in the same transaction for the login query.
 */
export interface StaffLock {
  reason: string;
  lockedBy: string;
  lockedAt: string;
}

interface AccountRef {
  accountId: string;
  institutionId?: string;
}

export type AccountCommand =
  | Command<'RecordLock', AccountRef & { reason: 'too_many_failures' | 'staff_action'; lockedUntil: string }>
  | Command<'LockAccount', AccountRef & { reason: string }>
  | Command<'UnlockAccount', AccountRef & { note?: string }>;

export type AccountEvent =
  | DomainEvent<'AccountLocked', AccountRef & { reason: 'too_many_failures' | 'staff_action'; lockedUntil: string; lockedAt: string }>
  | DomainEvent<'AccountLockedByStaff', AccountRef & { reason: string; lockedBy: string; lockedAt: string }>
  | DomainEvent<'AccountUnlockedByStaff', AccountRef & { note?: string; unlockedBy: string; unlockedAt: string }>;

export interface AccountState {
  locks: number;
  lockedUntil?: string;
  staffLock?: StaffLock;
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  streamType: 'account',
  initialState: () => ({ locks: 0 }),
  decide(command, state) {
    const now = command.metadata.now;
    switch (command.type) {
      case 'RecordLock':
        // A lock already running until the same instant is the same lock (e.g. a retried request): nothing new.
        if (state.lockedUntil === command.data.lockedUntil) return [];
        return [{ type: 'AccountLocked', schemaVersion: 1, data: { ...command.data, lockedAt: now } }];
      case 'LockAccount': {
        if (state.staffLock) throw new DomainError('ACCOUNT_ALREADY_LOCKED', '该账号已处于锁定状态');
        const { reason, ...ref } = command.data;
        return [{ type: 'AccountLockedByStaff', schemaVersion: 1, data: { ...ref, reason, lockedBy: command.metadata.actor, lockedAt: now } }];
      }
      case 'UnlockAccount': {
        if (!state.staffLock) throw new DomainError('ACCOUNT_NOT_LOCKED', '该账号未被锁定，无需解锁');
        const { note, ...ref } = command.data;
        return [{ type: 'AccountUnlockedByStaff', schemaVersion: 1, data: { ...ref, ...(note ? { note } : {}), unlockedBy: command.metadata.actor, unlockedAt: now } }];
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AccountLocked':
        return { ...state, locks: state.locks + 1, lockedUntil: event.data.lockedUntil };
      case 'AccountLockedByStaff':
        return { ...state, locks: state.locks + 1, staffLock: { reason: event.data.reason, lockedBy: event.data.lockedBy, lockedAt: event.data.lockedAt } };
      case 'AccountUnlockedByStaff': {
        const { staffLock: _lifted, ...rest } = state;
        return rest;
      }
    }
  },
};

export const accountStreamId = (accountId: string): string => `account-${accountId}`;
