import { InvoiceIssued } from '@lsc/contracts';
import { renderTemplate, type MailContext } from '../render-template';

const context: MailContext = { institutionName: '企业机构测试', portalUrl: 'https://member.lsc.example.cn', contactPhone: '010-88545141', contactEmail: 'member@lsc.example.cn', actionUrl: 'https://member.lsc.example.cn/orders', actionLabel: '查看订单与发票' };

/** The mail names the number with the word printed on the attached document (billing's invoiceNumberLabel). */
describe('invoice-issued mail: the number has the same name as on the PDF', () => {
  it('calls a 数电票 number 发票号码 in text and html', () => {
    const mail = renderTemplate('invoice-issued', { ...InvoiceIssued.example, documentKind: 'vat_digital_invoice', ...context });
    expect(mail.text).toContain('发票号码：26112000000000000001');
    expect(mail.html).toMatch(/发票号码<\/td><td[^>]*>26112000000000000001/);
    expect(mail.text + mail.html).not.toContain('票据号码');
  });

  it('calls a 社会团体会费票据 number 票据号码', () => {
    const mail = renderTemplate('invoice-issued', { ...InvoiceIssued.example, documentKind: 'dues_receipt', ...context });
    expect(mail.text).toContain('票据号码：26112000000000000001');
    expect(mail.text + mail.html).not.toContain('发票号码');
  });
});
