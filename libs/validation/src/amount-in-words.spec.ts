import fc from 'fast-check';
import { amountInWords } from './amount-in-words';

/** Independent reader of 大写金额 used to check that the writer round-trips. */
function parseAmountInWords(words: string): number {
  const digits = '零壹贰叁肆伍陆柒捌玖';
  const units: Record<string, number> = { 拾: 10, 佰: 100, 仟: 1000 };
  let total = 0;
  let section = 0;
  let pending = 0;
  let fen = 0;
  for (const char of words) {
    const value = digits.indexOf(char);
    if (value >= 0) pending = value;
    else if (char in units) {
      section += pending * (units[char] as number);
      pending = 0;
    } else if (char === '万') {
      section = (section + pending) * 10_000;
      pending = 0;
    } else if (char === '亿') {
      total = (total + section + pending) * 100_000_000;
      section = 0;
      pending = 0;
    } else if (char === '元') {
      fen += (total + section + pending) * 100;
      total = 0;
      section = 0;
      pending = 0;
    } else if (char === '角') {
      fen += pending * 10;
      pending = 0;
    } else if (char === '分') {
      fen += pending;
      pending = 0;
    } else if (char !== '整') throw new Error(`unexpected ${char}`);
  }
  return fen;
}

describe('amountInWords', () => {
  it.each([
    [0, '零元整'],
    [1, '壹分'],
    [10, '壹角'],
    [11, '壹角壹分'],
    [100, '壹元整'],
    [105, '壹元零伍分'],
    [150, '壹元伍角'],
    [1000, '壹拾元整'],
    [1200, '壹拾贰元整'],
    [10010, '壹佰元零壹角'],
    [10001, '壹佰元零壹分'],
    [100050, '壹仟元零伍角'],
    [100000, '壹仟元整'],
    [600000, '陆仟元整'],
    [1800000, '壹万捌仟元整'],
    [168032, '壹仟陆佰捌拾元零叁角贰分'],
    [600714, '陆仟零柒元壹角肆分'],
    [1640902, '壹万陆仟肆佰零玖元零贰分'],
    [32504, '叁佰贰拾伍元零肆分'],
    [1000100, '壹万零壹元整'],
    [1005000, '壹万零伍拾元整'],
    [10000000, '壹拾万元整'],
    [10001000, '壹拾万零壹拾元整'],
    [10700053, '壹拾万柒仟元零伍角叁分'],
    [1000000000, '壹仟万元整'],
    [10000000000, '壹亿元整'],
    [10000000100, '壹亿零壹元整'],
    [10001000000, '壹亿零壹万元整'],
    [11000000000, '壹亿壹仟万元整'],
    [100000000000000, '壹万亿元整'],
    [100005000000000, '壹万亿伍仟万元整'],
    [100000500000000, '壹万亿零伍佰万元整'],
    [100010000000000, '壹万零壹亿元整'],
    [10500000, '壹拾万伍仟元整'],
    [Number.MAX_SAFE_INTEGER, '玖拾万零柒佰壹拾玖亿玖仟贰佰伍拾肆万柒仟肆佰零玖元玖角壹分'],
  ])('writes %i fen as %s', (fen, words) => {
    expect(amountInWords(fen)).toBe(words);
  });

  it.each([-1, 0.5, 100.1, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'throws on %p',
    (fen) => {
      expect(() => amountInWords(fen)).toThrow(RangeError);
    },
  );

  it('never contains Arabic digits, and never two 零 in a row', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (fen) => {
        const words = amountInWords(fen);
        return !/[0-9]/.test(words) && !words.includes('零零');
      }),
    );
  });

  it('reads back to the same amount', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat({ max: 1_000_000_000 }), fc.maxSafeNat()), (fen) => {
        expect(parseAmountInWords(amountInWords(fen))).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });

  it('ends with 整 exactly when there are no 角 and 分', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (fen) => amountInWords(fen).endsWith('整') === (fen % 100 === 0)),
    );
  });
});
