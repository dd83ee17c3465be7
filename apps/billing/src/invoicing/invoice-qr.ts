import { createHash } from 'node:crypto';
import { toChinaDateTime } from './china-time';
import type { InvoiceDocument } from './invoice-document';
import { formatYuan } from './money';

/**
 * The text of a 数电票's QR code: `01,32,,<20-digit number>,<amount excluding tax>,<YYYYMMDD>,,<4 hex>` — version 01,
 * type 32 (数电票 普通发票), empty 发票代码 and 校验码 (a 数电票 has neither), then a 4-character code. The tax
 * platform computes that last field itself; the local renderer puts the first 4 hex digits of a SHA-256 over the
 * preceding fields there, so the code cannot pass for one the platform issued. A 社会团体会费票据 is no tax invoice
 * and carries no tax QR code (null).
 */
export function invoiceQrText(doc: InvoiceDocument): string | null {
  if (doc.kind !== 'vat_digital_invoice') return null;
  const fields = ['01', '32', '', doc.number, formatYuan(doc.totals.amountFen), toChinaDateTime(doc.issuedAt).date.replaceAll('-', ''), ''];
  const digest = createHash('sha256').update(fields.join(',')).digest('hex').slice(0, 4).toUpperCase();
  return [...fields, digest].join(',');
}
