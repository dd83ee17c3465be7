import { billingContracts } from './billing/events';
import { type Contract, ContractViolation, validateAs, validateEnvelope } from './contract';
import { versionedName, type IntegrationEvent } from './envelope';
import { identityContracts } from './identity/events';
import { membershipContracts } from './membership/events';
import { renewalContracts } from './membership/renewals';
import { notificationContracts } from './notification/events';
import { transferSetAsideContracts } from './billing/transfer-set-aside';
import { transferFollowUpContracts } from './billing/transfer-follow-up';
import { staffContracts } from './identity/staff-events';

export const allContracts: readonly Contract[] = [...identityContracts, ...staffContracts, ...membershipContracts, ...renewalContracts, ...billingContracts, ...transferSetAsideContracts, ...transferFollowUpContracts, ...notificationContracts];

const byName = new Map(allContracts.map((c) => [c.name, c]));

export function findContract(type: string, schemaVersion: number): Contract | undefined {
  return byName.get(versionedName(type, schemaVersion));
}

/**
 * Parses and validates one integration event off the wire: the envelope, then the payload against its contract.
 * Throws ContractViolation (a permanent error: the message belongs in a dead-letter topic).
 */
export function parseIntegrationEvent(value: Buffer | string | null | undefined): IntegrationEvent {
  if (value === null || value === undefined) {
    throw new ContractViolation([{ field: '(value)', rule: 'isDefined', message: 'message has no value' }]);
  }
  let plain: unknown;
  try {
    plain = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    throw new ContractViolation([{ field: '(value)', rule: 'isJson', message: 'message value is not valid JSON' }]);
  }
  const envelope = validateEnvelope(plain);
  const contract = findContract(envelope.type, envelope.schemaVersion);
  if (!contract) {
    throw new ContractViolation([{ field: 'type', rule: 'knownContract', message: `no contract ${versionedName(envelope.type, envelope.schemaVersion)}` }]);
  }
  validateAs(contract.payload, envelope.data, contract.name);
  return { ...(plain as IntegrationEvent) };
}
