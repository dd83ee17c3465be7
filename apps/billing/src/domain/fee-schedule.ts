import { DomainError, type Command, type Decider, type DomainEvent } from '@lsc/event-sourcing';
import defaultScheduleJson from './default-fee-schedule.json';
import { isCalendarDate, shanghaiDate } from './dates';

/**
 * Effective-dated, versioned fee schedule: qualification × staff-size tier → annual fee in fen. One stream holds all
 * versions. Versions form an append-only timeline; a version may be corrected (ChangeFee) only before it takes effect,
 * after that finance publishes a new version. Quotes name the version they came from.
 */

export const MIN_YEARS = 1;
export const MAX_YEARS = 5;

export interface FeeEntry {
  readonly qualificationCode: string;
  readonly qualificationName: string;
  readonly tierCode: string;
  readonly tierName: string;
  readonly feePerYearFen: number;
  /** An invented figure awaiting finance's decision. */
  readonly placeholder?: boolean;
}

/**
 * Effective-dated with its version: applications confirmed on or after `lateJoinCutoff` (MM-DD, Shanghai) start their
 * paid term on 1 January of the next year (a December joiner does not pay a year for a few weeks); null: no cut-off.
 */
export interface TermPolicy {
  readonly lateJoinCutoff: string | null;
}
export const DEFAULT_TERM_POLICY: TermPolicy = { lateJoinCutoff: '12-01' };
const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export interface PublishScheduleVersionData {
  readonly versionId: string;
  readonly effectiveFrom: string;
  readonly entries: readonly FeeEntry[];
  /** Omitted: DEFAULT_TERM_POLICY (versions published before term policies existed read the same). */
  readonly termPolicy?: TermPolicy;
}
export interface ChangeFeeData {
  readonly versionId: string;
  readonly qualificationCode: string;
  readonly tierCode: string;
  readonly feePerYearFen: number;
  readonly reason: string;
}

export type FeeScheduleCommand = Command<'PublishScheduleVersion', PublishScheduleVersionData> | Command<'ChangeFee', ChangeFeeData>;

export type FeeScheduleVersionPublished = DomainEvent<'FeeScheduleVersionPublished', PublishScheduleVersionData & { readonly publishedBy: string; readonly publishedAt: string }>;
export type FeeChanged = DomainEvent<
  'FeeChanged',
  {
    readonly versionId: string;
    readonly qualificationCode: string;
    readonly tierCode: string;
    readonly fromFen: number;
    readonly toFen: number;
    readonly reason: string;
    readonly changedBy: string;
    readonly changedAt: string;
  }
>;
export type FeeScheduleEvent = FeeScheduleVersionPublished | FeeChanged;

export interface ScheduleVersion {
  readonly versionId: string;
  readonly effectiveFrom: string;
  readonly entries: readonly FeeEntry[];
  readonly termPolicy: TermPolicy;
}
export interface FeeScheduleState {
  /** Sorted by effectiveFrom, ascending. */
  readonly versions: readonly ScheduleVersion[];
}

export interface Quote {
  readonly feePerYearFen: number;
  readonly years: number;
  readonly amountDueFen: number;
  readonly scheduleVersion: string;
}

const ev = <E extends FeeScheduleEvent>(type: E['type'], data: E['data']): E => ({ type, schemaVersion: 1, data }) as E;

function assertFen(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new DomainError('INVALID_AMOUNT', `金额必须为非负整数（分）：${field}`, { field, value });
  return value;
}

function assertText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) throw new DomainError('INVALID_FIELD', `字段无效：${field}`, { field });
  return value;
}

const key = (q: string, t: string) => `${q}\u0000${t}`;

