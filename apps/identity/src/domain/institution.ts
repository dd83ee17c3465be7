import { DomainError, type Command, type Decider, type DomainEvent } from '@lsc/event-sourcing';

/**
 * The institution account (机构账号) as an event-sourced aggregate. Only facts about the institution live here;
 * the password hash is a credential kept in its own table and never enters an event.
 */
export interface RegionValue {
  provinceCode: string;
  provinceName: string;
  cityCode: string;
  cityName: string;
  districtCode: string;
  districtName: string;
}

/** The details an institution may edit itself (PATCH /me). */
export interface InstitutionDetails {
  landline: string;
  fax?: string;
  recommendingUnit: string;
  region: RegionValue;
  street: string;
  postcode: string;
  website?: string;
  remark?: string;
}

export interface RegistrationData extends InstitutionDetails {
  institutionId: string;
  accountId: string;
  name: string;
  email: string;
  mobile: string;
  loginName?: string;
  logoId?: string;
  consent: { agreementVersion: string; agreedAt: string };
}

export type InstitutionCommand =
  | Command<'RegisterInstitution', RegistrationData>
  | Command<'UpdateInstitutionProfile', { details: Partial<InstitutionDetails>; name?: string; logoId?: string }>
  | Command<'ChangeEmail', { email: string }>
  | Command<'ChangeMobile', { mobile: string }>
  | Command<'RecordPasswordChange', { via: 'change' | 'reset' }>;

export type InstitutionEvent =
  | DomainEvent<'InstitutionRegistered', RegistrationData & { registeredAt: string }>
  | DomainEvent<'InstitutionProfileUpdated', { changedFields: string[]; details: InstitutionDetails; logoId?: string; updatedAt: string }>
  | DomainEvent<'InstitutionNameChanged', { previousName: string; name: string; changedAt: string }>
  | DomainEvent<'EmailChanged', { previousEmail: string; email: string; changedAt: string }>
  | DomainEvent<'MobileChanged', { previousMobile: string; mobile: string; changedAt: string }>
  | DomainEvent<'PasswordChanged', { via: 'change' | 'reset'; changedAt: string }>;

export type InstitutionState =
  | { status: 'none' }
  | ({ status: 'registered'; registeredAt: string; passwordChangedAt?: string } & RegistrationData);

const DETAIL_FIELDS: ReadonlyArray<keyof InstitutionDetails> = ['landline', 'fax', 'recommendingUnit', 'region', 'street', 'postcode', 'website', 'remark'];

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function registered(state: InstitutionState): Extract<InstitutionState, { status: 'registered' }> {
  if (state.status !== 'registered') throw new DomainError('INSTITUTION_NOT_FOUND', '机构账号不存在');
  return state;
}

export const institutionDecider: Decider<InstitutionCommand, InstitutionState, InstitutionEvent> = {
  streamType: 'institution',
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const now = command.metadata.now;
    switch (command.type) {
      case 'RegisterInstitution':
        if (state.status !== 'none') throw new DomainError('INSTITUTION_ALREADY_REGISTERED', '该机构账号已注册');
        return [{ type: 'InstitutionRegistered', schemaVersion: 1, data: { ...command.data, registeredAt: now } }];

      case 'UpdateInstitutionProfile': {
        const current = registered(state);
        const events: InstitutionEvent[] = [];
        const { details: changes, name, logoId } = command.data;
        if (name !== undefined && name !== current.name) {
          events.push({ type: 'InstitutionNameChanged', schemaVersion: 1, data: { previousName: current.name, name, changedAt: now } });
        }
        const changedFields = DETAIL_FIELDS.filter((f) => f in changes && !sameValue(changes[f], current[f]));
        const logoChanged = logoId !== undefined && logoId !== current.logoId;
        if (changedFields.length > 0 || logoChanged) {
          const details = Object.fromEntries(DETAIL_FIELDS.map((f) => [f, f in changes ? changes[f] : current[f]])) as unknown as InstitutionDetails;
          events.push({
            type: 'InstitutionProfileUpdated',
            schemaVersion: 1,
            data: { changedFields: logoChanged ? [...changedFields, 'logo'] : changedFields, details, logoId: logoChanged ? logoId : current.logoId, updatedAt: now },
          });
        }
        return events;
      }

      case 'ChangeEmail': {
        const current = registered(state);
        if (command.data.email === current.email) return [];
        return [{ type: 'EmailChanged', schemaVersion: 1, data: { previousEmail: current.email, email: command.data.email, changedAt: now } }];
      }

      case 'ChangeMobile': {
        const current = registered(state);
        if (command.data.mobile === current.mobile) return [];
        return [{ type: 'MobileChanged', schemaVersion: 1, data: { previousMobile: current.mobile, mobile: command.data.mobile, changedAt: now } }];
      }

      case 'RecordPasswordChange':
        registered(state);
        return [{ type: 'PasswordChanged', schemaVersion: 1, data: { via: command.data.via, changedAt: now } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'InstitutionRegistered':
        return { status: 'registered', ...event.data };
      case 'InstitutionProfileUpdated': {
        const current = registered(state);
        return { ...current, ...event.data.details, logoId: event.data.logoId };
      }
      case 'InstitutionNameChanged':
        return { ...registered(state), name: event.data.name };
      case 'EmailChanged':
        return { ...registered(state), email: event.data.email };
      case 'MobileChanged':
        return { ...registered(state), mobile: event.data.mobile };
      case 'PasswordChanged':
        return { ...registered(state), passwordChangedAt: event.data.changedAt };
    }
  },
};

export const institutionStreamId = (institutionId: string): string => `institution-${institutionId}`;
