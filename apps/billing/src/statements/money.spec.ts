import fc from 'fast-check';
import { formatFen } from '@lsc/validation';
import { parseAmountFen } from './money';

describe('parseAmountFen', () => {
  it.each([
    ['¥18,000.00元', 1800000],
    ['￥18,000.00', 1800000],
    ['18000', 1800000],
    [' 1 000.5 ', 100050],
    ['０．２９', 29],
    ['３,０００．００', 300000],
    ['-20.00', -2000],
    ['(1,234.56)', -123456],
    ['+5.10', 510],
    ['RMB 7.00', 700],
    ['12.300', 1230],
  ])('%s → %d fen', (input, expected) => {
    expect(parseAmountFen(input)).toBe(expected);
  });

  it.each(['', '一千元', '1.234', '1,2a', '1e5', '--5', '¥'])('rejects %s', (input) => {
    expect(parseAmountFen(input)).toBeNull();
  });

  it('reads numeric spreadsheet cells without float drift', () => {
    expect(parseAmountFen(0.29)).toBe(29);
    expect(parseAmountFen(18000.5)).toBe(1800050);
    expect(parseAmountFen(-35.5)).toBe(-3550);
    expect(parseAmountFen(Number.NaN)).toBeNull();
  });

  it('round-trips every fen amount through its formatted text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(parseAmountFen(formatFen(fen))).toBe(fen);
      }),
    );
  });
});
