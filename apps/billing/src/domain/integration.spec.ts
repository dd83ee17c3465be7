import { ContractViolation, validateAs } from '@lsc/contracts';
import type { CommandMetadata } from '@lsc/event-sourcing';
import { toIntegrationEvents } from './integration';
import { LSC_PAYEE, paymentOrderDecider, type PaymentOrderCommand, type PaymentOrderEvent, type PaymentOrderState } from './payment-order';

const ORD = '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05';
const APP = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03';
const INST = '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01';
const TR = ['4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06', '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a07', '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a08'];
const MATCH = '6b1d2e3f-6666-4a55-9f77-2d1c1f7f0a08';
const meta = (now: string): CommandMetadata => ({ now, actor: 'finance:li', correlationId: 'c' });
const issue: PaymentOrderCommand = {
  type: 'Issue',
  data: { orderId: ORD, applicationId: APP, institutionId: INST, institutionName: '企业机构测试', quote: { feePerYearFen: 600000, years: 3, amountDueFen: 1800000, scheduleVersion: '2026-01' }, payee: LSC_PAYEE, paymentCode: '7K3M9Q', coverage: { kind: 'new', termStart: '2026-09-01', termEnd: '2028-12-31', activeFromPayment: true, startsNextYear: false } },
  metadata: meta('2026-09-01T01:05:01.000Z'),
};
const pay = (i: number, amountFen: number): PaymentOrderCommand => ({ type: 'ApplyPayment', data: { transferId: TR[i], amountFen, matchId: MATCH, bookedOn: '2026-09-03' }, metadata: meta('2026-09-03T02:00:00.000Z') });

function run(commands: PaymentOrderCommand[]): { state: PaymentOrderState; event: PaymentOrderEvent }[] {
  let state = paymentOrderDecider.initialState();
  const out: { state: PaymentOrderState; event: PaymentOrderEvent }[] = [];
  for (const c of commands)
    for (const event of paymentOrderDecider.decide(c, state)) {
      state = paymentOrderDecider.evolve(state, event);
      out.push({ state, event });
    }
  return out;
}
const publish = (commands: PaymentOrderCommand[]) => run(commands).flatMap(({ state, event }) => toIntegrationEvents(state, event));
const validAll = (ms: ReturnType<typeof publish>) => ms.forEach((m) => expect(() => validateAs(m.contract.payload, m.data, m.contract.name)).not.toThrow());

describe('billing domain → integration events', () => {
  it('issue, partial payment, full payment, overpayment: all payloads satisfy their contracts', () => {
    const ms = publish([issue, pay(0, 600000), pay(1, 1300000)]);
    expect(ms.map((m) => m.contract.name)).toEqual(['billing.PaymentOrderIssued.v2', 'billing.PaymentOrderPartiallyPaid.v1', 'billing.PaymentOrderPaid.v1', 'billing.OverpaymentRecorded.v1']);
    validAll(ms);
    expect(ms[0].data).toMatchObject({ transferRemark: '企业机构测试+会费', amountInWords: '壹万捌仟元整', amountDueFen: 1800000 });
    expect(ms[2].data).toMatchObject({ amountPaidFen: 1900000, transferIds: [TR[0], TR[1]], paidOn: '2026-09-03' });
    expect(ms[3].data).toMatchObject({ creditFen: 100000 });
  });

  it('the order is published as v2 with the term it pays; an order stored before billing recorded the term says null', () => {
    const [m] = publish([issue]);
    expect(m.contract.name).toBe('billing.PaymentOrderIssued.v2');
    expect(m.data).toMatchObject({ coverage: { kind: 'new', termStart: '2026-09-01', termEnd: '2028-12-31', activeFromPayment: true, startsNextYear: false } });
    const [{ state, event }] = run([issue]);
    const { coverage: _none, ...older } = (event as Extract<PaymentOrderEvent, { type: 'PaymentOrderIssued' }>).data;
    const [old] = toIntegrationEvents(state, { ...event, data: older } as PaymentOrderEvent);
    expect(old.data).toMatchObject({ coverage: null });
    expect(() => validateAs(old.contract.payload, JSON.parse(JSON.stringify(old.data)), old.contract.name)).not.toThrow();
  });

  it('cancellation and money for a cancelled order', () => {
    const ms = publish([issue, { type: 'Cancel', data: { reason: '申请已取消' }, metadata: meta('2026-09-02T00:00:00Z') }, pay(2, 1800000)]);
    expect(ms.map((m) => m.contract.name)).toEqual(['billing.PaymentOrderIssued.v2', 'billing.PaymentOrderCancelled.v1', 'billing.OverpaymentRecorded.v1']);
    validAll(ms);
    expect(ms[2].data).toMatchObject({ creditFen: 1800000, transferIds: [TR[2]] });
  });

  it('reversing a partial payment publishes PaymentReversed back to unpaid', () => {
    const ms = publish([issue, pay(0, 600000), { type: 'ReversePayment', data: { transferId: TR[0], reason: '匹配错误' }, metadata: meta('2026-09-04T00:00:00.000Z') }]);
    validAll(ms);
    expect(ms.map((m) => m.contract.name)).toEqual(['billing.PaymentOrderIssued.v2', 'billing.PaymentOrderPartiallyPaid.v1', 'billing.PaymentReversed.v1']);
    expect(ms[2].data).toMatchObject({ amountFen: 600000, amountPaidFen: 0, status: 'unpaid' });
  });

  it('the contract check can fail: a non-UUID order id is a violation', () => {
    const [m] = publish([{ ...issue, data: { ...issue.data, orderId: 'order-1' } } as PaymentOrderCommand]);
    expect(() => validateAs(m.contract.payload, m.data)).toThrow(ContractViolation);
  });

  it('needs the order in the stream state for settlement events', () => {
    const [, applied] = run([issue, pay(0, 600000)]);
    expect(() => toIntegrationEvents(paymentOrderDecider.initialState(), applied.event)).toThrow(expect.objectContaining({ code: 'STREAM_STATE_INCOMPLETE' }));
  });

  it('a reversed payment is published as billing.PaymentReversed with what remains paid', () => {
    const reverse: PaymentOrderCommand = { type: 'ReversePayment', data: { transferId: TR[0], reason: '匹配错误' }, metadata: meta('2026-09-04T02:00:00.000Z') };
    const out = publish([issue, pay(0, 1800000), reverse]);
    validAll(out);
    expect(out.map((m) => m.contract.name)).toEqual(['billing.PaymentOrderIssued.v2', 'billing.PaymentOrderPaid.v1', 'billing.PaymentReversed.v1']);
    expect(out[2].data).toEqual({
      orderId: ORD, applicationId: APP, institutionId: INST, transferId: TR[0], amountFen: 1800000, amountDueFen: 1800000, amountPaidFen: 0, status: 'unpaid',
      reason: '匹配错误', reversedBy: 'finance:li', at: '2026-09-04T02:00:00.000Z',
    });
  });
});
