import { formatFen } from './money-text';

describe('formatFen', () => {
  it('shows integer fen as 元 with two decimals, grouped unless asked not to', () => {
    expect(formatFen(29)).toBe('0.29元');
    expect(formatFen(1800000)).toBe('18,000.00元');
    expect(formatFen(1800000, { grouping: false })).toBe('18000.00元');
    expect(formatFen(-150)).toBe('-1.50元');
  });
});
