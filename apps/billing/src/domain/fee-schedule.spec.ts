import { specFor } from '@lsc/event-sourcing/testing';
import { DomainError, type CommandMetadata } from '@lsc/event-sourcing';
import {
  coverageFor,
  DEFAULT_TERM_POLICY,
  defaultFeeSchedule,
  feeScheduleDecider,
  quote,
  versionInEffect,
  type ChangeFeeData,
  type FeeEntry,
  type FeeScheduleCommand,
  type FeeScheduleEvent,
  type FeeScheduleState,
  type PublishScheduleVersionData,
} from './fee-schedule';

const meta = (now: string): CommandMetadata => ({ now, actor: 'finance:li', correlationId: 'c' });
const entry = (qualificationCode: string, tierCode: string, feePerYearFen: number, placeholder = false): FeeEntry => ({
  qualificationCode,
  qualificationName: { enterprise: '企业会员', ordinary: '普通单位会员' }[qualificationCode] ?? qualificationCode,
  tierCode,
  tierName: `${tierCode}人`,
  feePerYearFen,
  placeholder,
});
const v2026: PublishScheduleVersionData = { versionId: '2026-01', effectiveFrom: '2026-01-01', entries: [entry('enterprise', '1-30', 600000), entry('ordinary', '1-30', 100000, true)] };
const v2027: PublishScheduleVersionData = { versionId: '2027-01', effectiveFrom: '2027-01-01', entries: [entry('enterprise', '1-30', 650000), entry('ordinary', '1-30', 100000)] };
const NOW = '2026-10-01T02:00:00.000Z';
const publish = (data: PublishScheduleVersionData, now = NOW): FeeScheduleCommand => ({ type: 'PublishScheduleVersion', data, metadata: meta(now) });
const published = (data: PublishScheduleVersionData, now = NOW): FeeScheduleEvent => ({ type: 'FeeScheduleVersionPublished', schemaVersion: 1, data: { ...data, termPolicy: data.termPolicy ?? DEFAULT_TERM_POLICY, publishedBy: 'finance:li', publishedAt: now } });
const change = (over: Partial<ChangeFeeData> = {}, now = NOW): FeeScheduleCommand => ({
  type: 'ChangeFee',
  data: { versionId: '2027-01', qualificationCode: 'enterprise', tierCode: '1-30', feePerYearFen: 620000, reason: '理事会决议', ...over },
  metadata: meta(now),
});
const spec = specFor(feeScheduleDecider);
const fold = (events: FeeScheduleEvent[]): FeeScheduleState => events.reduce(feeScheduleDecider.evolve, feeScheduleDecider.initialState());

