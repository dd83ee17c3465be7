/** Integer fen shown as 元 with two decimals and thousands separators: 1800000 → "18,000.00". */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`金额须为整数分，收到 ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}
export const yuanText = (fen: number): string => `${yuan(fen)} 元`;

/** The same without thousands separators, for an amount a clerk edits or reads in a sentence: 600000 → "6000.00". */
export const plainYuan = (fen: number): string => yuan(fen).replace(/,/g, '');

/**
 * What a clerk types as an amount in 元 ("1,800", "1800.5", "1800.00") → integer fen, or an error in Chinese.
 * Never through floating point: "0.29" must be 29 fen, not 28.999….
 */
export function parseYuan(text: string): { fen: number } | { error: string } {
  const t = text.replace(/[,，\s]/g, '');
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return { error: '金额格式有误，请输入元，最多两位小数' };
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (fen <= 0) return { error: '金额须大于0' };
  return { fen };
}
