import {
  ApplicationSubmitted,
  CertificateMailed,
  InstitutionRegistered,
  InvoiceIssued,
  MembershipActivated,
  MembershipEnteredGrace,
  MembershipExpired,
  MembershipExpiring,
  PaymentOrderIssued,
  PaymentOrderPaid,
  TransferUnmatched,
} from '@lsc/contracts';
import { renderTemplate, TEMPLATE_NAMES, type MailContext, type TemplateDataMap, type TemplateName } from './render-template';

const context: MailContext = {
  institutionName: '企业机构测试',
  portalUrl: 'https://member.lsc.example.cn/',
  actionUrl: 'https://member.lsc.example.cn/orders',
  actionLabel: '查看订单与发票',
  contactPhone: '010-88545141',
  contactEmail: 'member@lsc.example.cn',
};

const examples: { readonly [N in TemplateName]: TemplateDataMap[N] } = {
  'institution-registered': InstitutionRegistered.example,
  'payment-order-issued': PaymentOrderIssued.example,
  'mailing-address-confirmation': ApplicationSubmitted.example,
  'payment-received': PaymentOrderPaid.example,
  // The contract's example is inferred with kind: string, so the literal is restated.
  'membership-activated': { ...MembershipActivated.example, kind: 'new' },
  'invoice-issued': InvoiceIssued.example,
  'membership-expiring': { ...MembershipExpiring.example, daysBefore: 30 },
  'membership-entered-grace': MembershipEnteredGrace.example,
  'membership-expired': MembershipExpired.example,
  'certificate-mailed': CertificateMailed.example,
  'transfer-unmatched': TransferUnmatched.example,
};

function render<N extends TemplateName>(name: N, patch: Partial<TemplateDataMap[N] & MailContext> = {}) {
  return renderTemplate(name, { ...examples[name], ...context, ...patch });
}

describe('renderTemplate', () => {
  it.each(TEMPLATE_NAMES)('%s renders subject, html and text', (name) => {
    const mail = render(name);
    expect(mail.subject).not.toMatch(/\n/);
    expect(mail.subject.startsWith('【中国图书馆学会】')).toBe(true);
    expect(mail.html).toContain('<!DOCTYPE html>');
    expect(mail.text).toContain(context.contactEmail);
    expect(mail).toMatchSnapshot();
  });

  it('payment order mail carries payee, the exact remark and the payment code', () => {
    const { subject, text, html } = render('payment-order-issued');
    expect(subject).toBe('【中国图书馆学会】会费缴费通知：应付 18,000.00 元');
    for (const part of ['户名：中国图书馆学会', '开户行：北京银行白石桥支行', '账号：20000006591600105310002', '附言中填写：企业机构测试+会费', '付款识别码：7K3M9Q', '企业机构测试+会费 7K3M9Q', '壹万捌仟元整']) {
      expect(text).toContain(part);
    }
    expect(html).toContain('<strong>7K3M9Q</strong>');
  });

  it('mailing-address notice lists recipient, phone, full address and what is mailed', () => {
    const { text } = render('mailing-address-confirmation');
    expect(text).toContain('签收人：张三');
    expect(text).toContain('手机号码：13800138000');
    expect(text).toContain('固定电话：010-8080775');
    expect(text).toContain('收货地址：安徽省六安市金安区南京路1号');
    expect(text).toContain('单位会员证书及相关纸质材料');
  });

  it('leaves the landline line out when there is none', () => {
    const { mailingAddress } = ApplicationSubmitted.example;
    const { text } = render('mailing-address-confirmation', { mailingAddress: { ...mailingAddress, landline: undefined } });
    expect(text).not.toContain('固定电话');
  });

  it('names the attachments of the e-invoice mail and the receipt kind', () => {
    expect(render('invoice-issued').text).toContain('- 26112000000000000001.pdf\n- 26112000000000000001.xml');
    expect(render('invoice-issued', { documentKind: 'dues_receipt' }).subject).toBe('【中国图书馆学会】社会团体会费票据 26112000000000000001');
  });

  it('escapes markup in html but not in subject and text', () => {
    const mail = render('payment-received', { institutionName: '<b>A&B</b> 图书馆' });
    expect(mail.html).toContain('&lt;b&gt;A&amp;B&lt;/b&gt; 图书馆');
    expect(mail.html).not.toContain('<b>A&B</b>');
    expect(mail.text).toContain('<b>A&B</b> 图书馆');
  });

  it('fails loudly on a missing field instead of sending a blank', () => {
    const data = { ...PaymentOrderIssued.example, ...context } as Partial<TemplateDataMap['payment-order-issued'] & MailContext>;
    delete data.paymentCode;
    expect(() => renderTemplate('payment-order-issued', data as TemplateDataMap['payment-order-issued'] & MailContext)).toThrow(/paymentCode/);
  });

  it('shows instants in Beijing time', () => {
    expect(render('certificate-mailed').text).toContain('已于 2026年9月10日 10:00 寄出');
  });
});
