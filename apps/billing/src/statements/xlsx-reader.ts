import ExcelJS from 'exceljs';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { Worker } from 'node:worker_threads';
import { Cell, SourceRow, StatementFormatError } from './types';
import { inspectXlsxArchive, XLSX_LIMITS } from './xlsx-guard';

/** exceljs wraps formulas, rich text and hyperlinks in objects; the statement only needs the shown value. */
function toCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  // Dates come back from the parsing worker, whose Date constructor is not this realm's (instanceof fails across them).
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as Date).getTime());
  if (typeof value === 'boolean') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return toCell((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('error' in value) return null;
  return null;
}

/**
 * exceljs builds the whole workbook in memory, ~10 bytes of process memory per byte of unpacked XML, and a small upload
 * can unpack to gigabytes (a zip bomb). Beyond this the file is refused before it is parsed, with a message saying
 * what to do, instead of exhausting billing's heap. Measured at the limit (121,000 rows, 47 MB unpacked), parsing alone:
 * 567 MiB RSS with the heap of a 1 GiB container (515 MiB), 497 MiB with that of billing's 768 MiB dev one (387 MiB).
 */
export const MAX_XLSX_UNPACKED_BYTES = XLSX_LIMITS.maxUnpackedBytes;

/**
 * The heap exceljs may use, in its own worker thread: what the archive checks cannot foresee (a workbook within every
 * limit that still expands badly) ends that worker with a refusal instead of taking billing down.
 */
export const XLSX_PARSE_HEAP_MB = 448;
/**
 * A parse still running after this is stopped. Measured near the size limit (100,000 rows, 46 MB unpacked, inline
 * strings): 34 s on a heavily shared 2-core machine, peak process RSS 669 MiB with the worker's heap under this cap.
 */
export const XLSX_PARSE_TIMEOUT_MS = 120_000;

/** The sizes the archive declares for its entries: a quick answer for honest oversized files, never trusted alone. */
async function declaredBytes(content: Buffer): Promise<number> {
  const zip = await new Promise<ZipFile>((resolve, reject) => fromBuffer(content, { lazyEntries: true, validateEntrySizes: false }, (err, z) => (err ? reject(err) : resolve(z))));
  return new Promise((resolve, reject) => {
    let total = 0;
    zip.on('entry', (entry: Entry) => {
      total += entry.uncompressedSize;
      zip.readEntry();
    });
    zip.on('end', () => resolve(total));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * Runs in the worker (plain CommonJS, as the worker does not go through the TypeScript build): loads the workbook and
 * posts back the first sheet's raw cell values, which are plain data (strings, numbers, Dates, rich-text objects).
 */
const PARSE_IN_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ExcelJS = require(workerData.exceljs);
(async () => {
  const workbook = new ExcelJS.Workbook();
  try {
    const c = workerData.content;
    await workbook.xlsx.load(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  } catch (e) {
    return parentPort.postMessage({ error: 'corrupt' });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return parentPort.postMessage({ error: 'no-sheet' });
  const rows = [];
  sheet.eachRow({ includeEmpty: false }, (row, lineNumber) => {
    const cells = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).value ?? null);
    rows.push({ lineNumber, cells });
  });
  parentPort.postMessage({ rows });
})();
`;

interface RawRow {
  lineNumber: number;
  cells: ExcelJS.CellValue[];
}

/** Parses the workbook in a worker whose heap is capped at heapMb; refusals are StatementFormatErrors in Chinese. */
export function parseInWorker(content: Buffer, heapMb = XLSX_PARSE_HEAP_MB, timeoutMs = XLSX_PARSE_TIMEOUT_MS): Promise<RawRow[]> {
  const tooBig = () => new StatementFormatError(`XLSX 文件解析所需内存超过 ${heapMb} MB 的上限：请按月份拆分后分别导入，或导出为 CSV 格式`);
  return new Promise((resolve, reject) => {
    const worker = new Worker(PARSE_IN_WORKER, {
      eval: true,
      workerData: { exceljs: require.resolve('exceljs'), content },
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, heapMb / 8)) },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(new StatementFormatError(`XLSX 文件解析超过 ${timeoutMs / 1000} 秒仍未完成：请按月份拆分后分别导入，或导出为 CSV 格式`))), timeoutMs);
    worker.on('message', (m: { rows?: RawRow[]; error?: 'corrupt' | 'no-sheet' }) =>
      settle(() => {
        if (m.error === 'no-sheet') reject(new StatementFormatError('XLSX 文件中没有工作表'));
        else if (m.error || !m.rows) reject(new StatementFormatError('XLSX 文件无法打开：文件可能已损坏'));
        else resolve(m.rows);
      }),
    );
    worker.on('error', (e: Error & { code?: string }) => settle(() => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooBig() : e)));
    worker.on('exit', () => settle(() => reject(tooBig())));
  });
}

export async function readXlsxRows(content: Buffer): Promise<SourceRow[]> {
  let declared: number;
  try {
    declared = await declaredBytes(content);
  } catch {
    throw new StatementFormatError('XLSX 文件无法打开：文件可能已损坏');
  }
  if (declared > MAX_XLSX_UNPACKED_BYTES) {
    throw new StatementFormatError(`XLSX 文件解压后为 ${Math.ceil(declared / 1024 / 1024)} MB，超过 ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB 的上限（约 12 万行）：请按月份拆分后分别导入，或导出为 CSV 格式`);
  }
  // The declared sizes can lie: count what really comes out, entry by entry, before exceljs sees the file.
  await inspectXlsxArchive(content);
  const raw = await parseInWorker(content);
  return raw.map(({ lineNumber, cells }) => ({ lineNumber, cells: cells.map(toCell) }));
}
