import { parseDateTime, parseTimeOnly } from './dates';

describe('parseDateTime', () => {
  it.each([
    ['2026/9/1 9:05', { date: '2026-09-01', time: '09:05:00' }],
    ['2026-09-01', { date: '2026-09-01' }],
    ['20260901', { date: '2026-09-01' }],
    ['20260901 093015', { date: '2026-09-01', time: '09:30:15' }],
    ['2026年9月2日', { date: '2026-09-02' }],
    ['2026年9月2日 15时00分', { date: '2026-09-02', time: '15:00:00' }],
    ['2026-09-02 15:00:59', { date: '2026-09-02', time: '15:00:59' }],
    ['２０２６－０９－０２', { date: '2026-09-02' }],
    ['2024-02-29', { date: '2024-02-29' }],
  ])('%s', (input, expected) => {
    expect(parseDateTime(input)).toEqual(expected);
  });

  it.each(['2026-09-31', '2025-02-29', '2026-13-01', '2026/9/1 25:00', '明天', '', '9/1/2026'])('rejects %s', (input) => {
    expect(parseDateTime(input)).toBeNull();
  });

  it('reads exceljs dates as the wall-clock value typed into the sheet', () => {
    expect(parseDateTime(new Date(Date.UTC(2026, 8, 1, 9, 5)))).toEqual({ date: '2026-09-01', time: '09:05:00' });
    expect(parseDateTime(new Date(Date.UTC(2026, 8, 1)))).toEqual({ date: '2026-09-01' });
  });

  it('reads separate time cells', () => {
    expect(parseTimeOnly('9:05')).toBe('09:05:00');
    expect(parseTimeOnly('15时30分')).toBe('15:30:00');
    expect(parseTimeOnly('24:00')).toBeNull();
  });
});
