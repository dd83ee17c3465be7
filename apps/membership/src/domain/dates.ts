/**
 * Calendar dates of the Asia/Shanghai calendar as 'YYYY-MM-DD' strings. China has had no daylight saving time since
 * 1991, so Shanghai is a fixed UTC+08:00. All arithmetic runs on UTC midnights so the host's time zone never matters.
 */
import { DomainError } from '@lsc/event-sourcing';

export type CalendarDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function assertCalendarDate(value: unknown, field: string): CalendarDate {
  if (!isCalendarDate(value)) throw new DomainError('INVALID_DATE', `日期格式无效：${field}`, { field, value });
  return value;
}

function parts(date: CalendarDate): [number, number, number] {
  const m = DATE_RE.exec(assertCalendarDate(date, 'date'));
  return [Number(m![1]), Number(m![2]), Number(m![3])];
}

function toEpochDay(date: CalendarDate): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function fromEpochDay(day: number): CalendarDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Shanghai calendar date of an ISO-8601 instant (e.g. '2026-12-31T16:00:00Z' → '2027-01-01'). */
export function shanghaiDate(instant: string): CalendarDate {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new DomainError('INVALID_INSTANT', `时间格式无效：${instant}`, { instant });
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function yearOf(date: CalendarDate): number {
  return parts(date)[0];
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Same month and day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(date: CalendarDate, years: number): CalendarDate {
  const [y, m, d] = parts(date);
  const ty = y + years;
  const td = Math.min(d, daysInMonth(ty, m));
  return `${String(ty).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(td).padStart(2, '0')}`;
}

export function endOfYear(date: CalendarDate): CalendarDate {
  return `${String(yearOf(date)).padStart(4, '0')}-12-31`;
}

export function compareDates(a: CalendarDate, b: CalendarDate): -1 | 0 | 1 {
  const d = toEpochDay(a) - toEpochDay(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toEpochDay(to) - toEpochDay(from);
}