function validatePublish(d: PublishScheduleVersionData): void {
  assertText(d.versionId, 'versionId', 40);
  if (!isCalendarDate(d.effectiveFrom)) throw new DomainError('INVALID_DATE', '生效日期格式无效', { effectiveFrom: d.effectiveFrom });
  if (!Array.isArray(d.entries) || d.entries.length === 0) throw new DomainError('EMPTY_SCHEDULE', '收费标准不能为空');
  const seen = new Set<string>();
  d.entries.forEach((e, i) => {
    assertText(e.qualificationCode, `entries[${i}].qualificationCode`, 50);
    assertText(e.qualificationName, `entries[${i}].qualificationName`, 50);
    assertText(e.tierCode, `entries[${i}].tierCode`, 50);
    assertText(e.tierName, `entries[${i}].tierName`, 50);
    assertFen(e.feePerYearFen, `entries[${i}].feePerYearFen`);
    const k = key(e.qualificationCode, e.tierCode);
    if (seen.has(k)) throw new DomainError('DUPLICATE_FEE_ENTRY', '同一会员资格与人员规模重复定价', { qualificationCode: e.qualificationCode, tierCode: e.tierCode });
    seen.add(k);
  });
  if (d.termPolicy !== undefined) {
    const cutoff = d.termPolicy?.lateJoinCutoff;
    if (cutoff !== null && (typeof cutoff !== 'string' || !MONTH_DAY.test(cutoff) || cutoff === '02-29')) {
      throw new DomainError('INVALID_TERM_POLICY', '入会截止日须为月-日（MM-DD）格式，或为空表示不设截止日', { lateJoinCutoff: cutoff });
    }
  }
}

