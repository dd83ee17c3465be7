import { createHash } from 'node:crypto';
import { InvoiceIssued, MembershipActivated } from '@lsc/contracts';
import { MailDeliveryError } from '../mail';
import { backoffMs } from './backoff';
import { composeMail, institutionNameFor, invoiceAttachments } from './compose-mail';
import { daysUntil } from '../consumers/days-until';

const contacts = { publicBaseUrl: 'https://member.lsc.example.cn', contactPhone: '010-88545141', contactEmail: 'member@lsc.example.cn' };
const pdf = Buffer.from('%PDF-1.7 invoice');
const xml = Buffer.from('<EInvoice/>');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const documents = [
  { ...InvoiceIssued.example.documents[0], sha256: sha(pdf), size: pdf.length, contentBase64: pdf.toString('base64') },
  { ...InvoiceIssued.example.documents[1], sha256: sha(xml), size: xml.length, contentBase64: xml.toString('base64') },
];

function permanentFailure(fn: () => unknown): MailDeliveryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MailDeliveryError) return err;
    throw err;
  }
  throw new Error('expected a MailDeliveryError');
}

describe('composeMail', () => {
  it('attaches the invoice documents byte for byte, named after the document id', () => {
    const mail = composeMail({ template: 'invoice-issued', payload: { ...InvoiceIssued.example, documents }, to: 'lib@example.cn', registeredName: '甲图书馆', contacts, messageId: '<d1@lsc.org.cn>' });
    expect(mail.to).toBe('lib@example.cn');
    expect(mail.messageId).toBe('<d1@lsc.org.cn>');
    expect(mail.attachments?.map((a) => [a.filename, a.contentType, a.content.equals(a.filename.endsWith('.pdf') ? pdf : xml)])).toEqual([
      ['26112000000000000001.pdf', 'application/pdf', true],
      ['26112000000000000001.xml', 'application/xml', true],
    ]);
    expect(mail.text).toContain('甲图书馆');
  });

  it('refuses, permanently, a document without content or whose bytes are not the announced ones', () => {
    expect(permanentFailure(() => invoiceAttachments([{ ...documents[0], contentBase64: undefined }]))).toMatchObject({ kind: 'permanent', reason: 'bad_content' });
    const altered = permanentFailure(() => invoiceAttachments([{ ...documents[0], contentBase64: Buffer.from('other').toString('base64') }]));
    expect(altered.message).toContain('sha256');
  });

  it('turns a template that cannot be rendered into a permanent failure, not a blank mail', () => {
    const { memberNumber: _dropped, ...incomplete } = MembershipActivated.example;
    const failure = permanentFailure(() => composeMail({ template: 'membership-activated', payload: incomplete, to: 'lib@example.cn', registeredName: null, contacts }));
    expect(failure).toMatchObject({ kind: 'permanent', reason: 'bad_content' });
    expect(failure.message).toContain('memberNumber');
  });

  it('greets with the registered name, else the name the event carries', () => {
    expect(institutionNameFor({ institutionName: '旧名' }, '新名')).toBe('新名');
    expect(institutionNameFor({ buyerName: '抬头名' }, null)).toBe('抬头名');
    expect(institutionNameFor({}, null)).toBe('贵单位');
  });
});

describe('backoffMs', () => {
  it('doubles from the base, within ±20 %, and never exceeds the cap', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 1000, 60000, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(1, 1000, 60000, () => 0)).toBe(800);
    expect(backoffMs(1, 1000, 60000, () => 1)).toBe(1200);
    expect(backoffMs(40, 1000, 60000, () => 1)).toBe(60000);
  });
});

describe('daysUntil', () => {
  it('counts Beijing calendar days to the expiry date', () => {
    expect(daysUntil('2028-12-01T00:00:00.000Z', '2028-12-31')).toBe(30);
    // 16:30 UTC on the 24th is already the 25th in Beijing.
    expect(daysUntil('2028-12-24T16:30:00.000Z', '2028-12-31')).toBe(6);
    expect(daysUntil('2029-01-02T00:00:00.000Z', '2028-12-31')).toBe(0);
  });
});
