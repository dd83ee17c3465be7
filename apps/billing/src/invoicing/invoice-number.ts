/**
 * 数电票 20-digit invoice number: yy (2) + province code (2) + channel (1) + sequence (15).
 * The layout comes from a secondary source (NOTES.md §7), so it lives in one place only.
 */

export interface InvoiceNumberParts {
  /** Two-digit year of issue, e.g. "26". */
  readonly yy: string;
  /** Two-digit tax-authority province code, e.g. "11" (Beijing). */
  readonly provinceCode: string;
  /** One-digit issuing channel. */
  readonly channel: string;
  /** Gap-free sequence value, 1 … 999 999 999 999 999. */
  readonly sequence: number;
}

export const MAX_INVOICE_SEQUENCE = 999_999_999_999_999;
const INVOICE_NUMBER = /^(\d{2})(\d{2})(\d)(\d{15})$/;

export class InvoiceNumberError extends Error {
  override readonly name = 'InvoiceNumberError';
}

export function formatInvoiceNumber(input: { issueYear: number; provinceCode: string; channel: string; sequence: number }): string {
  const { issueYear, provinceCode, channel, sequence } = input;
  if (!Number.isInteger(issueYear) || issueYear < 2000 || issueYear > 2099) throw new InvoiceNumberError(`开票年份无效：${issueYear}`);
  if (!/^\d{2}$/.test(provinceCode)) throw new InvoiceNumberError(`省份代码应为 2 位数字：${provinceCode}`);
  if (!/^\d$/.test(channel)) throw new InvoiceNumberError(`开票渠道应为 1 位数字：${channel}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > MAX_INVOICE_SEQUENCE) {
    throw new InvoiceNumberError(`发票顺序号超出范围（1–${MAX_INVOICE_SEQUENCE}）：${sequence}`);
  }
  return `${String(issueYear % 100).padStart(2, '0')}${provinceCode}${channel}${String(sequence).padStart(15, '0')}`;
}

export function parseInvoiceNumber(text: string): InvoiceNumberParts {
  const m = INVOICE_NUMBER.exec(text);
  if (!m) throw new InvoiceNumberError(`发票号码应为 20 位数字，实际为 "${text}"`);
  const sequence = Number(m[4]);
  if (sequence < 1) throw new InvoiceNumberError(`发票顺序号不能为 0：${text}`);
  return { yy: m[1], provinceCode: m[2], channel: m[3], sequence };
}

export function isInvoiceNumber(text: string): boolean {
  return INVOICE_NUMBER.test(text) && !text.endsWith('000000000000000');
}
