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

describe('createReconciler: reasons state exactly the signals that matched', () => {
  it('says a confirmed payer name matched, never that the account name is the institution’s name', () => {
    const reconciler = createReconciler([order('P1', '北京大学图书馆', { knownPayerAccounts: ['0200004509014412345'], knownPayerNames: ['北京大学'] })]);
    const decision = reconciler.decide(line({ payerName: '北京大学', payerAccount: '0200004509014412345', remark: '会费' }));
    expect(decision).toMatchObject({ kind: 'auto', orderId: 'P1' });
    if (decision.kind !== 'auto') return;
    expect(decision.reasons).toEqual(['付款账号为已登记的付款账号', '户名与已确认为该单位付款的户名「北京大学」一致', '金额一致']);
    expect(decision.reasons).not.toContain('户名与单位名称一致');
  });

  it('names the alias a remark matched, and says 单位名称 only for the registered name', () => {
    const reconciler = createReconciler([order('F1', '北京市新街口图书馆', { aliases: ['北京市西城区第二图书馆'] })]);
    const byAlias = reconciler.decide(line({ remark: '北京市西城区第二图书馆会费' }));
    expect(byAlias.kind).toBe('auto');
    if (byAlias.kind === 'auto') expect(byAlias.reasons).toEqual(['附言与单位别名「北京市西城区第二图书馆」一致', '金额一致']);
    const byName = reconciler.decide(line({ remark: '北京市新街口图书馆会费', payerName: '北京市新街口图书馆' }));
    if (byName.kind === 'auto') expect(byName.reasons).toEqual(['附言与单位名称一致', '户名与单位名称一致', '金额一致']);
    expect(byName.kind).toBe('auto');
  });
});

