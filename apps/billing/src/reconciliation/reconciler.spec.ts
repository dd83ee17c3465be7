import { makePaymentCode } from './payment-code';
import { createReconciler } from './reconciler';
import { MatchableLine, OpenOrder } from './types';

const order = (id: string, name: string, extra: Partial<OpenOrder> = {}): OpenOrder => ({
  orderId: id,
  institutionId: `I-${id}`,
  institutionName: name,
  aliases: [],
  knownPayerAccounts: [],
  amountDueFen: 100000,
  amountPaidFen: 0,
  feePerYearFen: 100000,
  years: 1,
  // Issued codes always contain a letter (issuePaymentCode) and the sequence starts at 1000.
  paymentCode: makePaymentCode(1000 + Number(id.replace(/\D/g, '')) * 101),
  issuedOn: '2026-08-01',
  ...extra,
});

const orders = [
  order('O1', '北京市朝阳区图书馆'),
  order('O2', '北京市朝阳区少儿图书馆'),
  order('O3', '北京大学图书馆', { knownPayerAccounts: ['0200 0045 0901 4412 345'], amountDueFen: 300000, years: 3 }),
  order('O4', '北京大学医学图书馆', { amountDueFen: 200000, feePerYearFen: 200000 }),
  order('O5', '湖北省图书馆', { aliases: ['湖北省圖書館'] }),
];

const line = (extra: Partial<MatchableLine>): MatchableLine => ({
  direction: 'credit',
  amountFen: 100000,
  payerName: '张伟',
  payerAccount: '6217000000001',
  remark: '',
  bookedOn: '2026-09-01',
  ...extra,
});

describe('createReconciler', () => {
  const reconciler = createReconciler(orders);

  it('auto-matches the exact look-alike and explains why', () => {
    const decision = reconciler.decide(line({ remark: '北京市朝阳区少儿图书馆会费', payerName: '北京市朝阳区少儿图书馆' }));
    expect(decision).toMatchObject({ kind: 'auto', orderId: 'O2' });
    if (decision.kind === 'auto') expect(decision.reasons).toEqual(expect.arrayContaining(['附言与单位名称一致', '户名与单位名称一致', '金额一致']));
    expect(reconciler.decide(line({ remark: '北京市朝阳区图书馆交纳中图学会会费' }))).toMatchObject({ kind: 'auto', orderId: 'O1' });
  });

  it('never auto-matches when a typo makes two look-alikes equally plausible', () => {
    const decision = reconciler.decide(line({ remark: '北京市朝阳区少图书馆会费' }));
    expect(decision.kind).toBe('suggest');
    if (decision.kind === 'suggest') {
      expect(decision.candidates.map((c) => c.orderId).sort()).toEqual(['O1', 'O2']);
      expect(decision.candidates[0].reasons.join()).toMatch(/附言与单位名称相似 \d+%/);
    }
  });

  it('normalises full width, traditional characters, years and phone numbers', () => {
    expect(reconciler.decide(line({ remark: '湖北省圖書館＋２０２６會費＋13912345678' }))).toMatchObject({ kind: 'auto', orderId: 'O5' });
  });

  it('uses a learned payer account of the parent organisation', () => {
    const decision = reconciler.decide(line({ payerName: '北京大学', payerAccount: '02000045090144 12345', remark: '会费', amountFen: 300000 }));
    expect(decision).toMatchObject({ kind: 'auto', orderId: 'O3' });
    if (decision.kind === 'auto') expect(decision.reasons).toContain('付款账号为已登记的付款账号');
  });

  it('trusts a valid payment code and flags a mistyped one without using it', () => {
    const code = orders[3].paymentCode;
    expect(reconciler.decide(line({ remark: `会费 ${code.toLowerCase()}`, amountFen: 200000 }))).toMatchObject({ kind: 'auto', orderId: 'O4' });
    const broken = code.slice(0, 5) + (code[5] === 'Z' ? 'Y' : 'Z');
    const decision = reconciler.decide(line({ remark: `会费 ${broken}`, amountFen: 200000 }));
    expect(decision.kind).not.toBe('auto');
    expect(decision.notes.join()).toContain('缴费码校验失败');
  });

  it('does not auto-confirm partial or over payments but still suggests the order', () => {
    const decision = reconciler.decide(line({ remark: '北京市朝阳区图书馆会费', amountFen: 50000 }));
    expect(decision.kind).toBe('suggest');
    if (decision.kind === 'suggest') {
      expect(decision.candidates[0].orderId).toBe('O1');
      expect(decision.candidates[0].reasons.join()).toContain('部分付款');
    }
  });

  it('leaves unrelated credits and debits unmatched', () => {
    expect(reconciler.decide(line({ payerName: '某某科技有限公司', remark: '货款' })).kind).toBe('unmatched');
    expect(reconciler.decide(line({ direction: 'debit', remark: '北京市朝阳区图书馆会费' }))).toEqual({ kind: 'unmatched', notes: ['支出流水，不参与会费匹配'] });
  });

  it('sends a second full payment of an order to review once the first is recorded, without touching the caller’s orders', () => {
    const statement = createReconciler(orders);
    const payment = line({ remark: '湖北省图书馆会费', payerName: '湖北省图书馆' });
    const first = statement.decide(payment);
    expect(first).toMatchObject({ kind: 'auto', orderId: 'O5' });
    statement.recordPayment('O5', payment.amountFen);
    const second = statement.decide(payment);
    expect(second.kind).toBe('suggest');
    if (second.kind === 'suggest') expect(second.candidates[0]).toMatchObject({ orderId: 'O5', reasons: expect.arrayContaining(['订单已结清，可能为重复付款']) });
    expect(orders[4].amountPaidFen).toBe(0);
    expect(reconciler.decide(payment)).toMatchObject({ kind: 'auto', orderId: 'O5' });
  });

  it('honours the threshold parameter', () => {
    const strict = createReconciler(orders, { autoThreshold: 0.999 });
    expect(strict.decide(line({ remark: '北京市朝阳区图书馆会费' })).kind).toBe('suggest');
  });
});

