import type { Command, Decider, DomainEvent } from '@lsc/event-sourcing';

/**
 * Login accounts (institution and staff) as a tiny aggregate of their own: only lockouts are facts others need.
 * Whether a lock starts is decided by the throttle in Redis; this records it.
 */
export type AccountCommand = Command<'RecordLock', { accountId: string; institutionId?: string; reason: 'too_many_failures' | 'staff_action'; lockedUntil: string }>;
export type AccountEvent = DomainEvent<'AccountLocked', { accountId: string; institutionId?: string; reason: 'too_many_failures' | 'staff_action'; lockedUntil: string; lockedAt: string }>;
export interface AccountState {
  locks: number;
  lockedUntil?: string;
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  streamType: 'account',
  initialState: () => ({ locks: 0 }),
  decide(command, state) {
    // A lock already running until the same instant is the same lock (e.g. a retried request): nothing new.
    if (state.lockedUntil === command.data.lockedUntil) return [];
    return [{ type: 'AccountLocked', schemaVersion: 1, data: { ...command.data, lockedAt: command.metadata.now } }];
  },
  evolve(state, event) {
    return { locks: state.locks + 1, lockedUntil: event.data.lockedUntil };
  },
};

export const accountStreamId = (accountId: string): string => `account-${accountId}`;
