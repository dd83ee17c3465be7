import { describe, expect, it } from 'vitest';
import { quoteLine, yuan, yuanInWords, yuanText } from './money';

describe('money display (integer fen)', () => {
  it('writes yuan as the guide does', () => {
    expect(yuan(1_800_000)).toBe('18000');
    expect(yuan(1_234_567)).toBe('12345.67');
    expect(yuan(5)).toBe('0.05');
    expect(yuanText(600_000)).toBe('6000元');
    expect(() => yuan(1.5)).toThrow(RangeError);
  });

  it('会费 × 年 = 应付金额 and 大写', () => {
    expect(quoteLine(600_000, 3, 1_800_000)).toBe('6000元/年 × 3年 = 18000元');
    expect(yuanInWords(1_800_000)).toBe('壹万捌仟元整');
  });
});
