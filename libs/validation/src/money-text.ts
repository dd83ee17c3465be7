// Fen shown as 元 in Chinese messages, by integer arithmetic only (money is integer fen; no float round trip).

/** Formats fen as "1,234.56元" for Chinese messages. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}元`;
}
