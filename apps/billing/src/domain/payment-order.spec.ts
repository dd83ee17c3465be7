import { specFor } from '@lsc/event-sourcing/testing';
import type { CommandMetadata } from '@lsc/event-sourcing';
import { LSC_PAYEE, coverageOfApplication, paymentOrderDecider, transferRemarkFor, type IssueData, type PaymentOrderCommand, type PaymentOrderEvent } from './payment-order';

const ORD = '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05';
const APP = '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03';
const INST = '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01';
const T1 = '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06';
const T2 = '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a07';
const T3 = '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a08';
const MATCH = '6b1d2e3f-6666-4a55-9f77-2d1c1f7f0a08';
const NOW = '2026-09-01T01:05:01.000Z';
const PAY_AT = '2026-09-03T02:00:00.000Z';
const meta = (now: string): CommandMetadata => ({ now, actor: 'finance:li', correlationId: 'c' });

const COVERAGE = { kind: 'new', termStart: '2026-09-01', termEnd: '2028-12-31', activeFromPayment: true, startsNextYear: false } as const;

const issueData = (over: Partial<IssueData> = {}): IssueData => ({
  orderId: ORD,
  applicationId: APP,
  institutionId: INST,
  institutionName: '企业机构测试',
  quote: { feePerYearFen: 600000, years: 3, amountDueFen: 1800000, scheduleVersion: '2026-01' },
  payee: LSC_PAYEE,
  paymentCode: '7K3M9Q',
  coverage: COVERAGE,
  ...over,
});
const issue = (over: Partial<IssueData> = {}): PaymentOrderCommand => ({ type: 'Issue', data: issueData(over), metadata: meta(NOW) });
const pay = (transferId: string, amountFen: number, bookedOn = '2026-09-03'): PaymentOrderCommand => ({ type: 'ApplyPayment', data: { transferId, amountFen, matchId: MATCH, bookedOn }, metadata: meta(PAY_AT) });
const cancel = (reason = '申请已取消'): PaymentOrderCommand => ({ type: 'Cancel', data: { reason }, metadata: meta(NOW) });
const reverse = (transferId: string, reason = '匹配错误'): PaymentOrderCommand => ({ type: 'ReversePayment', data: { transferId, reason }, metadata: meta(PAY_AT) });

const issued: PaymentOrderEvent = {
  type: 'PaymentOrderIssued',
  schemaVersion: 1,
  data: {
    orderId: ORD,
    applicationId: APP,
    institutionId: INST,
    institutionName: '企业机构测试',
    feePerYearFen: 600000,
    years: 3,
    amountDueFen: 1800000,
    scheduleVersion: '2026-01',
    payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' },
    transferRemark: '企业机构测试+会费',
    paymentCode: '7K3M9Q',
    coverage: COVERAGE,
    issuedAt: NOW,
  },
};
const applied = (transferId: string, amountFen: number, totalPaidFen: number, transferIds: string[], resultingStatus: 'partially_paid' | 'paid' | 'overpaid', bookedOn = '2026-09-03'): PaymentOrderEvent => ({
  type: 'PaymentApplied',
  schemaVersion: 1,
  data: { transferId, amountFen, matchId: MATCH, bookedOn, totalPaidFen, transferIds, resultingStatus, at: PAY_AT },
});
const paid = (totalPaidFen: number, transferIds: string[], paidOn = '2026-09-03'): PaymentOrderEvent => ({ type: 'PaymentOrderPaid', schemaVersion: 1, data: { totalPaidFen, transferIds, paidOn, at: PAY_AT } });
const over = (creditFen: number, totalCreditFen: number, totalPaidFen: number, transferIds: string[], paidOn = '2026-09-03'): PaymentOrderEvent => ({
  type: 'OverpaymentRecorded',
  schemaVersion: 1,
  data: { creditFen, totalCreditFen, totalPaidFen, transferIds, paidOn, at: PAY_AT },
});
const cancelled: PaymentOrderEvent = { type: 'PaymentOrderCancelled', schemaVersion: 1, data: { reason: '申请已取消', cancelledBy: 'finance:li', at: NOW } };

