import { ApplicationSubmitted, InstitutionRegistered, InvoiceIssued, MembershipExpiring, PaymentOrderIssued, PaymentOrderPaid } from '@lsc/contracts';
import { loadNotificationConfig } from '../config';
import { composeMail } from '../deliveries/compose-mail';
import { portalLinkFor } from './portal-links';
import { TEMPLATE_NAMES } from './render-template';

const BASE = 'https://member.lsc.example.cn';
const applicationId = PaymentOrderIssued.example.applicationId;

describe('portal links in mails', () => {
  it('deep-links each mail to the portal page it is about', () => {
    const link = (template: Parameters<typeof portalLinkFor>[0], payload: object) => portalLinkFor(template, payload as Record<string, unknown>, BASE).actionUrl;
    expect(link('payment-order-issued', PaymentOrderIssued.example)).toBe(`${BASE}/applications/${applicationId}/payment`);
    expect(link('payment-received', PaymentOrderPaid.example)).toBe(`${BASE}/applications/${applicationId}/payment`);
    expect(link('mailing-address-confirmation', ApplicationSubmitted.example)).toBe(`${BASE}/applications/${ApplicationSubmitted.example.applicationId}`);
    expect(link('invoice-issued', InvoiceIssued.example)).toBe(`${BASE}/orders`);
    expect(link('membership-expiring', MembershipExpiring.example)).toBe(`${BASE}/renew`);
    expect(link('institution-registered', InstitutionRegistered.example)).toBe(`${BASE}/apply`);
    // Without the id the mail still leads somewhere useful.
    expect(link('payment-order-issued', {})).toBe(`${BASE}/orders`);
  });

  it('builds every link from the one base URL, path prefix and trailing slash included', () => {
    for (const template of TEMPLATE_NAMES) {
      const { portalUrl, actionUrl, actionLabel } = portalLinkFor(template, { applicationId }, 'https://lsc.example.cn/member/');
      expect(portalUrl).toBe('https://lsc.example.cn/member/');
      expect(actionUrl.startsWith('https://lsc.example.cn/member/')).toBe(true);
      expect(actionUrl).not.toContain('//member//');
      expect(actionLabel).toMatch(/^[\u4e00-\u9fff与]+$/);
    }
  });

  it('puts the deep link into the text and HTML of the rendered mail', () => {
    const mail = composeMail({ template: 'payment-order-issued', payload: PaymentOrderIssued.example as unknown as Record<string, unknown>, to: 'lib@example.cn', registeredName: '甲图书馆', contacts: { publicBaseUrl: BASE, contactPhone: '010-88545141', contactEmail: 'member@lsc.example.cn' } });
    const url = `${BASE}/applications/${applicationId}/payment`;
    expect(mail.text).toContain(`查看支付信息：${url}`);
    expect(mail.text).toContain(`会员管理与服务平台：${BASE}/`);
    expect(mail.html).toContain(`<a href="${url}"`);
    expect(mail.html).toContain('>查看支付信息</a>');
  });

  it('reads PUBLIC_BASE_URL (default: the local gateway) and refuses a value that is not an http(s) address', () => {
    expect(loadNotificationConfig({}).PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000');
    expect(loadNotificationConfig({ PUBLIC_BASE_URL: 'https://member.lsc.org.cn' }).PUBLIC_BASE_URL).toBe('https://member.lsc.org.cn');
    expect(() => loadNotificationConfig({ PUBLIC_BASE_URL: 'member.lsc.org.cn' })).toThrow(/PUBLIC_BASE_URL/);
  });
});
