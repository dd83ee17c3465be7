import ExcelJS from 'exceljs';
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

export async function readXlsxRows(content: Buffer): Promise<SourceRow[]> {
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