const spec = specFor(paymentOrderDecider);
const status = (events: PaymentOrderEvent[]) => events.reduce(paymentOrderDecider.evolve, paymentOrderDecider.initialState()).status;

describe('coverageOfApplication (the term an order pays, from membership\'s ApplicationSubmitted)', () => {
  it('a new application confirmed before the cut-off: active from payment, paid years from the payment day', () =>
    expect(coverageOfApplication({ kind: 'new', termStart: '2026-11-30', termEnd: '2026-12-31' }, '2026-11-30')).toEqual({ kind: 'new', termStart: '2026-11-30', termEnd: '2026-12-31', activeFromPayment: true, startsNextYear: false }));
  it('a December joiner: paid years from 1 January of the next year, active from payment', () =>
    expect(coverageOfApplication({ kind: 'new', termStart: '2027-01-01', termEnd: '2027-12-31' }, '2026-12-01')).toEqual({ kind: 'new', termStart: '2027-01-01', termEnd: '2027-12-31', activeFromPayment: true, startsNextYear: true }));
  it('a renewal continues the running term (not active from payment, not a late joiner)', () =>
    expect(coverageOfApplication({ kind: 'renewal', termStart: '2029-01-01', termEnd: '2029-12-31' }, '2028-12-10')).toEqual({ kind: 'renewal', termStart: '2029-01-01', termEnd: '2029-12-31', activeFromPayment: false, startsNextYear: false }));
});

