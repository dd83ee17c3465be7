import { addDays, addYears, endOfYear, type CalendarDate } from './dates';

/**
 * How long a paid term runs, and what happens after it ends. Configuration, not law: LSC's guide shows terms ending
 * on 31 December of their last year ('calendar_year_end'); 'anniversary' (start + N years − 1 day) is the alternative.
 */
export interface MembershipPolicy {
  readonly termEnd: 'calendar_year_end' | 'anniversary';
  /** Days after the end of term during which the membership is in 'grace' before it is 'expired'. */
  readonly graceDays: number;
  /** Reminder thresholds in days before the end of term (each sent at most once per term). */
  readonly reminderDaysBefore: readonly number[];
}

export const DEFAULT_MEMBERSHIP_POLICY: MembershipPolicy = { termEnd: 'calendar_year_end', graceDays: 90, reminderDaysBefore: [30, 7] };

/** Last day of a term of `years` whole years starting on `start`. */
export function termEndFor(policy: MembershipPolicy, start: CalendarDate, years: number): CalendarDate {
  if (policy.termEnd === 'calendar_year_end') return endOfYear(addYears(start, years - 1));
  return addDays(addYears(start, years), -1);
}

/**
 * Start of a term paid on `paidOn`. A new membership starts on the payment day; a renewal continues the day after the
 * current end, unless the membership has already expired (then it restarts on the payment day).
 */
export function termStartFor(paidOn: CalendarDate, current?: { validTo: CalendarDate; expired: boolean }): CalendarDate {
  if (!current || current.expired) return paidOn;
  return addDays(current.validTo, 1);
}

export function termFor(
  policy: MembershipPolicy,
  paidOn: CalendarDate,
  years: number,
  current?: { validTo: CalendarDate; expired: boolean },
): { termStart: CalendarDate; termEnd: CalendarDate } {
  const termStart = termStartFor(paidOn, current);
  return { termStart, termEnd: termEndFor(policy, termStart, years) };
}

/**
 * The paid term of an application confirmed on `confirmedOn`, under the fee schedule's late-join cut-off (MM-DD, or
 * null for none). A renewal of a running membership continues it. Otherwise an application confirmed on or after the
 * cut-off pays from 1 January of the next year (the membership is active from payment all the same); before it, the
 * term starts on the payment day, shown as `confirmedOn` until then.
 */
export function paidTermFor(
  policy: MembershipPolicy,
  confirmedOn: CalendarDate,
  years: number,
  current: { validTo: CalendarDate; expired: boolean } | undefined,
  lateJoinCutoff: string | null | undefined,
): { termStart: CalendarDate; termEnd: CalendarDate; startsNextYear: boolean } {
  if (current && !current.expired) return { ...termFor(policy, confirmedOn, years, current), startsNextYear: false };
  if (lateJoinCutoff && confirmedOn.slice(5) >= lateJoinCutoff) {
    const termStart = `${Number(confirmedOn.slice(0, 4)) + 1}-01-01`;
    return { termStart, termEnd: termEndFor(policy, termStart, years), startsNextYear: true };
  }
  return { termStart: confirmedOn, termEnd: termEndFor(policy, confirmedOn, years), startsNextYear: false };
}
