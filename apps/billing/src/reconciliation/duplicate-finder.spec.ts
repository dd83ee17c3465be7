import { createDuplicateFinder } from './duplicate-finder';
import { makePaymentCode } from './payment-code';
import { MatchableLine, OpenOrder } from './types';

const settled = (id: string, name: string, extra: Partial<OpenOrder> = {}): OpenOrder => ({
  orderId: id,
  institutionId: `I-${id}`,
  institutionName: name,
  aliases: [],
  knownPayerAccounts: [],
  amountDueFen: 600000,
  amountPaidFen: 600000,
  feePerYearFen: 600000,
  years: 1,
  paymentCode: makePaymentCode(Number(id.replace(/\D/g, '')) * 97),
  issuedOn: '2026-08-01',
  ...extra,
});

const credit = (extra: Partial<MatchableLine>): MatchableLine => ({
  direction: 'credit',
  amountFen: 600000,
  payerName: '张伟',
  payerAccount: '6217000000001',
  remark: '',
  bookedOn: '2026-09-20',
  ...extra,
});

describe('createDuplicateFinder', () => {
  const orders = [settled('S1', '戊市少儿图书馆', { knownPayerAccounts: ['6222000011110001'] }), settled('S2', '己县图书馆', { amountDueFen: 300000, amountPaidFen: 300000, feePerYearFen: 300000, paymentCode: makePaymentCode(987654) })];
  const finder = createDuplicateFinder(orders);

  it('names the settled order a transfer repeats: same payer account and remark, the amount due', () => {
    const found = finder.find(credit({ payerName: '戊市少儿图书馆', payerAccount: '6222000011110001', remark: '戊市少儿图书馆会费' }));
    expect(found?.order.orderId).toBe(orders[0].orderId);
    expect(found?.confidence).toBeGreaterThan(0.5);
    expect(found?.confidence).toBeLessThanOrEqual(1);
    expect(found?.note).toMatch(/^可能为已结清订单的重复付款：戊市少儿图书馆（缴费码 [0-9A-Z]+，应付 6,000\.00元，匹配度 \d+%），请核实后退款或结转$/);
  });

  it('names it from the payment code alone', () => {
    expect(finder.find(credit({ remark: `会费 ${orders[1].paymentCode}`, amountFen: 300000 }))?.note).toContain('己县图书馆');
    // Another amount, but the order's own code: still worth a look.
    expect(finder.find(credit({ remark: `会费 ${orders[1].paymentCode}`, amountFen: 150000 }))?.order.orderId).toBe(orders[1].orderId);
  });

  it('says nothing for a transfer of another amount that only resembles a name, or for an unrelated one', () => {
    expect(finder.find(credit({ remark: '己县图书馆会费', amountFen: 123400 }))).toBeUndefined();
    expect(finder.find(credit({ payerName: '某某公司', remark: '货款', amountFen: 8800 }))).toBeUndefined();
  });

  it('says nothing for debits or when nothing was settled recently', () => {
    expect(finder.find(credit({ direction: 'debit', payerName: '戊市少儿图书馆', remark: '戊市少儿图书馆会费' }))).toBeUndefined();
    expect(createDuplicateFinder([]).find(credit({ remark: '戊市少儿图书馆会费' }))).toBeUndefined();
  });
});
