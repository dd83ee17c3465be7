import { Cell, SourceRow } from './types';
import { ColumnProfile, allAliases, normaliseHeader } from './profiles';

export const cellText = (cell: Cell | undefined): string => {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
};

/**
 * Bank exports put a title block (bank name, 账号, 查询期间 …) above the header row. The header row is the first
 * row with at least three cells that are known header aliases, one of them a date and one an amount.
 */
export function findHeaderRow(rows: SourceRow[], profiles: readonly ColumnProfile[], scanLimit = 40): number {
  const known = new Set(profiles.flatMap((p) => [...allAliases(p)]));
  const dates = new Set(profiles.flatMap((p) => p.columns.date.map(normaliseHeader)));
  const amounts = new Set(
    profiles.flatMap((p) => [...p.columns.credit, ...p.columns.debit, ...p.columns.amount].map(normaliseHeader)),
  );
  for (let i = 0; i < Math.min(rows.length, scanLimit); i++) {
    const headers = rows[i].cells.map((c) => normaliseHeader(cellText(c)));
    const hits = headers.filter((h) => known.has(h)).length;
    if (hits >= 3 && headers.some((h) => dates.has(h)) && headers.some((h) => amounts.has(h))) return i;
  }
  return -1;
}

export type ColumnIndex = { [K in keyof ColumnProfile['columns']]: number[] };

/** Resolves each field to the column positions of its aliases, in alias priority order. */
export function resolveColumns(headerCells: Cell[], profile: ColumnProfile): ColumnIndex {
  const headers = headerCells.map((c) => normaliseHeader(cellText(c)));
  const index = {} as ColumnIndex;
  for (const field of Object.keys(profile.columns) as (keyof ColumnProfile['columns'])[]) {
    index[field] = profile.columns[field]
      .map((alias) => headers.indexOf(normaliseHeader(alias)))
      .filter((i) => i >= 0);
  }
  // A column serving as the date must not also be read as a separate time column.
  index.time = index.time.filter((i) => i !== index.date[0]);
  return index;
}
