import { amountInWords } from '@lsc/validation/amount-in-words';

/** Integer fen as the guide writes amounts: 1800000 → "18000", 1234567 → "12345.67". */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`金额须为整数分，收到 ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${whole}${cents === 0 ? '' : `.${String(cents).padStart(2, '0')}`}`;
}

/** "18000元" */
export const yuanText = (fen: number): string => `${yuan(fen)}元`;

/** 大写, e.g. 壹万捌仟元整 (the same function the invoices and the API use). */
export const yuanInWords = (fen: number): string => amountInWords(fen);

/** 会费 × 年 = 应付金额, in figures; the quote display shows this line. */
export function quoteLine(feePerYearFen: number, years: number, amountDueFen: number): string {
  return `${yuan(feePerYearFen)}元/年 × ${years}年 = ${yuanText(amountDueFen)}`;
}