describe('createReconciler: a payer that is another registered institution', () => {
  const library = order('L1', '北京大学医学图书馆');
  const sibling = { institutionId: 'I-SIBLING', name: '北京大学图书馆', aliases: [] };

  it('sends a credit naming one institution from another registered institution’s account to review, naming both', () => {
    const reconciler = createReconciler([library], {}, [sibling]);
    const decision = reconciler.decide(line({ payerName: '北京大学图书馆', remark: '北京大学医学图书馆会费' }));
    expect(decision.kind).toBe('suggest');
    if (decision.kind !== 'suggest') return;
    expect(decision.candidates.map((c) => c.orderId)).toEqual(['L1']);
    expect(decision.notes).toEqual([
      '付款户名「北京大学图书馆」是另一已登记单位（北京大学图书馆），而附言等信息指向「北京大学医学图书馆」：需人工确认这笔款项归属哪家单位',
      '北京大学图书馆目前没有未结订单',
    ]);
  });

  it('shows the payer institution’s own open order next to the remark’s one', () => {
    const reconciler = createReconciler([library, order('L2', '北京大学图书馆', { amountDueFen: 300000, feePerYearFen: 300000 })]);
    const decision = reconciler.decide(line({ payerName: '北京大学图书馆', remark: '北京大学医学图书馆会费', payerAccount: '11001' }));
    expect(decision.kind).toBe('suggest');
    if (decision.kind === 'suggest') {
      expect(decision.candidates.map((c) => c.orderId).sort()).toEqual(['L1', 'L2']);
      expect(decision.notes.join()).toContain('付款户名「北京大学图书馆」是另一已登记单位');
    }
  });

  it('recognises a parent university with its own membership even when its account was learned for the library', () => {
    const library = order('L3', '北京大学图书馆', { knownPayerAccounts: ['0200004509014412345'], knownPayerNames: ['北京大学'] });
    const parent = { institutionId: 'I-PKU', name: '北京大学', aliases: [] };
    const payment = line({ payerName: '北京大学', payerAccount: '0200004509014412345', remark: '会费' });
    expect(createReconciler([library]).decide(payment)).toMatchObject({ kind: 'auto', orderId: 'L3' });
    const decision = createReconciler([library], {}, [parent]).decide(payment);
    expect(decision.kind).toBe('suggest');
    if (decision.kind === 'suggest') expect(decision.notes.join()).toContain('付款户名「北京大学」是另一已登记单位（北京大学）');
  });

  it('a valid payment code does not settle it: the credit goes to review naming the payer institution, the code’s order and why', () => {
    const reconciler = createReconciler([library], {}, [sibling]);
    const coded = reconciler.decide(line({ payerName: '北京大学图书馆', remark: `北京大学医学图书馆会费 ${library.paymentCode}` }));
    expect(coded.kind).toBe('suggest');
    if (coded.kind !== 'suggest') return;
    expect(coded.candidates.map((c) => c.orderId)).toEqual(['L1']);
    // Exactly the signals that matched: the code, the remark's name, the payer name's likeness (not 一致), the amount.
    expect(coded.candidates[0].reasons).toEqual([`缴费码有效（${library.paymentCode}）`, '附言与单位名称一致', expect.stringMatching(/^户名与单位名称相似 \d+%$/), '金额一致']);
    expect(coded.notes).toEqual([
      `付款户名「北京大学图书馆」是另一已登记单位（北京大学图书馆），而附言中的缴费码 ${library.paymentCode} 属于「北京大学医学图书馆」的订单：需人工确认这笔款项归属哪家单位`,
      '北京大学图书馆目前没有未结订单',
    ]);
  });

  it('with a payment code and a payer that is an applicant with its own open order: both orders are shown, each with its own signals', () => {
    const applicant = order('L2', '北京大学图书馆', { amountDueFen: 300000, feePerYearFen: 300000 });
    const reconciler = createReconciler([library, applicant]);
    const coded = reconciler.decide(line({ payerName: '北京大学图书馆', remark: `北京大学医学图书馆会费 ${library.paymentCode}` }));
    expect(coded.kind).toBe('suggest');
    if (coded.kind !== 'suggest') return;
    expect(coded.candidates.map((c) => c.orderId)).toEqual(['L1', 'L2']);
    const [codeOrder, payerOrder] = coded.candidates;
    expect(codeOrder.reasons[0]).toBe(`缴费码有效（${library.paymentCode}）`);
    expect(payerOrder.reasons).toContain('附言中的缴费码属于其他订单');
    expect(payerOrder.reasons).toContain('户名与单位名称一致');
    expect(payerOrder.reasons.some((r) => r.startsWith('缴费码有效'))).toBe(false);
    expect(coded.notes).toEqual([`付款户名「北京大学图书馆」是另一已登记单位（北京大学图书馆），而附言中的缴费码 ${library.paymentCode} 属于「北京大学医学图书馆」的订单：需人工确认这笔款项归属哪家单位`]);
  });

  it('below the threshold too (half the amount, with the code): both sides are shown and the notes say why', () => {
    const reconciler = createReconciler([library], {}, [sibling]);
    const partial = reconciler.decide(line({ payerName: '北京大学图书馆', remark: `北京大学医学图书馆会费 ${library.paymentCode}`, amountFen: 50000 }));
    expect(partial.kind).toBe('suggest');
    if (partial.kind !== 'suggest') return;
    expect(partial.candidates.map((c) => c.orderId)).toEqual(['L1']);
    expect(partial.notes).toEqual([
      `付款户名「北京大学图书馆」是另一已登记单位（北京大学图书馆），而附言中的缴费码 ${library.paymentCode} 属于「北京大学医学图书馆」的订单：需人工确认这笔款项归属哪家单位`,
      '北京大学图书馆目前没有未结订单',
    ]);
  });

  it('still confirms the code, or the name, when the payer is the institution itself or a person', () => {
    const reconciler = createReconciler([library], {}, [sibling]);
    expect(reconciler.decide(line({ payerName: '北京大学医学图书馆', remark: `会费 ${library.paymentCode}` }))).toMatchObject({ kind: 'auto', orderId: 'L1', notes: [] });
    expect(reconciler.decide(line({ payerName: '北京大学医学图书馆', remark: '北京大学医学图书馆会费' }))).toMatchObject({ kind: 'auto', orderId: 'L1', notes: [] });
    expect(reconciler.decide(line({ payerName: '王芳', remark: '北京大学医学图书馆会费' }))).toMatchObject({ kind: 'auto', orderId: 'L1' });
    expect(reconciler.decide(line({ payerName: '王芳', remark: `会费 ${library.paymentCode}` }))).toMatchObject({ kind: 'auto', orderId: 'L1', notes: [] });
  });
});

describe('createReconciler: the threshold is tested on the unrounded score', () => {
  // Exact remark (0.97) × partial payment (0.8) × paid more than 180 days after issue (0.85) = 0.6596, shown as 0.66.
  const late = order('R1', '湖南省岳麓区图书馆', { issuedOn: '2026-01-02' });
  const payment = line({ remark: '湖南省岳麓区图书馆会费', amountFen: 50000, bookedOn: '2026-09-01' });

  it('does not auto-confirm a score just below the threshold that displays as the threshold', () => {
    const decision = createReconciler([late], { autoThreshold: 0.66 }).decide(payment);
    expect(decision.kind).toBe('suggest');
    if (decision.kind === 'suggest') expect(decision.candidates[0]).toMatchObject({ orderId: 'R1', score: 0.66 });
  });

  it('rounds only what is shown', () => {
    expect(createReconciler([late], { autoThreshold: 0.6596 }).decide(payment)).toMatchObject({ kind: 'auto', orderId: 'R1', confidence: 0.66 });
  });
});
