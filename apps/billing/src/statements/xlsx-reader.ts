import ExcelJS from 'exceljs';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { Cell, SourceRow, StatementFormatError } from './types';

/** exceljs wraps formulas, rich text and hyperlinks in objects; the statement only needs the shown value. */
function toCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return toCell((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('error' in value) return null;
  return null;
}

/**
 * exceljs builds the whole workbook in memory, ~10 bytes of process memory per byte of unpacked XML, and a small upload
 * can unpack to gigabytes (a zip bomb). Beyond this the file is refused before it is unpacked, with a message saying
 * what to do, instead of exhausting billing's heap. Measured at the limit (121,000 rows, 47 MB unpacked), parsing alone:
 * 567 MiB RSS with the heap of a 1 GiB container (515 MiB), 497 MiB with that of billing's 768 MiB dev one (387 MiB).
 */
export const MAX_XLSX_UNPACKED_BYTES = 48 * 1024 * 1024;

/** The sizes the archive declares for its entries, read from its central directory without inflating anything. */
async function unpackedBytes(content: Buffer): Promise<number> {
  const zip = await new Promise<ZipFile>((resolve, reject) => fromBuffer(content, { lazyEntries: true, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))));
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

export async function readXlsxRows(content: Buffer): Promise<SourceRow[]> {
  let unpacked: number;
  try {
    unpacked = await unpackedBytes(content);
  } catch {
    throw new StatementFormatError('XLSX 文件无法打开：文件可能已损坏');
  }
  if (unpacked > MAX_XLSX_UNPACKED_BYTES) {
    throw new StatementFormatError(`XLSX 文件解压后为 ${Math.ceil(unpacked / 1024 / 1024)} MB，超过 ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB 的上限（约 12 万行）：请按月份拆分后分别导入，或导出为 CSV 格式`);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw new StatementFormatError('XLSX 文件无法打开：文件可能已损坏');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new StatementFormatError('XLSX 文件中没有工作表');
  const rows: SourceRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(toCell(row.getCell(c).value));
    rows.push({ lineNumber: rowNumber, cells });
  });
  return rows;
}
