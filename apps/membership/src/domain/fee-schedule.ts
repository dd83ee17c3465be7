import { DomainError } from '@lsc/event-sourcing';
import type { CodeName, FeeQuote } from './application';
import { MAX_YEARS, MIN_YEARS } from './application';
import type { CalendarDate } from './dates';

/**
 * Membership's copy of the published fee schedule (billing's FeeScheduleVersionPublished / FeeChanged events): the
 * one source of the fee, the amount and the qualification and staff-tier names of an application. The client sends
 * codes and years only; whatever it believes the fee to be is compared, never taken.
 */

export interface ScheduleEntry {
  readonly qualificationCode: string;
  readonly qualificationName: string;
  readonly tierCode: string;
  readonly tierName: string;
  readonly feePerYearFen: number;
  /** An invented figure awaiting finance's decision. */
  readonly placeholder: boolean;
}

export interface ScheduleVersion {
  readonly versionId: string;
  readonly effectiveFrom: CalendarDate;
  readonly entries: readonly ScheduleEntry[];
  /** MM-DD: applications confirmed on or after it start their paid term on 1 January of the next year; null: none. */
  readonly lateJoinCutoff: string | null;
}

export interface ScheduleQuote {
  readonly qualification: CodeName;
  readonly staffTier: CodeName;
  readonly years: number;
  readonly quote: FeeQuote;
  readonly placeholder: boolean;
}

/** The version in effect on a Shanghai calendar date (versions in any order). */
export function versionInEffect(versions: readonly ScheduleVersion[], on: CalendarDate): ScheduleVersion | undefined {
  let found: ScheduleVersion | undefined;
  for (const v of versions) if (v.effectiveFrom <= on && (!found || v.effectiveFrom > found.effectiveFrom)) found = v;
  return found;
}

/**
 * 会费 × 资格期限 = 应付金额 from the version in effect on `on`. With `requireConfirmed` (production), a placeholder
 * fee cannot be applied for.
 */
export function quoteFromSchedule(
  versions: readonly ScheduleVersion[],
  request: { qualificationCode: string; staffTierCode: string; years: number },
  on: CalendarDate,
  options: { requireConfirmed: boolean },
): ScheduleQuote {
  const { qualificationCode, staffTierCode, years } = request;
  if (!Number.isInteger(years) || years < MIN_YEARS || years > MAX_YEARS) {
    throw new DomainError('YEARS_OUT_OF_RANGE', `资格期限须为${MIN_YEARS}至${MAX_YEARS}年的整数`, { years });
  }
  const version = versionInEffect(versions, on);
  if (!version) throw new DomainError('NO_SCHEDULE_IN_EFFECT', '尚未获取到生效的会费标准，请稍后再试', { on });
  const forQualification = version.entries.filter((e) => e.qualificationCode === qualificationCode);
  if (forQualification.length === 0) throw new DomainError('UNKNOWN_QUALIFICATION', `会员资格“${qualificationCode}”不存在，请重新选择会员资格`, { qualificationCode });
  const entry = forQualification.find((e) => e.tierCode === staffTierCode);
  if (!entry) throw new DomainError('UNKNOWN_STAFF_TIER', `人员规模“${staffTierCode}”不适用于${entry0Name(forQualification)}，请重新选择人员规模`, { qualificationCode, staffTierCode });
  if (entry.placeholder && options.requireConfirmed) {
    throw new DomainError('FEE_NOT_CONFIRMED', `“${entry.qualificationName}（${entry.tierName}）”的会费标准尚待学会确认，暂不能申请，请选择其他会员资格或联系学会会员部`, {
      qualificationCode,
      staffTierCode,
    });
  }
  const amountDueFen = entry.feePerYearFen * years;
  if (!Number.isSafeInteger(amountDueFen)) throw new DomainError('INVALID_AMOUNT', '金额超出范围');
  return {
    qualification: { code: entry.qualificationCode, name: entry.qualificationName },
    staffTier: { code: entry.tierCode, name: entry.tierName },
    years,
    quote: { feePerYearFen: entry.feePerYearFen, amountDueFen, scheduleVersion: version.versionId, lateJoinCutoff: version.lateJoinCutoff, ...(entry.placeholder ? { placeholder: true } : {}) },
    placeholder: entry.placeholder,
  };
}

const entry0Name = (entries: readonly ScheduleEntry[]): string => entries[0]?.qualificationName ?? '该会员资格';

/** What the client believed the fee to be differs from the schedule's (a stale page, an edited request). */
export function quoteDiffers(seen: { feePerYearFen: number; amountDueFen: number }, current: FeeQuote): boolean {
  return seen.feePerYearFen !== current.feePerYearFen || seen.amountDueFen !== current.amountDueFen;
}
