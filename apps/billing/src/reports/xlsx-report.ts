import ExcelJS from 'exceljs';

/**
 * One report as staff read it in Excel: amounts in 元 with two decimals (stored as numbers, so sums and filters
 * work), labels instead of codes, names instead of ids, and a 合计 row under the money and count columns.
 */
export type ColumnKind = 'text' | 'fen' | 'int';
export interface ReportColumn {
  key: string;
  header: string;
  kind?: ColumnKind;
  /** Summed in the totals row (money and counts). */
  total?: boolean;
  width?: number;
}
export type ReportRow = Record<string, string | number | null | undefined>;

/** Fen (integer) → 元 as a number with exactly two decimals; the cell format shows them even for whole amounts. */
export const yuan = (fen: number): number => Math.round(fen) / 100;
export const YUAN_FORMAT = '#,##0.00';

export function totalsOf(columns: readonly ReportColumn[], rows: readonly ReportRow[]): ReportRow {
  const totals: ReportRow = {};
  for (const c of columns) if (c.total) totals[c.key] = rows.reduce((sum, r) => sum + (Number(r[c.key]) || 0), 0);
  return totals;
}

export async function reportWorkbook(title: string, columns: readonly ReportColumn[], rows: readonly ReportRow[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(title.slice(0, 31));
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? (c.kind === 'fen' ? 16 : 20) }));
  sheet.getRow(1).font = { bold: true };
  const cellValue = (c: ReportColumn, v: ReportRow[string]) => (v === null || v === undefined ? null : c.kind === 'fen' ? yuan(Number(v)) : c.kind === 'int' ? Number(v) : String(v));
  for (const r of rows) sheet.addRow(Object.fromEntries(columns.map((c) => [c.key, cellValue(c, r[c.key])])));
  if (columns.some((c) => c.total)) {
    const totals = totalsOf(columns, rows);
    const labelColumn = columns.find((c) => !c.total)!;
    const row = sheet.addRow(Object.fromEntries(columns.map((c) => [c.key, c.key === labelColumn.key ? `合计（${rows.length}笔）` : c.total ? cellValue(c, totals[c.key]) : null])));
    row.font = { bold: true };
  }
  columns.forEach((c, i) => {
    if (c.kind === 'fen') sheet.getColumn(i + 1).numFmt = YUAN_FORMAT;
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await book.xlsx.writeBuffer());
}
