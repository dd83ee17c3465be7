import { type AccountLockedV1, type EmailChangedV1, type InstitutionNameChangedV1, type InstitutionProfileUpdatedV1, type InstitutionRegisteredV1, type PasswordChangedV1, AccountLocked, EmailChanged, IDENTITY_TOPIC, InstitutionNameChanged, InstitutionProfileUpdated, InstitutionRegistered, PasswordChanged } from '@lsc/contracts';
import type { AccountEvent } from './account';
import type { InstitutionEvent, InstitutionState } from './institution';

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
      case 'InstitutionProfileUpdated': {
        const d = e.data.details;
        const data: InstitutionProfileUpdatedV1 = {
          institutionId,
          changedFields: e.data.changedFields,
          landline: d.landline,
          ...(d.fax ? { fax: d.fax } : {}),
          region: d.region,
          street: d.street,
          postcode: d.postcode,
          ...(d.website ? { website: d.website } : {}),
          mobile: state.mobile,
          updatedAt: e.data.updatedAt,
        };
        return { topic: IDENTITY_TOPIC, event: { type: InstitutionProfileUpdated.type, schemaVersion: 1, data } };
      }
      case 'InstitutionNameChanged':
        return { topic: IDENTITY_TOPIC, event: { type: InstitutionNameChanged.type, schemaVersion: 1, data: { institutionId, ...e.data } satisfies InstitutionNameChangedV1 } };
      case 'EmailChanged':
        return { topic: IDENTITY_TOPIC, event: { type: EmailChanged.type, schemaVersion: 1, data: { institutionId, ...e.data } satisfies EmailChangedV1 } };
      case 'PasswordChanged':
        return { topic: IDENTITY_TOPIC, event: { type: PasswordChanged.type, schemaVersion: 1, data: { institutionId, ...e.data } satisfies PasswordChangedV1 } };
    }
  });
}

export function accountIntegrationEvents({ events }: { events: AccountEvent[] }): Outgoing[] {
  return events.map((e) => {
    const { institutionId, ...rest } = e.data;
    const data: AccountLockedV1 = { ...rest, ...(institutionId ? { institutionId } : {}) };
    return { topic: IDENTITY_TOPIC, event: { type: AccountLocked.type, schemaVersion: 1, data } };
  });
}