// Cases from the 100,000-line labelled set against 50,000 open orders (seed 7), where the reconciler auto-confirmed
// the wrong institution before these fixes.
describe('createReconciler at scale: names one typo apart', () => {
  it('keeps a connective that is part of a name, so a typo of 廉平 is not taken for 和平', () => {
    const reconciler = createReconciler([order('G1', '甘肃省和平市图书馆'), order('G2', '甘肃省廉平市图书馆')]);
    const decision = reconciler.decide(line({ remark: '甘肃省平市图书馆会费' }));
    expect(decision.kind).toBe('suggest');
    if (decision.kind === 'suggest') expect(decision.candidates.map((c) => c.orderId).sort()).toEqual(['G1', 'G2']);
    expect(reconciler.decide(line({ remark: '甘肃省和平市图书馆和会费' }))).toMatchObject({ kind: 'suggest' });
  });

  it('never reads the digits of a name as a year', () => {
    // Only 北京东20001号 has an open order; 北京东12001号 is another institution and must not be paid into it.
    const reconciler = createReconciler([order('Y1', '北京东20001号图书馆')]);
    expect(reconciler.decide(line({ remark: '北京东12001号图书馆会费' })).kind).not.toBe('auto');
    expect(reconciler.decide(line({ remark: '北京东20001号图书馆2026会费' }))).toMatchObject({ kind: 'auto', orderId: 'Y1' });
  });

  const twins = [order('Z1', '竹清大学医学图书馆', { amountDueFen: 500000, feePerYearFen: 500000 }), order('Z2', '河清大学医学图书馆', { amountDueFen: 500000, feePerYearFen: 500000 })];
  const reconciler = createReconciler(twins);

  it('suggests, never confirms, a remark that names one institution exactly but is one typo from another', () => {
    // The payer of 河清大学医学图书馆 mistyped 河 as 竹: the remark is 竹清's exact name, the amount fits both.
    const decision = reconciler.decide(line({ remark: '竹清大学医学图书馆会费', amountFen: 500000 }));
    expect(decision.kind).toBe('suggest');
    if (decision.kind === 'suggest') {
      expect(decision.candidates.map((c) => c.orderId)).toEqual(['Z1', 'Z2']);
      expect(decision.notes).toContain('附言与另一单位的名称仅差一字，可能为笔误，需人工确认');
    }
  });

  it('still confirms the exact name when the payer account name or the payment code backs it up', () => {
    expect(reconciler.decide(line({ remark: '竹清大学医学图书馆会费', payerName: '竹清大学医学图书馆', amountFen: 500000 }))).toMatchObject({ kind: 'auto', orderId: 'Z1' });
    expect(reconciler.decide(line({ remark: `竹清大学医学图书馆会费 ${twins[0].paymentCode}`, amountFen: 500000 }))).toMatchObject({ kind: 'auto', orderId: 'Z1' });
    expect(createReconciler([twins[0]]).decide(line({ remark: '竹清大学医学图书馆会费', amountFen: 500000 }))).toMatchObject({ kind: 'auto', orderId: 'Z1' });
  });
});
