// Fen shown as 元, by integer arithmetic only (money is integer fen; no float round trip). The one formatter behind
// messages, mails and printed documents.

/** Formats fen as the 元 figure: "1,234.56" (or "1234.56" without grouping). */
export function fenAsYuanText(fen: number, { grouping = true }: { grouping?: boolean } = {}): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.trunc(abs / 100).toString();
  const yuan = grouping ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole;
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Formats fen as "1,234.56元" (or "1234.56元" without grouping) for Chinese messages. */
export function formatFen(fen: number, options: { grouping?: boolean } = {}): string {
  return `${fenAsYuanText(fen, options)}元`;
}
