import fc from 'fast-check';
import { findPaymentCodes, isValidPaymentCode, makePaymentCode, MAX_PAYMENT_CODE_NUMBER } from './payment-code';

describe('payment codes', () => {
  it('encodes 5 Crockford payload chars plus the mod-37 check symbol', () => {
    expect(makePaymentCode(0)).toBe('000000');
    expect(makePaymentCode(1)).toBe('000011');
    // 1234 = "16J" in Crockford base32; 1234 mod 37 = 13 → 'D' (the spec's own example value).
    expect(makePaymentCode(1234)).toBe('0016JD');
    expect(makePaymentCode(32)).toBe('00010*');
    expect(makePaymentCode(36)).toBe('00014U');
    expect(makePaymentCode(MAX_PAYMENT_CODE_NUMBER)).toMatch(/^ZZZZZ.$/);
    expect(() => makePaymentCode(-1)).toThrow('缴费码序号超出范围');
    expect(() => makePaymentCode(MAX_PAYMENT_CODE_NUMBER + 1)).toThrow(RangeError);
  });

  it('accepts every generated code, forgivingly (case, I/L/O)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_PAYMENT_CODE_NUMBER }), (n) => {
        const code = makePaymentCode(n);
        expect(isValidPaymentCode(code)).toBe(true);
        expect(isValidPaymentCode(code.toLowerCase())).toBe(true);
      }),
    );
    expect(isValidPaymentCode('oo16jd')).toBe(true);
  });

  it('detects every single-character substitution', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_PAYMENT_CODE_NUMBER }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.split('')),
        (n, position, replacement) => {
          const code = makePaymentCode(n);
          fc.pre(code[position] !== replacement);
          const typo = code.slice(0, position) + replacement + code.slice(position + 1);
          expect(isValidPaymentCode(typo)).toBe(false);
        },
      ),
    );
  });

  it('finds codes in remarks written in lower case, full width or with spaces', () => {
    expect(findPaymentCodes('北京大学图书馆会费 0016JD')).toEqual({ valid: ['0016JD'], invalid: [] });
    expect(findPaymentCodes('会费0016jd').valid).toEqual(['0016JD']);
    expect(findPaymentCodes('会费 ００１６ＪＤ').valid).toEqual(['0016JD']);
    expect(findPaymentCodes('会费 001 6JD').valid).toEqual(['0016JD']);
    expect(findPaymentCodes('会费 0016JE')).toEqual({ valid: [], invalid: ['0016JE'] });
    // Phone numbers, years and amounts are not codes.
    expect(findPaymentCodes('湖北省图书馆2026会费13912345678 18000.00')).toEqual({ valid: [], invalid: [] });
  });
});
