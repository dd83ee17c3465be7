import QRCode from 'qrcode';
import { sampleInvoice } from './invoice.fixture';
import { invoiceQrText } from './invoice-qr';

describe('invoiceQrText', () => {
  it('carries the 数电票 fields: version, type 32, no 发票代码, the 20-digit number, amount, date, no 校验码, a 4-character code', () => {
    const text = invoiceQrText(sampleInvoice());
    expect(text).toMatch(/^01,32,,26112000000000000001,18000\.00,20260903,,[0-9A-F]{4}$/);
    // Small enough for a low-version code that prints crisply at 2 cm.
    expect(QRCode.create(text as string, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(3);
  });

  it('depends on the invoice (a different number gives a different code)', () => {
    const other = { ...sampleInvoice(), number: '26112000000000000002' };
    expect(invoiceQrText(other)?.slice(-4)).not.toBe(invoiceQrText(sampleInvoice())?.slice(-4));
  });

  it('puts no tax QR code on a 社会团体会费票据', () => {
    expect(invoiceQrText(sampleInvoice('dues_receipt'))).toBeNull();
  });
});
