import type { FeeSchedule } from '@/api/billing';
import { parseYuan, plainYuan } from './money';

type Version = FeeSchedule['versions'][number];
type Entry = Version['entries'][number] & { placeholder?: boolean };

/** A new fee-schedule version being written in the form: fees as typed 元 text, one per entry of the base version. */
export interface FeeVersionDraft {
  versionId: string;
  effectiveFrom: string;
  /** MM-DD, or '' for no cut-off (then billing's default applies). */
  lateJoinCutoff: string;
  entries: Array<Entry & { feeText: string }>;
}

/** Starts from the version in effect (or the latest): same entries and fees, the next version number, from 1 January next year. */
export function draftFrom(schedule: FeeSchedule, today: string): FeeVersionDraft {
  const base = schedule.versions.find((v) => v.versionId === schedule.inEffect) ?? schedule.versions.at(-1);
  const nextYear = Number(today.slice(0, 4)) + 1;
  const cutoff = (base as (Version & { termPolicy?: { lateJoinCutoff?: string | null } }) | undefined)?.termPolicy?.lateJoinCutoff;
  return {
    versionId: `${nextYear}-01`,
    effectiveFrom: `${nextYear}-01-01`,
    lateJoinCutoff: cutoff ?? '12-01',
    entries: (base?.entries ?? []).map((e) => ({ ...e, feeText: plainYuan(e.feePerYearFen) })),
  };
}

export type PublishBody = { versionId: string; effectiveFrom: string; entries: Entry[]; termPolicy?: { lateJoinCutoff: string | null } };

/**
 * The request billing takes, or the problems in Chinese naming the entry: fees in integer fen parsed from 元 text
 * (never floating point), a version number, an effective date after today, an existing calendar cut-off.
 */
export function publishRequest(d: FeeVersionDraft, today: string, existing: readonly string[]): { body: PublishBody } | { problems: string[] } {
  const problems: string[] = [];
  const versionId = d.versionId.trim();
  if (!versionId) problems.push('请填写版本号');
  else if (existing.includes(versionId)) problems.push(`版本号 ${versionId} 已存在`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.effectiveFrom) || !isMonthDay(d.effectiveFrom.slice(5), Number(d.effectiveFrom.slice(0, 4)))) problems.push('生效日期格式须为 YYYY-MM-DD');
  else if (d.effectiveFrom <= today) problems.push('生效日期须晚于今天（已生效的版本只能发布新版本替代）');
  const cutoff = d.lateJoinCutoff.trim();
  if (cutoff && !isMonthDay(cutoff)) problems.push('入会截止日格式须为 MM-DD，如 12-01');
  if (d.entries.length === 0) problems.push('收费标准不能为空');
  const entries: Entry[] = [];
  for (const e of d.entries) {
    const fee = parseYuan(e.feeText);
    if ('error' in fee) problems.push(`${e.qualificationName}（${e.tierName}）：${fee.error}`);
    else entries.push({ qualificationCode: e.qualificationCode, qualificationName: e.qualificationName, tierCode: e.tierCode, tierName: e.tierName, feePerYearFen: fee.fen, ...(e.placeholder ? { placeholder: true } : {}) });
  }
  if (problems.length) return { problems };
  return { body: { versionId, effectiveFrom: d.effectiveFrom, entries, termPolicy: { lateJoinCutoff: cutoff || null } } };
}

/** A day that exists in the calendar (29 February only in a leap year; a cut-off allows it as in 2024). */
function isMonthDay(mmdd: string, year = 2024): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(mmdd);
  if (!m) return false;
  const date = new Date(Date.UTC(year, Number(m[1]) - 1, Number(m[2])));
  return date.getUTCMonth() === Number(m[1]) - 1 && date.getUTCDate() === Number(m[2]);
}
