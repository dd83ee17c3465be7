import type { ImportJob, ImportSummary } from '@/api/billing';
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

/** What the import progress bar says under it: where billing's worker stands with the file. */
export function importProgressText(job: Pick<ImportJob, 'state' | 'progress'>): string {
  const p = job.progress;
  if (job.state === 'queued') return '文件已上传，排队等待导入…';
  if (p.totalLines === null || p.parsedLines < p.totalLines) return '正在解析文件…';
  const parsed = `已解析 ${p.parsedLines.toLocaleString('zh-CN')} 行`;
  if (!p.creditLines) return `${parsed}，正在汇总结果…`;
  return `${parsed}；已入库 ${p.persistedLines.toLocaleString('zh-CN')} / ${p.creditLines.toLocaleString('zh-CN')} 笔到账，其中自动匹配 ${p.matchedLines.toLocaleString('zh-CN')} 笔`;
}

/**
 * Follows an import to its end: `onProgress` with each answer, resolves with the finished job (done or failed).
 * A failed poll (a network blip) is retried at the next tick rather than ending the wait.
 */
export async function followImport(
  fetchJob: () => Promise<ImportJob>,
  onProgress: (job: ImportJob) => void,
  options: { intervalMs?: number; signal?: AbortSignal; sleep?: (ms: number) => Promise<void> } = {},
): Promise<ImportJob> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let failures = 0;
  for (;;) {
    if (options.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    try {
      const job = await fetchJob();
      failures = 0;
      onProgress(job);
      if (job.state === 'done' || job.state === 'failed') return job;
    } catch (err) {
      if (++failures >= 5) throw err;
    }
    await sleep(options.intervalMs ?? 1000);
  }
}