describe('payment order decider', () => {
  describe('Issue', () => {
    it('issues an order with the remark <单位名称>+会费', () => spec.given([]).when(issue()).then([issued]));
    it('transferRemarkFor', () => expect(transferRemarkFor('某某图书馆')).toBe('某某图书馆+会费'));
    it('is idempotent for a redelivered request', () => spec.given([issued]).when(issue()).then([]));
    it('rejects a different order on the same stream', () => spec.given([issued]).when(issue({ applicationId: 'other' })).thenThrows('ORDER_ALREADY_ISSUED'));
    it('rejects an inconsistent quote', () =>
      spec.given([]).when(issue({ quote: { feePerYearFen: 600000, years: 3, amountDueFen: 1700000, scheduleVersion: '2026-01' } })).thenThrows('QUOTE_INCONSISTENT'));
    it('rejects a zero amount', () => spec.given([]).when(issue({ quote: { feePerYearFen: 0, years: 1, amountDueFen: 0, scheduleVersion: 'v' } })).thenThrows('INVALID_AMOUNT'));
    it('rejects a fractional fee', () => spec.given([]).when(issue({ quote: { feePerYearFen: 0.5, years: 2, amountDueFen: 1, scheduleVersion: 'v' } })).thenThrows('INVALID_AMOUNT'));
    it.each([0, 6])('rejects %p years', (years) => spec.given([]).when(issue({ quote: { feePerYearFen: 1, years, amountDueFen: years || 1, scheduleVersion: 'v' } })).thenThrows('YEARS_OUT_OF_RANGE'));
    it('rejects an invalid account number', () => spec.given([]).when(issue({ payee: { ...LSC_PAYEE, accountNumber: '2000-0006' } })).thenThrows('INVALID_FIELD'));
    it.each(['7K3M9', '7K3M9I', 'abcdef'])('rejects payment code %p', (paymentCode) => spec.given([]).when(issue({ paymentCode })).thenThrows('INVALID_PAYMENT_CODE'));
    it('rejects an order without its term, or with a term ending before it starts', () => {
      spec.given([]).when(issue({ coverage: undefined as never })).thenThrows('INVALID_COVERAGE');
      spec.given([]).when(issue({ coverage: { ...COVERAGE, termEnd: '2026-08-31' } })).thenThrows('INVALID_COVERAGE');
      spec.given([]).when(issue({ coverage: { ...COVERAGE, termStart: '2026-02-30' } })).thenThrows('INVALID_COVERAGE');
    });
    it('rejects a blank institution name', () => spec.given([]).when(issue({ institutionName: '' })).thenThrows('INVALID_FIELD'));
  });

  describe('ApplyPayment', () => {
    it('exact amount: unpaid → paid', () => spec.given([issued]).when(pay(T1, 1800000)).then([applied(T1, 1800000, 1800000, [T1], 'paid'), paid(1800000, [T1])]));
    it('part payment: unpaid → partially_paid', () => spec.given([issued]).when(pay(T1, 600000)).then([applied(T1, 600000, 600000, [T1], 'partially_paid')]));
    it('the rest: partially_paid → paid, paidOn = booking day of the completing transfer', () =>
      spec
        .given([issued, applied(T1, 600000, 600000, [T1], 'partially_paid')])
        .when(pay(T2, 1200000, '2026-09-10'))
        .then([applied(T2, 1200000, 1800000, [T1, T2], 'paid', '2026-09-10'), paid(1800000, [T1, T2], '2026-09-10')]));
    it('too much at once: paid and a credit', () =>
      spec.given([issued]).when(pay(T1, 1900000)).then([applied(T1, 1900000, 1900000, [T1], 'overpaid'), paid(1900000, [T1]), over(100000, 100000, 1900000, [T1])]));
    it('a partial payment topped up beyond the due amount', () =>
      spec
        .given([issued, applied(T1, 1000000, 1000000, [T1], 'partially_paid')])
        .when(pay(T2, 1000000))
        .then([applied(T2, 1000000, 2000000, [T1, T2], 'overpaid'), paid(2000000, [T1, T2]), over(200000, 200000, 2000000, [T1, T2])]));
    it('another transfer on a paid order is all credit', () =>
      spec
        .given([issued, applied(T1, 1800000, 1800000, [T1], 'paid'), paid(1800000, [T1])])
        .when(pay(T2, 50000, '2026-09-20'))
        .then([applied(T2, 50000, 1850000, [T1, T2], 'overpaid', '2026-09-20'), over(50000, 50000, 1850000, [T1, T2])]));
    it('the same transfer twice → no new events', () => spec.given([issued, applied(T1, 600000, 600000, [T1], 'partially_paid')]).when(pay(T1, 600000)).then([]));
    it('the same transfer after full payment → no new events', () => spec.given([issued, applied(T1, 1800000, 1800000, [T1], 'paid'), paid(1800000, [T1])]).when(pay(T1, 1800000)).then([]));
    it('money for a cancelled order is recorded as a credit, once', () => {
      const stray: PaymentOrderEvent = { type: 'PaymentReceivedForCancelledOrder', schemaVersion: 1, data: { transferId: T1, amountFen: 1800000, matchId: MATCH, bookedOn: '2026-09-03', at: PAY_AT } };
      spec.given([issued, cancelled]).when(pay(T1, 1800000)).then([stray]);
      spec.given([issued, cancelled, stray]).when(pay(T1, 1800000)).then([]);
      expect(status([issued, cancelled, stray])).toBe('cancelled');
    });
    it.each([0, -100, 10.5])('rejects amount %p', (amount) => spec.given([issued]).when(pay(T1, amount)).thenThrows('INVALID_AMOUNT'));
    it('rejects an invalid booking date', () => spec.given([issued]).when(pay(T1, 100, '2026-02-30')).thenThrows('INVALID_DATE'));
    it('rejects a blank transfer id', () => spec.given([issued]).when(pay('', 100)).thenThrows('INVALID_FIELD'));
    it('rejects an unknown order', () => spec.given([]).when(pay(T1, 100)).thenThrows('ORDER_NOT_FOUND'));
  });

  describe('Cancel', () => {
    it('cancels an unpaid order', () => spec.given([issued]).when(cancel()).then([cancelled]));
    it('rejects once something was paid', () => spec.given([issued, applied(T1, 600000, 600000, [T1], 'partially_paid')]).when(cancel()).thenThrows('ORDER_HAS_PAYMENTS'));
    it('rejects a paid order', () => spec.given([issued, applied(T1, 1800000, 1800000, [T1], 'paid'), paid(1800000, [T1])]).when(cancel()).thenThrows('ORDER_HAS_PAYMENTS'));
    it('rejects cancelling twice', () => spec.given([issued, cancelled]).when(cancel()).thenThrows('ORDER_ALREADY_CANCELLED'));
    it('requires a reason', () => spec.given([issued]).when(cancel(' ')).thenThrows('INVALID_FIELD'));
    it('rejects an unknown order', () => spec.given([]).when(cancel()).thenThrows('ORDER_NOT_FOUND'));
  });

  describe('ReversePayment (finance un-matches)', () => {
    const reversed = (transferId: string, amountFen: number, totalPaidFen: number, resultingStatus: string): PaymentOrderEvent =>
      ({ type: 'PaymentReversed', schemaVersion: 1, data: { transferId, reason: '匹配错误', amountFen, totalPaidFen, resultingStatus, reversedBy: 'finance:li', at: PAY_AT } }) as PaymentOrderEvent;
    const paidGiven = [issued, applied(T1, 600000, 600000, [T1], 'partially_paid'), applied(T2, 1200000, 1800000, [T1, T2], 'paid'), paid(1800000, [T1, T2])];
    it('paid → partially_paid', () => {
      spec.given(paidGiven).when(reverse(T2)).then([reversed(T2, 1200000, 600000, 'partially_paid')]);
      expect(status([...paidGiven, reversed(T2, 1200000, 600000, 'partially_paid')])).toBe('partially_paid');
    });
    it('partially_paid → unpaid, after which the order can be cancelled', () => {
      const given = [issued, applied(T1, 600000, 600000, [T1], 'partially_paid'), reversed(T1, 600000, 0, 'unpaid')];
      spec.given([issued, applied(T1, 600000, 600000, [T1], 'partially_paid')]).when(reverse(T1)).then([reversed(T1, 600000, 0, 'unpaid')]);
      spec.given(given).when(cancel()).then([cancelled]);
    });
    it('a redelivered match of a reversed transfer is ignored', () =>
      spec.given([issued, applied(T1, 600000, 600000, [T1], 'partially_paid'), reversed(T1, 600000, 0, 'unpaid')]).when(pay(T1, 600000)).then([]));
    it('a reversal after the order was paid again is counted once', () =>
      spec
        .given([...paidGiven, reversed(T2, 1200000, 600000, 'partially_paid')])
        .when(pay(T3, 1200000, '2026-09-12'))
        .then([applied(T3, 1200000, 1800000, [T1, T3], 'paid', '2026-09-12'), paid(1800000, [T1, T3], '2026-09-12')]));
    it('rejects a transfer that is not applied', () => spec.given(paidGiven).when(reverse(T3)).thenThrows('TRANSFER_NOT_APPLIED'));
    it('rejects reversing twice', () => spec.given([...paidGiven, reversed(T2, 1200000, 600000, 'partially_paid')]).when(reverse(T2)).thenThrows('TRANSFER_NOT_APPLIED'));
    it('requires a reason', () => spec.given(paidGiven).when(reverse(T2, '')).thenThrows('INVALID_FIELD'));
    it('rejects an unknown order', () => spec.given([]).when(reverse(T1)).thenThrows('ORDER_NOT_FOUND'));
  });

  it('folds to the expected statuses', () => {
    expect(status([])).toBe('none');
    expect(status([issued])).toBe('unpaid');
    expect(status([issued, applied(T1, 1, 1, [T1], 'partially_paid')])).toBe('partially_paid');
    expect(status([issued, applied(T1, 1800000, 1800000, [T1], 'paid'), paid(1800000, [T1])])).toBe('paid');
    expect(status([issued, applied(T1, 1900000, 1900000, [T1], 'overpaid'), paid(1900000, [T1]), over(100000, 100000, 1900000, [T1])])).toBe('overpaid');
    expect(status([issued, cancelled])).toBe('cancelled');
  });
});
