/** Money stays integer fen end to end; these helpers only turn it into text, never into floats. */

function assertFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`金额必须是整数（分），实际为 ${fen}`);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1800000 → "18000.00"; `grouped` → "18,000.00" (printed documents). */
export function formatYuan(fen: number, grouped = false): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = String(Math.trunc(abs / 100));
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${grouped ? groupThousands(yuan) : yuan}.${cents}`;
}

/** Strict inverse of formatYuan for decimal strings from XML ("18000", "18000.5", "18000.00"); null if not a plain amount. */
export function parseYuanToFen(text: string): number | null {
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''));
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -fen : fen;
}
