import type { ImportSummary } from '@/api/billing';
import { BALANCE_CHECK, label } from './labels';

/** The result cards shown after an import, in the order a clerk reads them. */
export function importFigures(s: ImportSummary): Array<{ label: string; value: number | string; tone?: 'ok' | 'warn' | 'bad' }> {
  return [
    { label: '文件行数', value: s.lines },
    { label: '新到账', value: s.newCredits },
    { label: '重复（已导入过）', value: s.duplicates, tone: s.duplicates > 0 ? 'warn' : undefined },
    { label: '自动匹配', value: s.autoMatched, tone: 'ok' },
    { label: '待确认', value: s.suggested, tone: s.suggested > 0 ? 'warn' : undefined },
    { label: '未匹配', value: s.unmatched, tone: s.unmatched > 0 ? 'bad' : undefined },
    { label: '支出行（忽略）', value: s.debitsIgnored },
    { label: '余额核对', value: label(BALANCE_CHECK, s.balanceCheck), tone: s.balanceCheck === 'mismatch' ? 'bad' : s.balanceCheck === 'ok' ? 'ok' : undefined },
  ];
}

/** Upload progress as a whole percentage (0 while the size is unknown). */
export const percentOf = (sent: number, total: number): number => (total > 0 ? Math.min(100, Math.floor((sent / total) * 100)) : 0);

export const ACCEPTED_EXTENSIONS = ['.csv', '.xlsx', '.xml', '.053', '.txt'];
/** Refuses what cannot be a statement before sending it (the server checks again). */
export function fileProblem(file: { name: string; size: number }, maxBytes = 20 * 1024 * 1024): string | null {
  if (file.size === 0) return '文件为空，请选择银行导出的流水文件';
  if (file.size > maxBytes) return `文件超过 ${Math.round(maxBytes / 1024 / 1024)} MB，请按月份拆分后分别导入`;
  const lower = file.name.toLowerCase();
  if (!ACCEPTED_EXTENSIONS.some((e) => lower.endsWith(e))) return '仅支持 CSV、XLSX 或 camt.053（XML）格式的银行流水';
  return null;
}