describe('fee schedule decider', () => {
  describe('PublishScheduleVersion', () => {
    it('publishes the first version', () => spec.given([]).when(publish(v2026)).then([published(v2026)]));
    it('publishes a later version', () => spec.given([published(v2026)]).when(publish(v2027)).then([published(v2027)]));
    it('rejects a duplicate version id', () => spec.given([published(v2026)]).when(publish({ ...v2027, versionId: '2026-01' })).thenThrows('VERSION_EXISTS'));
    it('rejects an effective date not after the latest', () =>
      spec.given([published(v2027)]).when(publish({ ...v2026, versionId: '2026-02' })).thenThrows('EFFECTIVE_DATE_NOT_AFTER_LATEST'));
    it('rejects the same effective date', () =>
      spec.given([published(v2026)]).when(publish({ ...v2026, versionId: 'x' })).thenThrows('EFFECTIVE_DATE_NOT_AFTER_LATEST'));
    it('rejects an invalid effective date', () => spec.given([]).when(publish({ ...v2026, effectiveFrom: '2026-02-30' })).thenThrows('INVALID_DATE'));
    it('rejects an empty schedule', () => spec.given([]).when(publish({ ...v2026, entries: [] })).thenThrows('EMPTY_SCHEDULE'));
    it('rejects duplicate entries', () =>
      spec.given([]).when(publish({ ...v2026, entries: [entry('enterprise', '1-30', 1), entry('enterprise', '1-30', 2)] })).thenThrows('DUPLICATE_FEE_ENTRY'));
    it.each([-1, 100.5, Number.NaN])('rejects fee %p', (fee) => spec.given([]).when(publish({ ...v2026, entries: [entry('enterprise', '1-30', fee)] })).thenThrows('INVALID_AMOUNT'));
    it('rejects a blank tier code', () => spec.given([]).when(publish({ ...v2026, entries: [entry('enterprise', '', 1)] })).thenThrows('INVALID_FIELD'));
    it('rejects a blank version id', () => spec.given([]).when(publish({ ...v2026, versionId: '' })).thenThrows('INVALID_FIELD'));
    it('a version without a term policy gets the default cut-off (1 December)', () =>
      spec.given([]).when(publish(v2026)).then([published({ ...v2026, termPolicy: { lateJoinCutoff: '12-01' } })]));
    it('publishes a version with its own cut-off, or with none', () => {
      spec.given([]).when(publish({ ...v2026, termPolicy: { lateJoinCutoff: '11-15' } })).then([published({ ...v2026, termPolicy: { lateJoinCutoff: '11-15' } })]);
      spec.given([]).when(publish({ ...v2026, termPolicy: { lateJoinCutoff: null } })).then([published({ ...v2026, termPolicy: { lateJoinCutoff: null } })]);
    });
    it.each(['12-32', '2026-12-01', '13-01', '02-29', ''])('rejects the cut-off %p', (cutoff) =>
      spec.given([]).when(publish({ ...v2026, termPolicy: { lateJoinCutoff: cutoff } })).thenThrows('INVALID_TERM_POLICY'));
    it('the term policy is effective-dated with its version', () => {
      const s = fold([published({ ...v2026, termPolicy: { lateJoinCutoff: null } }), published(v2027)]);
      expect(versionInEffect(s, '2026-12-15')!.termPolicy).toEqual({ lateJoinCutoff: null });
      expect(versionInEffect(s, '2027-12-15')!.termPolicy).toEqual({ lateJoinCutoff: '12-01' });
    });
    it('a version stored before term policies existed reads with the default cut-off', () => {
      const old: FeeScheduleEvent = { type: 'FeeScheduleVersionPublished', schemaVersion: 1, data: { ...v2026, publishedBy: 'x', publishedAt: NOW } };
      expect(fold([old]).versions[0].termPolicy).toEqual(DEFAULT_TERM_POLICY);
    });
  });

  describe('coverageFor (new memberships, Asia/Shanghai calendar dates)', () => {
    const policy = { lateJoinCutoff: '12-01' };
    it('the day before the cut-off: the term starts on the day and ends with the year', () =>
      expect(coverageFor(policy, '2026-11-30', 1)).toEqual({ termStart: '2026-11-30', termEnd: '2026-12-31', startsNextYear: false }));
    it('on the cut-off: the paid term is the next calendar year', () =>
      expect(coverageFor(policy, '2026-12-01', 1)).toEqual({ termStart: '2027-01-01', termEnd: '2027-12-31', startsNextYear: true }));
    it('on 31 December, for three years', () => expect(coverageFor(policy, '2026-12-31', 3)).toEqual({ termStart: '2027-01-01', termEnd: '2029-12-31', startsNextYear: true }));
    it('on 1 January the new year is paid as usual', () => expect(coverageFor(policy, '2027-01-01', 1)).toEqual({ termStart: '2027-01-01', termEnd: '2027-12-31', startsNextYear: false }));
    it('no cut-off: December joiners pay the current year', () =>
      expect(coverageFor({ lateJoinCutoff: null }, '2026-12-20', 1)).toEqual({ termStart: '2026-12-20', termEnd: '2026-12-31', startsNextYear: false }));
  });

  describe('ChangeFee', () => {
    const changed = (over: Partial<FeeScheduleEvent['data']> = {}): FeeScheduleEvent =>
      ({
        type: 'FeeChanged',
        schemaVersion: 1,
        data: { versionId: '2027-01', qualificationCode: 'enterprise', tierCode: '1-30', fromFen: 650000, toFen: 620000, reason: '理事会决议', changedBy: 'finance:li', changedAt: NOW, ...over },
      }) as FeeScheduleEvent;
    it('changes a fee of a version not yet in effect', () => spec.given([published(v2026), published(v2027)]).when(change()).then([changed()]));
    it('rejects a change once the version is in effect (Shanghai date)', () =>
      spec.given([published(v2026), published(v2027)]).when(change({}, '2026-12-31T16:00:00.000Z')).thenThrows('VERSION_IN_EFFECT'));
    it('accepts a change on the last day before it takes effect', () =>
      expect(spec.given([published(v2026), published(v2027)]).when(change({}, '2026-12-31T15:59:59.000Z')).events()).toHaveLength(1));
    it('rejects an unknown version', () => spec.given([published(v2026)]).when(change()).thenThrows('UNKNOWN_VERSION'));
    it('rejects an unknown entry', () => spec.given([published(v2026), published(v2027)]).when(change({ tierCode: '31-100' })).thenThrows('UNKNOWN_FEE_ENTRY'));
    it('rejects an unchanged fee', () => spec.given([published(v2026), published(v2027)]).when(change({ feePerYearFen: 650000 })).thenThrows('FEE_UNCHANGED'));
    it('confirming a placeholder at the same amount is a change (clears the placeholder)', () => {
      const v = { ...v2027, entries: [entry('enterprise', '1-30', 650000, true)] };
      const events = spec.given([published(v)]).when(change({ feePerYearFen: 650000 }, '2026-06-01T00:00:00Z')).events();
      expect(events).toHaveLength(1);
      expect(fold([published(v), ...events]).versions[0].entries[0]).toMatchObject({ feePerYearFen: 650000, placeholder: false });
    });
    it('rejects a fractional fee', () => spec.given([published(v2026), published(v2027)]).when(change({ feePerYearFen: 1.5 })).thenThrows('INVALID_AMOUNT'));
    it('requires a reason', () => spec.given([published(v2026), published(v2027)]).when(change({ reason: ' ' })).thenThrows('INVALID_FIELD'));
    it('the change is what later quotes use', () => {
      const s = fold([published(v2026), published(v2027), changed()]);
      expect(quote(s, 'enterprise', '1-30', 1, '2027-03-01').feePerYearFen).toBe(620000);
      expect(quote(s, 'enterprise', '1-30', 1, '2026-12-31').feePerYearFen).toBe(600000);
    });
  });

  describe('quote', () => {
    const s = fold([published(v2026), published(v2027)]);
    it('guide: 企业会员 1-30人 × 3 years = 18000 元', () =>
      expect(quote(s, 'enterprise', '1-30', 3, '2026-09-01')).toEqual({ feePerYearFen: 600000, years: 3, amountDueFen: 1800000, scheduleVersion: '2026-01' }));
    it('picks the version in effect on the date', () => {
      expect(quote(s, 'enterprise', '1-30', 1, '2026-12-31').scheduleVersion).toBe('2026-01');
      expect(quote(s, 'enterprise', '1-30', 1, '2027-01-01')).toEqual({ feePerYearFen: 650000, years: 1, amountDueFen: 650000, scheduleVersion: '2027-01' });
    });
    const fails = (code: string, f: () => unknown) => {
      expect(f).toThrow(DomainError);
      expect(f).toThrow(expect.objectContaining({ code }));
    };
    it('rejects an unknown qualification', () => fails('UNKNOWN_QUALIFICATION', () => quote(s, 'patron', '1-30', 1, '2026-09-01')));
    it('rejects an unknown tier', () => fails('UNKNOWN_STAFF_TIER', () => quote(s, 'enterprise', '9999', 1, '2026-09-01')));
    it.each([0, 6, 1.5])('rejects %p years', (y) => fails('YEARS_OUT_OF_RANGE', () => quote(s, 'enterprise', '1-30', y, '2026-09-01')));
    it('accepts 1 and 5 years', () => {
      expect(quote(s, 'enterprise', '1-30', 1, '2026-09-01').amountDueFen).toBe(600000);
      expect(quote(s, 'enterprise', '1-30', 5, '2026-09-01').amountDueFen).toBe(3000000);
    });
    it('rejects a date before any version', () => fails('NO_SCHEDULE_IN_EFFECT', () => quote(s, 'enterprise', '1-30', 1, '2025-12-31')));
    it('rejects an invalid date', () => fails('INVALID_DATE', () => quote(s, 'enterprise', '1-30', 1, '2026/09/01')));
    it('versionInEffect is undefined before the first version', () => expect(versionInEffect(s, '2020-01-01')).toBeUndefined());
  });

  describe('default schedule (default-fee-schedule.json)', () => {
    const d = defaultFeeSchedule();
    const s = fold(feeScheduleDecider.decide(publish(d), feeScheduleDecider.initialState()));
    it('is accepted by the decider', () => expect(s.versions).toHaveLength(1));
    it('has the guide figures: 企业会员 1-30人 6000元/年 and 普通单位会员 1000元/年', () => {
      expect(quote(s, 'enterprise', '1-30', 3, '2026-09-01')).toMatchObject({ feePerYearFen: 600000, amountDueFen: 1800000 });
      expect(quote(s, 'ordinary', '1-30', 1, '2026-09-01')).toMatchObject({ feePerYearFen: 100000, amountDueFen: 100000 });
    });
    it('covers 4 qualifications × 4 tiers, marking invented figures as placeholders', () => {
      expect(new Set(d.entries.map((e) => e.qualificationName))).toEqual(new Set(['普通单位会员', '理事单位', '常务理事单位', '企业会员']));
      expect(new Set(d.entries.map((e) => e.tierCode))).toEqual(new Set(['1-30', '31-100', '101-500', '500+']));
      expect(d.entries).toHaveLength(16);
      expect(d.entries.filter((e) => !e.placeholder).map((e) => `${e.qualificationCode}/${e.tierCode}`).sort()).toEqual(['enterprise/1-30', 'ordinary/1-30']);
    });
  });
});
