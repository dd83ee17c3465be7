import { isCalendarDate, shanghaiDate } from './dates';

describe('billing dates', () => {
  it.each([
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2100-02-29', false],
    ['2000-02-29', true],
    ['2026-04-31', false],
    ['2026-1-01', false],
    ['2026-12-31', true],
  ])('isCalendarDate(%s) → %s', (d, ok) => expect(isCalendarDate(d)).toBe(ok));
  it('rejects non-strings', () => expect(isCalendarDate(20260101)).toBe(false));
  it('converts instants to the Shanghai date', () => {
    expect(shanghaiDate('2026-12-31T15:59:59Z')).toBe('2026-12-31');
    expect(shanghaiDate('2026-12-31T16:00:00Z')).toBe('2027-01-01');
    expect(() => shanghaiDate('nope')).toThrow(RangeError);
  });
});