export const feeScheduleDecider: Decider<FeeScheduleCommand, FeeScheduleState, FeeScheduleEvent> = {
  streamType: 'fee-schedule',
  initialState: () => ({ versions: [] }),

  decide(command, state) {
    const at = command.metadata.now;
    switch (command.type) {
      case 'PublishScheduleVersion': {
        const d = command.data;
        validatePublish(d);
        if (state.versions.some((v) => v.versionId === d.versionId)) throw new DomainError('VERSION_EXISTS', '该收费标准版本已存在', { versionId: d.versionId });
        const latest = state.versions[state.versions.length - 1];
        if (latest && d.effectiveFrom <= latest.effectiveFrom) {
          throw new DomainError('EFFECTIVE_DATE_NOT_AFTER_LATEST', '新版本的生效日期须晚于最新版本', { latest: latest.effectiveFrom, effectiveFrom: d.effectiveFrom });
        }
        const entries = d.entries.map((e) => ({ ...e, placeholder: e.placeholder === true }));
        const termPolicy = { lateJoinCutoff: d.termPolicy === undefined ? DEFAULT_TERM_POLICY.lateJoinCutoff : d.termPolicy.lateJoinCutoff };
        return [ev<FeeScheduleVersionPublished>('FeeScheduleVersionPublished', { versionId: d.versionId, effectiveFrom: d.effectiveFrom, entries, termPolicy, publishedBy: command.metadata.actor, publishedAt: at })];
      }
      case 'ChangeFee': {
        const d = command.data;
        const version = state.versions.find((v) => v.versionId === d.versionId);
        if (!version) throw new DomainError('UNKNOWN_VERSION', '收费标准版本不存在', { versionId: d.versionId });
        if (version.effectiveFrom <= shanghaiDate(at)) {
          throw new DomainError('VERSION_IN_EFFECT', '该版本已生效，请发布新版本调整会费', { versionId: d.versionId, effectiveFrom: version.effectiveFrom });
        }
        const entry = version.entries.find((e) => e.qualificationCode === d.qualificationCode && e.tierCode === d.tierCode);
        if (!entry) throw new DomainError('UNKNOWN_FEE_ENTRY', '该会员资格与人员规模没有定价', { qualificationCode: d.qualificationCode, tierCode: d.tierCode });
        assertFen(d.feePerYearFen, 'feePerYearFen');
        const reason = assertText(d.reason, 'reason', 500);
        if (entry.feePerYearFen === d.feePerYearFen && !entry.placeholder) throw new DomainError('FEE_UNCHANGED', '会费未改变');
        return [
          ev<FeeChanged>('FeeChanged', {
            versionId: d.versionId,
            qualificationCode: d.qualificationCode,
            tierCode: d.tierCode,
            fromFen: entry.feePerYearFen,
            toFen: d.feePerYearFen,
            reason,
            changedBy: command.metadata.actor,
            changedAt: at,
          }),
        ];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'FeeScheduleVersionPublished': {
        const { versionId, effectiveFrom, entries } = event.data;
        const termPolicy = event.data.termPolicy ?? DEFAULT_TERM_POLICY;
        const versions = [...state.versions, { versionId, effectiveFrom, entries, termPolicy }].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
        return { versions };
      }
      case 'FeeChanged': {
        const d = event.data;
        return {
          versions: state.versions.map((v) =>
            v.versionId !== d.versionId
              ? v
              : {
                  ...v,
                  // A fee finance has set is no longer a placeholder.
                  entries: v.entries.map((e) => (e.qualificationCode === d.qualificationCode && e.tierCode === d.tierCode ? { ...e, feePerYearFen: d.toFen, placeholder: false } : e)),
                },
          ),
        };
      }
    }
  },
};

/** The version in effect on a Shanghai calendar date, if any. */
export function versionInEffect(state: FeeScheduleState, on: string): ScheduleVersion | undefined {
  let found: ScheduleVersion | undefined;
  for (const v of state.versions) if (v.effectiveFrom <= on) found = v;
  return found;
}

/** The schedule entry (with its published names) for a qualification and staff tier on a Shanghai calendar date. */
export function feeEntryInEffect(state: FeeScheduleState, qualificationCode: string, tierCode: string, on: string): { version: ScheduleVersion; entry: FeeEntry } {
  const version = versionInEffect(state, on);
  if (!version) throw new DomainError('NO_SCHEDULE_IN_EFFECT', '该日期没有生效的收费标准', { on });
  const forQualification = version.entries.filter((e) => e.qualificationCode === qualificationCode);
  if (forQualification.length === 0) throw new DomainError('UNKNOWN_QUALIFICATION', '会员资格不存在', { qualificationCode });
  const entry = forQualification.find((e) => e.tierCode === tierCode);
  if (!entry) throw new DomainError('UNKNOWN_STAFF_TIER', '人员规模不存在', { qualificationCode, tierCode });
  return { version, entry };
}

/**
 * The paid term of a new membership (or of an expired one restarting) confirmed on `confirmedOn` for `years` whole
 * years ending on 31 December: on or after the version's cut-off the term starts on 1 January of the next year.
 * `startsOnPayment`: the term starts on the payment day (not known before payment; `termStart` is then today's date).
 */
export function coverageFor(policy: TermPolicy, confirmedOn: string, years: number): { termStart: string; termEnd: string; startsNextYear: boolean } {
  const year = Number(confirmedOn.slice(0, 4));
  const startsNextYear = policy.lateJoinCutoff !== null && confirmedOn.slice(5) >= policy.lateJoinCutoff;
  const termStart = startsNextYear ? `${year + 1}-01-01` : confirmedOn;
  const firstYear = Number(termStart.slice(0, 4));
  return { termStart, termEnd: `${firstYear + years - 1}-12-31`, startsNextYear };
}

/** The fee for a qualification, staff tier and whole number of years on a date (会费 × 资格期限 = 应付金额). */
export function quote(state: FeeScheduleState, qualificationCode: string, tierCode: string, years: number, on: string): Quote {
  if (!isCalendarDate(on)) throw new DomainError('INVALID_DATE', '日期格式无效', { on });
  if (!Number.isInteger(years) || years < MIN_YEARS || years > MAX_YEARS) {
    throw new DomainError('YEARS_OUT_OF_RANGE', `资格期限须为${MIN_YEARS}至${MAX_YEARS}年的整数`, { years });
  }
  const { version, entry } = feeEntryInEffect(state, qualificationCode, tierCode, on);
  const amountDueFen = entry.feePerYearFen * years;
  if (!Number.isSafeInteger(amountDueFen)) throw new DomainError('INVALID_AMOUNT', '金额超出范围');
  return { feePerYearFen: entry.feePerYearFen, years, amountDueFen, scheduleVersion: version.versionId };
}

/** The configurable default schedule (default-fee-schedule.json) as a publish command payload. */
export function defaultFeeSchedule(): PublishScheduleVersionData {
  const { versionId, effectiveFrom, entries } = defaultScheduleJson;
  return {
    versionId,
    effectiveFrom,
    termPolicy: DEFAULT_TERM_POLICY,
    entries: entries.map(({ qualificationCode, qualificationName, tierCode, tierName, feePerYearFen, placeholder }) => ({
      qualificationCode,
      qualificationName,
      tierCode,
      tierName,
      feePerYearFen,
      placeholder,
    })),
  };
}
