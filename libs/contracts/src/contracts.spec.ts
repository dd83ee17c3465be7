import { randomUUID } from 'node:crypto';
import { allContracts, parseIntegrationEvent, ContractViolation, PaymentOrderIssued, PaymentOrderIssuedV2, PaymentOrderIssuedV2Contract, TOPICS, upcastPaymentOrderIssuedV1, validateAs } from './index';

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

  describe('billing.PaymentOrderIssued v2 (the term being paid)', () => {
    const envelopeOf = (schemaVersion: number, data: object) =>
      JSON.stringify({ eventId: randomUUID(), type: PaymentOrderIssued.type, schemaVersion, streamId: 's', occurredAt: new Date().toISOString(), correlationId: 'c', data });

    it('upcasts a v1 order to a v2 one that validates, with the coverage unknown (null) and every v1 field kept', () => {
      const up = upcastPaymentOrderIssuedV1(PaymentOrderIssued.example);
      expect(up).toEqual({ ...PaymentOrderIssued.example, coverage: null });
      expect(() => validateAs(PaymentOrderIssuedV2, JSON.parse(JSON.stringify(up)))).not.toThrow();
      expect(parseIntegrationEvent(envelopeOf(2, up)).data).toEqual(JSON.parse(JSON.stringify(up)));
    });

    it('requires the coverage field (a v1 payload is not a v2 one) and checks its dates', () => {
      const { coverage: _dropped, ...withoutCoverage } = PaymentOrderIssuedV2Contract.example;
      expect(() => parseIntegrationEvent(envelopeOf(2, withoutCoverage))).toThrow(ContractViolation);
      const badDate = { ...PaymentOrderIssuedV2Contract.example, coverage: { ...PaymentOrderIssuedV2Contract.example.coverage!, termEnd: '2028/12/31' } };
      try {
        parseIntegrationEvent(envelopeOf(2, badDate));
        throw new Error('accepted');
      } catch (e) {
        expect((e as ContractViolation).problems.map((p) => p.field)).toContain('coverage.termEnd');
      }
    });

    it('carries a December joiner\'s paid years (from 1 January) and that the membership is active from payment', () => {
      const december = { ...PaymentOrderIssuedV2Contract.example, coverage: { kind: 'new', termStart: '2027-01-01', termEnd: '2027-12-31', activeFromPayment: true, startsNextYear: true } };
      expect(parseIntegrationEvent(envelopeOf(2, december)).data).toMatchObject({ coverage: { termStart: '2027-01-01', termEnd: '2027-12-31', activeFromPayment: true, startsNextYear: true } });
    });
  });
});
