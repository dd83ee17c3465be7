import { DomainError } from '@lsc/event-sourcing';
import { quoteDiffers, quoteFromSchedule, versionInEffect, type ScheduleVersion } from './fee-schedule';

const entry = (qualificationCode: string, qualificationName: string, tierCode: string, feePerYearFen: number, placeholder = false) => ({
  qualificationCode,
  qualificationName,
  tierCode,
  tierName: `${tierCode}人`,
  feePerYearFen,
  placeholder,
});
const v2026: ScheduleVersion = {
  versionId: '2026-01',
  effectiveFrom: '2026-01-01',
  entries: [entry('ordinary', '普通单位会员', '1-30', 100000), entry('council', '理事单位（特级会员）', '1-30', 2000000, true)],
  lateJoinCutoff: '12-01',
};
const v2027: ScheduleVersion = { ...v2026, versionId: '2027-01', effectiveFrom: '2027-01-01', entries: [entry('ordinary', '普通单位会员', '1-30', 120000)], lateJoinCutoff: null };
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? err.code : String(err);
  }
  return undefined;
};

describe('quoteFromSchedule (membership read model of the published fee schedule)', () => {
  const dev = { requireConfirmed: false };
  it('takes the fee, the amount and both names from the schedule', () =>
    expect(quoteFromSchedule([v2026], { qualificationCode: 'ordinary', staffTierCode: '1-30', years: 3 }, '2026-09-01', dev)).toEqual({
      qualification: { code: 'ordinary', name: '普通单位会员' },
      staffTier: { code: '1-30', name: '1-30人' },
      years: 3,
      quote: { feePerYearFen: 100000, amountDueFen: 300000, scheduleVersion: '2026-01', lateJoinCutoff: '12-01' },
      placeholder: false,
    }));
  it('uses the version in effect on the date', () => {
    expect(versionInEffect([v2027, v2026], '2026-12-31')?.versionId).toBe('2026-01');
    expect(quoteFromSchedule([v2027, v2026], { qualificationCode: 'ordinary', staffTierCode: '1-30', years: 1 }, '2027-01-01', dev).quote).toEqual({
      feePerYearFen: 120000,
      amountDueFen: 120000,
      scheduleVersion: '2027-01',
      lateJoinCutoff: null,
    });
  });
  it('a placeholder fee is usable in development, marked as such', () =>
    expect(quoteFromSchedule([v2026], { qualificationCode: 'council', staffTierCode: '1-30', years: 1 }, '2026-09-01', dev).placeholder).toBe(true));
  it('a placeholder fee is refused where fees must be confirmed, with a message naming it', () => {
    let err: unknown;
    try {
      quoteFromSchedule([v2026], { qualificationCode: 'council', staffTierCode: '1-30', years: 1 }, '2026-09-01', { requireConfirmed: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('FEE_NOT_CONFIRMED');
    expect((err as DomainError).message).toContain('理事单位（特级会员）（1-30人）');
  });
  it.each([
    ['UNKNOWN_QUALIFICATION', { qualificationCode: 'patron', staffTierCode: '1-30', years: 1 }, '2026-09-01'],
    ['UNKNOWN_STAFF_TIER', { qualificationCode: 'ordinary', staffTierCode: '9999', years: 1 }, '2026-09-01'],
    ['YEARS_OUT_OF_RANGE', { qualificationCode: 'ordinary', staffTierCode: '1-30', years: 6 }, '2026-09-01'],
    ['NO_SCHEDULE_IN_EFFECT', { qualificationCode: 'ordinary', staffTierCode: '1-30', years: 1 }, '2025-12-31'],
  ])('%s', (expected, request, on) => expect(code(() => quoteFromSchedule([v2026], request, on, dev))).toBe(expected));
  it('a client quote differs when its fee or amount does', () => {
    const current = { feePerYearFen: 100000, amountDueFen: 300000, scheduleVersion: '2026-01' };
    expect(quoteDiffers({ feePerYearFen: 100, amountDueFen: 300 }, current)).toBe(true);
    expect(quoteDiffers({ feePerYearFen: 100000, amountDueFen: 300000 }, current)).toBe(false);
  });
});
