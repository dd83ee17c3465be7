import { AccountLocked, AccountLockedV2Contract, AccountUnlocked, IDENTITY_TOPIC, validateAs } from '@lsc/contracts';
import { specFor } from '@lsc/event-sourcing/testing';
import { accountDecider, type AccountEvent } from './account';
import { accountIntegrationEvents } from './integration-events';

const accountId = '5a0f6c1e-4a55-4c55-9f77-2d1c1f7f0a02';
const institutionId = '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01';
const staff = '7c1e0b7f-4a55-4c55-9f77-2d1c1f7f0a03';
const meta = { now: '2026-09-06T01:05:00.000Z', actor: staff, correlationId: 'c' };
const lockedByStaff: AccountEvent = { type: 'AccountLockedByStaff', schemaVersion: 1, data: { accountId, institutionId, reason: '冒用单位名称', lockedBy: staff, lockedAt: meta.now } };
const throttleLock: AccountEvent = { type: 'AccountLocked', schemaVersion: 1, data: { accountId, institutionId, reason: 'too_many_failures', lockedUntil: '2026-09-06T01:20:00.000Z', lockedAt: meta.now } };

describe('account decider', () => {
  const spec = specFor(accountDecider);

  it('records a brute-force lock once per lockedUntil', () => {
    const cmd = { type: 'RecordLock' as const, data: { accountId, institutionId, reason: 'too_many_failures' as const, lockedUntil: '2026-09-06T01:20:00.000Z' }, metadata: meta };
    spec.given([]).when(cmd).then([throttleLock]);
    spec.given([throttleLock]).when(cmd).then([]);
  });

  it('a staff lock records who and why; locking twice is refused; a brute-force lock does not count as a staff lock', () => {
    const lock = { type: 'LockAccount' as const, data: { accountId, institutionId, reason: '冒用单位名称' }, metadata: meta };
    spec.given([]).when(lock).then([lockedByStaff]);
    spec.given([throttleLock]).when(lock).then([lockedByStaff]);
    spec.given([lockedByStaff]).when(lock).thenThrows('ACCOUNT_ALREADY_LOCKED');
  });

  it('unlock lifts a staff lock only; the account can be locked again afterwards', () => {
    const unlock = { type: 'UnlockAccount' as const, data: { accountId, institutionId, note: '已核实' }, metadata: { ...meta, now: '2026-09-07T00:00:00.000Z' } };
    const unlocked: AccountEvent = { type: 'AccountUnlockedByStaff', schemaVersion: 1, data: { accountId, institutionId, note: '已核实', unlockedBy: staff, unlockedAt: '2026-09-07T00:00:00.000Z' } };
    spec.given([]).when(unlock).thenThrows('ACCOUNT_NOT_LOCKED');
    spec.given([throttleLock]).when(unlock).thenThrows('ACCOUNT_NOT_LOCKED');
    spec.given([lockedByStaff]).when(unlock).then([unlocked]);
    spec.given([lockedByStaff, unlocked]).when(unlock).thenThrows('ACCOUNT_NOT_LOCKED');
    spec.given([lockedByStaff, unlocked]).when({ type: 'LockAccount', data: { accountId, institutionId, reason: '冒用单位名称' }, metadata: meta }).then([lockedByStaff]);
    const state = [lockedByStaff, unlocked].reduce(accountDecider.evolve, accountDecider.initialState());
    expect(state.staffLock).toBeUndefined();
  });
});

describe('account integration events', () => {
  it('locks go out as AccountLocked v2 (staff: note and lockedBy, no end; brute force: lockedUntil), unlock as AccountUnlocked; all valid', () => {
    const unlocked: AccountEvent = { type: 'AccountUnlockedByStaff', schemaVersion: 1, data: { accountId, institutionId, unlockedBy: staff, unlockedAt: meta.now } };
    const out = accountIntegrationEvents({ events: [lockedByStaff, throttleLock, unlocked] });
    expect(out.map((o) => [o.topic, o.event.type, o.event.schemaVersion])).toEqual([
      [IDENTITY_TOPIC, 'identity.AccountLocked', 2],
      [IDENTITY_TOPIC, 'identity.AccountLocked', 2],
      [IDENTITY_TOPIC, 'identity.AccountUnlocked', 1],
    ]);
    expect(out[0]!.event.data).toEqual({ accountId, institutionId, reason: 'staff_action', note: '冒用单位名称', lockedBy: staff, lockedAt: meta.now });
    expect(out[1]!.event.data).toEqual({ accountId, institutionId, reason: 'too_many_failures', lockedUntil: '2026-09-06T01:20:00.000Z', lockedAt: meta.now });
    expect(out[2]!.event.data).toEqual({ accountId, institutionId, unlockedBy: staff, unlockedAt: meta.now });
    validateAs(AccountLockedV2Contract.payload, out[0]!.event.data);
    validateAs(AccountLockedV2Contract.payload, out[1]!.event.data);
    validateAs(AccountUnlocked.payload, out[2]!.event.data);
    // v1 cannot carry an open-ended staff lock: lockedUntil is required there, which is why v2 exists.
    expect(() => validateAs(AccountLocked.payload, out[0]!.event.data)).toThrow(/lockedUntil/);
  });
});
