import { fenAsYuanText } from '@lsc/validation';

/** Money stays integer fen end to end; these helpers only turn it into text, never into floats. */

function assertFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`金额必须是整数（分），实际为 ${fen}`);
}

/** 1800000 → "18000.00"; `grouped` → "18,000.00" (printed documents). */
export function formatYuan(fen: number, grouped = false): string {
  assertFen(fen);
  return fenAsYuanText(fen, { grouping: grouped });
}

/** Strict inverse of formatYuan for decimal strings from XML ("18000", "18000.5", "18000.00"); null if not a plain amount. */
export function parseYuanToFen(text: string): number | null {
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''));
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -fen : fen;
}
