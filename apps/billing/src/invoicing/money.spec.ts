import { formatYuan, parseYuanToFen } from './money';

describe('money', () => {
  it.each([
    [0, false, '0.00'],
    [5, false, '0.05'],
    [1800000, false, '18000.00'],
    [1800000, true, '18,000.00'],
    [123456789, true, '1,234,567.89'],
    [-1050, true, '-10.50'],
  ])('formats %d fen (grouped=%s) as %s', (fen, grouped, text) => {
    expect(formatYuan(fen, grouped)).toBe(text);
  });

  it('refuses non-integer fen', () => {
    expect(() => formatYuan(0.5)).toThrow(RangeError);
  });

  it.each([
    ['18000.00', 1800000],
    ['18000', 1800000],
    ['18000.5', 1800050],
    ['18,000.01', 1800001],
    ['0.07', 7],
    ['-3.10', -310],
  ])('parses %s as %d fen', (text, fen) => {
    expect(parseYuanToFen(text)).toBe(fen);
  });

  it.each(['', 'abc', '1.234', '1e5', '¥18000'])('rejects %p', (text) => {
    expect(parseYuanToFen(text)).toBeNull();
  });
});
