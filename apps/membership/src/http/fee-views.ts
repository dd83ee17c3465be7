import { amountInWords } from '@lsc/validation';
import { MAX_YEARS, MIN_YEARS, paidTermFor, versionInEffect, type CalendarDate, type MembershipPolicy, type ScheduleQuote, type ScheduleVersion } from '../domain';
import type { CoverageView, FeeOptionsView, FeeQuoteView } from './dto';

const cnDate = (d: CalendarDate): string => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/** 资格日期 as the institution reads it: active from payment, and which dates the fee pays for. */
export function coverageView(term: { termStart: CalendarDate; termEnd: CalendarDate; startsNextYear: boolean }, options: { paid?: boolean; renewal?: boolean } = {}): CoverageView {
  const description = term.startsNextYear
    ? `会员资格自缴费到账之日起生效；所缴会费覆盖${cnDate(term.termStart)}至${cnDate(term.termEnd)}（在截止日后确认的申请，缴费年度从次年1月1日起算）`
    : options.renewal
      ? `续费后会员资格有效期为${cnDate(term.termStart)}至${cnDate(term.termEnd)}`
      : options.paid
        ? `会员资格有效期为${cnDate(term.termStart)}至${cnDate(term.termEnd)}`
        : `会员资格自缴费到账之日起生效，至${cnDate(term.termEnd)}止（如今天缴费：${cnDate(term.termStart)}至${cnDate(term.termEnd)}）`;
  return { termStart: term.termStart, termEnd: term.termEnd, startsNextYear: term.startsNextYear, activeFromPayment: !options.renewal, description };
}

/** A quote for a new membership confirmed on `on` (the 409 QUOTE_CHANGED context uses the same shape). */
export function quoteView(q: ScheduleQuote, policy: MembershipPolicy, on: CalendarDate, current?: { validTo: CalendarDate; expired: boolean }): FeeQuoteView {
  const term = paidTermFor(policy, on, q.years, current, q.quote.lateJoinCutoff);
  return {
    qualification: q.qualification,
    staffTier: q.staffTier,
    years: q.years,
    feePerYearFen: q.quote.feePerYearFen,
    amountDueFen: q.quote.amountDueFen,
    amountDueInWords: amountInWords(q.quote.amountDueFen),
    scheduleVersion: q.quote.scheduleVersion,
    placeholder: q.placeholder,
    coverage: coverageView(term, { renewal: Boolean(current && !current.expired) }),
  };
}

/** 会员资格 × 人员规模 of the version in effect, each tier saying whether it can be applied for. */
export function feeOptionsView(versions: readonly ScheduleVersion[], today: CalendarDate, requireConfirmed: boolean): FeeOptionsView {
  const version = versionInEffect(versions, today);
  const qualifications = new Map<string, FeeOptionsView['qualifications'][number]>();
  for (const e of version?.entries ?? []) {
    const q = qualifications.get(e.qualificationCode) ?? { code: e.qualificationCode, name: e.qualificationName, tiers: [] };
    const available = !(e.placeholder && requireConfirmed);
    q.tiers.push({
      code: e.tierCode,
      name: e.tierName,
      feePerYearFen: e.feePerYearFen,
      placeholder: e.placeholder,
      available,
      ...(available ? {} : { unavailableReason: '该会费标准尚待学会确认，暂不能申请' }),
    });
    qualifications.set(e.qualificationCode, q);
  }
  return {
    scheduleVersion: version?.versionId ?? null,
    effectiveFrom: version?.effectiveFrom ?? null,
    lateJoinCutoff: version?.lateJoinCutoff ?? null,
    years: { min: MIN_YEARS, max: MAX_YEARS },
    qualifications: [...qualifications.values()],
  };
}
