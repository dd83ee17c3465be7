import { DomainError } from '@lsc/event-sourcing';
import { addDays, addYears, assertCalendarDate, compareDates, daysBetween, endOfYear, isCalendarDate, isLeapYear, shanghaiDate } from './dates';

describe('Shanghai calendar dates', () => {
  it.each([
    ['2026-12-31T15:59:59.999Z', '2026-12-31'],
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
    ['2028-02-28T16:00:00Z', '2028-02-29'],
    ['2026-09-03T10:00:00+08:00', '2026-09-03'],
    ['2026-09-02T23:30:00-01:00', '2026-09-03'],
  ])('instant %s is %s in Shanghai', (instant, date) => {
    expect(shanghaiDate(instant)).toBe(date);
  });

  it('rejects an unparsable instant', () => {
    expect(() => shanghaiDate('yesterday')).toThrow(DomainError);
  });

  it.each([
    [2024, true],
    [2028, true],
    [2000, true],
    [1900, false],
    [2100, false],
    [2026, false],
  ])('leap year %i → %s', (y, leap) => {
    expect(isLeapYear(y)).toBe(leap);
  });

  it.each([
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2100-02-29', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-9-3', false],
    ['2026-09-03', true],
  ])('isCalendarDate(%s) → %s', (d, ok) => {
    expect(isCalendarDate(d)).toBe(ok);
  });

  it('assertCalendarDate throws INVALID_DATE', () => {
    expect(() => assertCalendarDate('2026-02-30', 'paidOn')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });

  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2028-12-31', 90, '2029-03-31'],
    ['2028-10-03', 90, '2029-01-01'],
  ])('addDays(%s, %i) → %s', (d, n, r) => {
    expect(addDays(d, n)).toBe(r);
  });

  it.each([
    ['2028-02-29', 1, '2029-02-28'],
    ['2028-02-29', 4, '2032-02-29'],
    ['2026-09-03', 3, '2029-09-03'],
  ])('addYears(%s, %i) → %s', (d, n, r) => {
    expect(addYears(d, n)).toBe(r);
  });

  it('endOfYear, compareDates and daysBetween', () => {
    expect(endOfYear('2028-02-29')).toBe('2028-12-31');
    expect(compareDates('2026-12-31', '2027-01-01')).toBe(-1);
    expect(compareDates('2027-01-01', '2026-12-31')).toBe(1);
    expect(compareDates('2027-01-01', '2027-01-01')).toBe(0);
    expect(daysBetween('2028-02-01', '2028-03-01')).toBe(29);
    expect(daysBetween('2027-02-01', '2027-03-01')).toBe(28);
    expect(daysBetween('2028-12-31', '2028-12-01')).toBe(-30);
  });
});
