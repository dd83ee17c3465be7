import fc from 'fast-check';
import { findPaymentCodes, isValidPaymentCode, issuePaymentCode, makeLegacyPaymentCode, makePaymentCode, MAX_PAYMENT_CODE_NUMBER } from './payment-code';
import { createReconciler } from './reconciler';
import type { MatchableLine, OpenOrder } from './types';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const number = fc.integer({ min: 0, max: MAX_PAYMENT_CODE_NUMBER });

describe('payment codes', () => {
  it('encodes 5 Crockford payload characters plus a check character from the same alphabet', () => {
    expect(makePaymentCode(0)).toBe('000000');
    expect(makePaymentCode(1)).toBe('000015');
    // 1234 = "16J" in Crockford base32.
    expect(makePaymentCode(1234)).toBe('0016JQ');
    expect(makePaymentCode(MAX_PAYMENT_CODE_NUMBER)).toMatch(/^ZZZZZ.$/);
    expect(() => makePaymentCode(-1)).toThrow('缴费码序号超出范围');
    expect(() => makePaymentCode(MAX_PAYMENT_CODE_NUMBER + 1)).toThrow(RangeError);
  });

  it('never ends in a symbol a bank app refuses or mangles (the old 00109$ is now 001090)', () => {
    expect(makeLegacyPaymentCode(1033)).toBe('00109$');
    expect(makePaymentCode(1033)).toBe('001090');
    const outside = (codes: string[]): string[] => codes.filter((code) => !/^[0-9A-HJKMNP-TV-Z]{6}$/.test(code));
    // The whole range the sequence has issued from (it starts at 1000) and will for years, plus random draws.
    expect(outside(Array.from({ length: 50_000 }, (_, i) => makePaymentCode(1000 + i)))).toEqual([]);
    expect(outside(fc.sample(number, 20_000).map(makePaymentCode))).toEqual([]);
  });

  it('accepts every generated code, forgivingly (lower case, O for 0, I and L for 1, spaces, hyphens, full width)', () => {
    fc.assert(
      fc.property(number, (n) => {
        const code = makePaymentCode(n);
        expect(isValidPaymentCode(code)).toBe(true);
        expect(isValidPaymentCode(code.toLowerCase())).toBe(true);
      }),
    );
    // 0016JQ typed as the look-alike letters Crockford decoding reads as digits.
    expect(isValidPaymentCode('oo16jq')).toBe(true);
    expect(isValidPaymentCode('OO16JQ')).toBe(true);
    expect(makePaymentCode(1)).toBe('000015');
    expect(isValidPaymentCode('0000I5')).toBe(true);
    expect(isValidPaymentCode('0000l5')).toBe(true);
    expect(isValidPaymentCode('001-6JQ')).toBe(true);
    expect(isValidPaymentCode('００１６ＪＱ')).toBe(true);
  });

  it('detects every single-character substitution and every swap of two different characters', () => {
    fc.assert(
      fc.property(number, fc.integer({ min: 0, max: 5 }), fc.constantFrom(...CROCKFORD.split('')), (n, position, replacement) => {
        const code = makePaymentCode(n);
        fc.pre(code[position] !== replacement);
        const typo = code.slice(0, position) + replacement + code.slice(position + 1);
        // A typo may by chance form a code issued before the switch, never a current one.
        expect(isValidPaymentCode(typo) && typo[5] === makePaymentCode(parseInt32(typo))[5]).toBe(false);
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(number, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), (n, i, j) => {
        const code = [...makePaymentCode(n)];
        fc.pre(code[i] !== code[j]);
        [code[i], code[j]] = [code[j] as string, code[i] as string];
        const swapped = code.join('');
        expect(swapped[5] === makePaymentCode(parseInt32(swapped))[5]).toBe(false);
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps accepting the codes already issued with the old check symbols', () => {
    for (const legacy of ['00109$', '00010*', '00014U', '0016JD', '000011']) expect(isValidPaymentCode(legacy)).toBe(true);
    fc.assert(
      fc.property(number, (n) => {
        expect(isValidPaymentCode(makeLegacyPaymentCode(n))).toBe(true);
        expect(isValidPaymentCode(makeLegacyPaymentCode(n).toLowerCase())).toBe(true);
      }),
    );
    expect(findPaymentCodes('北京大学图书馆会费 00109$')).toEqual({ valid: ['00109$'], invalid: [] });
    expect(findPaymentCodes('会费00010*').valid).toEqual(['00010*']);
    expect(findPaymentCodes('会费 0016jd').valid).toEqual(['0016JD']);
  });

  it('finds codes in remarks written in lower case, full width, with spaces or look-alike letters', () => {
    expect(findPaymentCodes('北京大学图书馆会费 0016JQ')).toEqual({ valid: ['0016JQ'], invalid: [] });
    expect(findPaymentCodes('会费0016jq').valid).toEqual(['0016JQ']);
    expect(findPaymentCodes('会费 ００１６ＪＱ').valid).toEqual(['0016JQ']);
    expect(findPaymentCodes('会费 001 6JQ').valid).toEqual(['0016JQ']);
    expect(findPaymentCodes('会费 OO16JQ').valid).toEqual(['0016JQ']);
    expect(findPaymentCodes('会费 0016JR')).toEqual({ valid: [], invalid: ['0016JR'] });
    // Phone numbers, years and amounts are not codes.
    expect(findPaymentCodes('湖北省图书馆2026会费13912345678 18000.00')).toEqual({ valid: [], invalid: [] });
  });

  it('issues only codes that contain a letter, so the remark finder can see every one', async () => {
    // 1033 → 001090 (all digits, a finder would take it for a number); 1034 → 0010A….
    let next = 1033;
    const drawn: number[] = [];
    const code = await issuePaymentCode(async () => {
      drawn.push(next);
      return next++;
    });
    expect(drawn).toEqual([1033, 1034]);
    expect(code).toBe(makePaymentCode(1034));
    expect(findPaymentCodes(`会费 ${code}`).valid).toEqual([code]);
    let sequence = 1000;
    const unseen: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const issued = await issuePaymentCode(async () => sequence++);
      if (findPaymentCodes(`某某图书馆会费${issued}`).valid[0] !== issued) unseen.push(issued);
    }
    expect(unseen).toEqual([]);
  });
});

function parseInt32(code: string): number {
  return [...code.slice(0, 5)].reduce((n, ch) => n * 32 + CROCKFORD.indexOf(ch), 0);
}

describe('reconciling by payment code across the alphabet change', () => {
  const order = (orderId: string, paymentCode: string, institutionName: string): OpenOrder => ({
    orderId,
    institutionId: `I-${orderId}`,
    institutionName,
    aliases: [],
    knownPayerAccounts: [],
    amountDueFen: 100000,
    amountPaidFen: 0,
    feePerYearFen: 100000,
    years: 1,
    paymentCode,
    issuedOn: '2026-08-01',
  });
  // The payer's remark names neither institution: only the code can pick the order.
  const line = (remark: string): MatchableLine => ({ direction: 'credit', amountFen: 100000, payerName: '张伟', payerAccount: '6217000000001', remark, bookedOn: '2026-09-01' });
  const reconciler = createReconciler([order('OLD', makeLegacyPaymentCode(1033), '甲市图书馆'), order('NEW', makePaymentCode(20_001), '乙县图书馆'), order('NEW2', makePaymentCode(1234), '丙区图书馆')]);

  it('matches a code issued before the change (00109$) and a current one, typed forgivingly', () => {
    expect(makePaymentCode(20_001)).toBe('00KH1M');
    expect(reconciler.decide(line('会费 00109$'))).toMatchObject({ kind: 'auto', orderId: 'OLD' });
    expect(reconciler.decide(line('会费 00KH1M'))).toMatchObject({ kind: 'auto', orderId: 'NEW' });
    expect(reconciler.decide(line('会费 00kh1m'))).toMatchObject({ kind: 'auto', orderId: 'NEW' });
    expect(reconciler.decide(line('会费 oo16jq'))).toMatchObject({ kind: 'auto', orderId: 'NEW2' });
    expect(reconciler.decide(line('会费 OO16-JQ'))).toMatchObject({ kind: 'auto', orderId: 'NEW2' });
  });

  it('does not book a mistyped current code', () => {
    expect(reconciler.decide(line('会费 00KH1N')).kind).not.toBe('auto');
  });
});
