import {
  type AccountLockedV2,
  type AccountUnlockedV1,
  type EmailChangedV1,
  type InstitutionNameChangedV1,
  type InstitutionProfileUpdatedV1,
  type InstitutionRegisteredV1,
  type PasswordChangedV1,
  AccountLockedV2Contract,
  AccountUnlocked,
  EmailChanged,
  IDENTITY_TOPIC,
  InstitutionNameChanged,
  InstitutionProfileUpdated,
  InstitutionRegistered,
  PasswordChanged,
} from '@lsc/contracts';
import type { AccountEvent } from './account';
import type { InstitutionDetails, InstitutionEvent, InstitutionState } from './institution';

type Outgoing = { topic: string; event: { type: string; schemaVersion: number; data: unknown } };

/**
 * What other services see (libs/contracts/src/identity): names, contact data and region they need for invoices
 * and notices; never the password hash, the SMS code, the logo bytes or the consent record.
 */
export function institutionIntegrationEvents({ state, events }: { state: InstitutionState; events: InstitutionEvent[] }): Outgoing[] {
  if (state.status !== 'registered') return [];
  const institutionId = state.institutionId;
  return events.map((e): Outgoing => {
    switch (e.type) {
      case 'InstitutionRegistered': {
        const d = e.data;
        const data: InstitutionRegisteredV1 = {
          institutionId,
          name: d.name,
          email: d.email,
          mobile: d.mobile,
          landline: d.landline,
          ...(d.fax ? { fax: d.fax } : {}),
          recommendingUnit: d.recommendingUnit,
          region: d.region,
          street: d.street,
          postcode: d.postcode,
          ...(d.website ? { website: d.website } : {}),
          ...(d.loginName ? { loginName: d.loginName } : {}),
          registeredAt: d.registeredAt,
        };
        return { topic: IDENTITY_TOPIC, event: { type: InstitutionRegistered.type, schemaVersion: InstitutionRegistered.schemaVersion, data } };
      }
      case 'InstitutionProfileUpdated':
        return profileUpdated(institutionId, state, e.data.changedFields, e.data.details, e.data.updatedAt);
      // Consumers keep the mobile from InstitutionProfileUpdated (membership's copy for mailing addresses), so a
      // mobile change is announced through it rather than through a contract nobody reads yet.
      case 'MobileChanged':
        return profileUpdated(institutionId, state, ['mobile'], state, e.data.changedAt);
      case 'InstitutionNameChanged':
        return { topic: IDENTITY_TOPIC, event: { type: InstitutionNameChanged.type, schemaVersion: 1, data: { institutionId, ...e.data } satisfies InstitutionNameChangedV1 } };
      case 'EmailChanged':
        return { topic: IDENTITY_TOPIC, event: { type: EmailChanged.type, schemaVersion: 1, data: { institutionId, ...e.data } satisfies EmailChangedV1 } };
      case 'PasswordChanged':
        return { topic: IDENTITY_TOPIC, event: { type: PasswordChanged.type, schemaVersion: 1, data: { institutionId, ...e.data } satisfies PasswordChangedV1 } };
    }
  });
}

/** The current contact details as InstitutionProfileUpdated (state is after the events, so its mobile is current). */
function profileUpdated(institutionId: string, state: Extract<InstitutionState, { status: 'registered' }>, changedFields: string[], d: InstitutionDetails, updatedAt: string): Outgoing {
  const data: InstitutionProfileUpdatedV1 = {
    institutionId,
    changedFields,
    landline: d.landline,
    ...(d.fax ? { fax: d.fax } : {}),
    region: d.region,
    street: d.street,
    postcode: d.postcode,
    ...(d.website ? { website: d.website } : {}),
    mobile: state.mobile,
    updatedAt,
  };
  return { topic: IDENTITY_TOPIC, event: { type: InstitutionProfileUpdated.type, schemaVersion: InstitutionProfileUpdated.schemaVersion, data } };
}

/** Every lock goes out as AccountLocked v2 (see the contract); lifting a staff lock as AccountUnlocked. */
export function accountIntegrationEvents({ events }: { events: AccountEvent[] }): Outgoing[] {
  return events.map((e): Outgoing => {
    const ref = { accountId: e.data.accountId, ...(e.data.institutionId ? { institutionId: e.data.institutionId } : {}) };
    switch (e.type) {
      case 'AccountLocked': {
        const data: AccountLockedV2 = { ...ref, reason: e.data.reason, lockedUntil: e.data.lockedUntil, lockedAt: e.data.lockedAt };
        return { topic: IDENTITY_TOPIC, event: { type: AccountLockedV2Contract.type, schemaVersion: AccountLockedV2Contract.schemaVersion, data } };
      }
      case 'AccountLockedByStaff': {
        const data: AccountLockedV2 = { ...ref, reason: 'staff_action', note: e.data.reason, lockedBy: e.data.lockedBy, lockedAt: e.data.lockedAt };
        return { topic: IDENTITY_TOPIC, event: { type: AccountLockedV2Contract.type, schemaVersion: AccountLockedV2Contract.schemaVersion, data } };
      }
      case 'AccountUnlockedByStaff': {
        const data: AccountUnlockedV1 = { ...ref, unlockedBy: e.data.unlockedBy, ...(e.data.note ? { note: e.data.note } : {}), unlockedAt: e.data.unlockedAt };
        return { topic: IDENTITY_TOPIC, event: { type: AccountUnlocked.type, schemaVersion: AccountUnlocked.schemaVersion, data } };
      }
    }
  });
}
