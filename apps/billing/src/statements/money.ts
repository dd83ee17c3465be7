/**
 * Amount parsing by string/integer arithmetic only: a float round-trip would turn 0.29 into 28 fen.
 * Accepts ¥/￥/元/RMB/CNY, thousands separators, full-width digits, '-' or parentheses for negatives.
 */
const AMOUNT = /^(\d+)(?:\.(\d{1,2})0*)?$/;

export function parseAmountFen(value: string | number | Date | null | undefined): number | null {
  if (value === null || value === undefined || value instanceof Date) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // String() gives the shortest round-trip form, so 18000.5 → "18000.5" without float arithmetic.
    return parseAmountFen(String(value));
  }
  let text = value.normalize('NFKC').replace(/[\s,¥$元]|RMB|CNY/gi, '');
  if (text === '') return null;
  let negative = false;
  const paren = /^\((.*)\)$/.exec(text);
  if (paren) {
    negative = true;
    text = paren[1];
  }
  if (/^[-−]/.test(text)) {
    negative = !negative;
    text = text.slice(1);
  } else if (text.startsWith('+')) {
    text = text.slice(1);
  }
  if (/e/i.test(text)) return null;
  const match = AMOUNT.exec(text);
  if (!match) return null;
  const yuan = Number.parseInt(match[1], 10);
  const fen = Number.parseInt((match[2] ?? '').padEnd(2, '0'), 10);
  const total = yuan * 100 + fen;
  if (!Number.isSafeInteger(total)) return null;
  return negative ? -total : total;
}
