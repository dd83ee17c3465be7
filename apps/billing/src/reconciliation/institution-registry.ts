import { IndexedOrder } from './order-index';
import { coreOf } from './normalise';
import { RegisteredInstitution } from './types';

export interface NamedInstitution {
  institutionId: string;
  name: string;
}

/**
 * Every institution billing knows, by the normalised cores of its own names (registered, former, abbreviations; not
 * the payer names learned for it): tells whether a payer account name IS another member or applicant — a sibling
 * college, a parent university with its own membership — whose money must not be booked silently to the institution
 * the remark names.
 */
export class InstitutionRegistry {
  private readonly byCore = new Map<string, NamedInstitution[]>();

  constructor(orders: readonly IndexedOrder[], others: readonly RegisteredInstitution[]) {
    for (const { order, names, nameSources } of orders) {
      names.forEach((core, i) => {
        if (nameSources[i].kind !== 'payer') this.add(core, order.institutionId, order.institutionName);
      });
    }
    for (const institution of others) {
      for (const name of [institution.name, ...institution.aliases]) this.add(coreOf(name), institution.institutionId, institution.name);
    }
  }

  /** The institutions whose own name normalises to this core (usually none or one). */
  named(core: string): readonly NamedInstitution[] {
    return core === '' ? NONE : this.byCore.get(core) ?? NONE;
  }

  private add(core: string, institutionId: string, name: string): void {
    if (core === '') return;
    const list = this.byCore.get(core);
    if (list === undefined) this.byCore.set(core, [{ institutionId, name }]);
    else if (!list.some((x) => x.institutionId === institutionId)) list.push({ institutionId, name });
  }
}

const NONE: readonly NamedInstitution[] = [];
