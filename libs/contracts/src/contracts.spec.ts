import { randomUUID } from 'node:crypto';
import { allContracts, parseIntegrationEvent, ContractViolation, TOPICS, validateAs } from './index';

describe('integration-event contracts', () => {
  it.each(allContracts.map((c) => [c.name, c] as const))('%s: example payload round-trips through JSON and validates', (_name, contract) => {
    const envelope = {
      eventId: randomUUID(),
      type: contract.type,
      schemaVersion: contract.schemaVersion,
      streamId: 'stream-1',
      occurredAt: new Date().toISOString(),
      correlationId: 'c-1',
      data: contract.example,
    };
    const parsed = parseIntegrationEvent(Buffer.from(JSON.stringify(envelope)));
    expect(parsed.data).toEqual(JSON.parse(JSON.stringify(contract.example)));
    expect(TOPICS).toContain(contract.topic);
    expect(contract.name).toMatch(/^[a-z]+\.[A-Z]\w+\.v\d+$/);
  });

  it('tolerates unknown fields (forward compatibility)', () => {
    const c = allContracts[0];
    expect(() => validateAs(c.payload, { ...c.example, addedLater: 'x' })).not.toThrow();
  });

  it('rejects a payload that breaks its contract, naming the field', () => {
    const c = allContracts.find((x) => x.name === 'billing.PaymentOrderIssued.v1')!;
    const envelope = { eventId: randomUUID(), type: c.type, schemaVersion: 1, streamId: 's', occurredAt: new Date().toISOString(), correlationId: 'c', data: { ...c.example, amountDueFen: 18000.5 } };
    expect(() => parseIntegrationEvent(JSON.stringify(envelope))).toThrow(ContractViolation);
    try {
      parseIntegrationEvent(JSON.stringify(envelope));
    } catch (e) {
      expect((e as ContractViolation).problems.map((p) => p.field)).toContain('amountDueFen');
    }
  });

  it.each([
    ['not JSON', 'hello'],
    ['an array', '[]'],
    ['no type', JSON.stringify({ eventId: randomUUID(), schemaVersion: 1 })],
    ['unknown contract', JSON.stringify({ eventId: randomUUID(), type: 'billing.Nope', schemaVersion: 1, streamId: 's', occurredAt: new Date().toISOString(), correlationId: 'c', data: {} })],
  ])('rejects %s as a ContractViolation', (_what, raw) => {
    expect(() => parseIntegrationEvent(raw)).toThrow(ContractViolation);
  });
});
