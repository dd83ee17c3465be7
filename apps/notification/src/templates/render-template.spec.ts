import {
  ApplicationCancelled,
  ApplicationSubmitted,
  MailingAddressChanged,
  MembershipExpiringV2Contract,
  MembershipPaymentReversedV2Contract,
  OverpaymentRecorded,
  PaymentOrderPartiallyPaid,
  CertificateMailed,
  InstitutionRegistered,
  InvoiceIssued,
  MembershipActivated,
  MembershipEnteredGrace,
  MembershipExpired,
  MembershipExpiring,
  PaymentOrderIssued,
  PaymentOrderIssuedV2Contract,
  PaymentOrderPaid,
  upcastPaymentOrderIssuedV1,
  TransferFollowUpRequested,
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
  'payment-order-issued': { ...PaymentOrderIssuedV2Contract.example, coverage: { ...PaymentOrderIssuedV2Contract.example.coverage!, kind: 'new' } },
  'mailing-address-confirmation': ApplicationSubmitted.example,
  'payment-received': PaymentOrderPaid.example,
  // The contract's example is inferred with kind: string, so the literal is restated.
  'membership-activated': { ...MembershipActivated.example, kind: 'new' },
  'invoice-issued': InvoiceIssued.example,
  'membership-expiring': { ...MembershipExpiring.example, daysBefore: 30, daysLeft: 30 },
  'membership-entered-grace': MembershipEnteredGrace.example,
  'membership-expired': MembershipExpired.example,
  'certificate-mailed': CertificateMailed.example,
  'transfer-unmatched': TransferFollowUpRequested.example,
  'payment-partially-received': {
    ...PaymentOrderPartiallyPaid.example,
    kind: 'new',
    remainingFen: 1200000,
    order: { payee: PaymentOrderIssued.example.payee, transferRemark: PaymentOrderIssued.example.transferRemark, paymentCode: PaymentOrderIssued.example.paymentCode },
  },
  'overpayment-recorded': { ...OverpaymentRecorded.example, kind: 'new' },
  'application-cancelled': { ...ApplicationCancelled.example, kind: 'new' },
  'mailing-address-changed': { ...MailingAddressChanged.example, kind: 'new' },
  'membership-payment-reversed': { ...MembershipPaymentReversedV2Contract.example, kind: 'renewal', undone: 'renewal', status: 'active' },
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

  describe('payment order mail states the exact coverage of the term being paid (v2)', () => {
    const coverage = (c: Partial<NonNullable<TemplateDataMap['payment-order-issued']['coverage']>>) => ({ ...examples['payment-order-issued'].coverage!, ...c });
    it('a new membership: active from payment, paid until the last day of its last year', () => {
      const { text, html } = render('payment-order-issued');
      expect(text).toContain('会费标准：6,000.00 元/年 × 3 年\n缴费覆盖期限：自缴费到账之日起至 2028年12月31日（会员资格自缴费到账之日起生效）\n应付金额');
      expect(html).toContain('<td style="color:#777;white-space:nowrap;vertical-align:top;">缴费覆盖期限</td><td>自缴费到账之日起至 <strong>2028年12月31日</strong>');
    });
    it('a December joiner: active from payment, the paid year from 1 January', () => {
      const { text, html } = render('payment-order-issued', { years: 1, feePerYearFen: 100000, amountDueFen: 100000, coverage: coverage({ termStart: '2027-01-01', termEnd: '2027-12-31', startsNextYear: true }) });
      expect(text).toContain('缴费覆盖期限：2027年1月1日 至 2027年12月31日（会员资格自缴费到账之日起生效；在年度截止日后确认的申请，缴费年度从次年1月1日起算）');
      expect(html).toContain('<strong>2027年1月1日 至 2027年12月31日</strong>（会员资格自缴费到账之日起生效；');
    });
    it('a renewal: the renewed term continuing the current one, and until when the membership is extended', () => {
      const { subject, text } = render('payment-order-issued', { kind: 'renewal', years: 1, coverage: coverage({ kind: 'renewal', termStart: '2029-01-01', termEnd: '2029-12-31', activeFromPayment: false }) });
      expect(subject).toBe('【中国图书馆学会】续费会费缴费通知：应付 18,000.00 元');
      expect(text).toContain('请按以下信息通过银行转账缴纳续费会费；到账后会员资格有效期将延长至 2029年12月31日。');
      expect(text).toContain('缴费覆盖期限：2029年1月1日 至 2029年12月31日（续费期限，接续当前有效期）');
      expect(text).not.toContain('自缴费到账之日起生效');
    });
    it('an order announced as v1 (coverage unknown) states no coverage rather than a guess', () => {
      const { text } = renderTemplate('payment-order-issued', { ...upcastPaymentOrderIssuedV1(PaymentOrderIssued.example), kind: 'renewal', ...context });
      expect(text).not.toContain('缴费覆盖期限');
      expect(text).toContain('到账后会员资格有效期将相应延长。');
    });
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

  it('a December joiner\'s confirmation mail states the exact coverage: active from payment, paid term from 1 January', () => {
    const { text, html } = render('mailing-address-confirmation', { years: 1, termStart: '2027-01-01', termEnd: '2027-12-31', submittedAt: '2026-12-01T02:00:00.000Z' });
    expect(text).toContain('会员资格自缴费到账之日起生效；所缴会费覆盖 2027年1月1日 至 2027年12月31日');
    expect(html).toContain('<strong>2027年1月1日 至 2027年12月31日</strong>');
    // 30 November 23:30 Shanghai is before the cut-off: the term runs from payment to the end of the year.
    const november = render('mailing-address-confirmation', { years: 1, termStart: '2026-11-30', termEnd: '2026-12-31', submittedAt: '2026-11-30T15:30:00.000Z' });
    expect(november.text).toContain('会员资格自缴费到账之日起生效，有效至 2026年12月31日。');
    expect(november.text).not.toContain('次年1月1日');
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

  describe('renewals have their own wording in every mail (issue #24)', () => {
    it('application received / address: 会员续费申请 with the renewed term', () => {
      const { subject, text } = render('mailing-address-confirmation', { kind: 'renewal', termStart: '2029-01-01', termEnd: '2029-12-31', years: 1 });
      expect(subject).toContain('已收到会员续费申请');
      expect(text).toContain('我们已收到您的会员续费申请（企业会员，续费 1 年，续费后资格期限 2029年1月1日 至 2029年12月31日）');
      expect(text).not.toContain('单位会员申请');
      expect(text).toContain(`https://member.lsc.example.cn/applications/${ApplicationSubmitted.example.applicationId}`);
    });
    it('payment instructions: 续费会费缴费通知 with a link to 支付信息', () => {
      const { subject, text, html } = render('payment-order-issued', { kind: 'renewal' });
      expect(subject).toBe('【中国图书馆学会】续费会费缴费通知：应付 18,000.00 元');
      expect(text).toContain('您的会员续费申请已提交，请按以下信息通过银行转账缴纳续费会费');
      expect(html).toContain(`href="https://member.lsc.example.cn/applications/${PaymentOrderIssued.example.applicationId}/payment"`);
      expect(render('payment-order-issued').text).toContain('您的单位会员申请已提交');
    });
    it('paid: 续费会费已到账', () => {
      const { subject, text } = render('payment-received', { kind: 'renewal' });
      expect(subject).toBe('【中国图书馆学会】续费会费已到账：18,000.00 元');
      expect(text).toContain('续费将随即生效');
    });
    it('activated: 续费成功，有效期延长至…, never the welcome of a new member', () => {
      const { subject, text, html } = render('membership-activated', { kind: 'renewal', validFrom: '2029-01-01', validTo: '2029-12-31', memberSince: '2026-09-03' });
      expect(subject).toBe('【中国图书馆学会】会员续费成功，有效期延长至 2029年12月31日（会员号 LSC-U-2026-000001）');
      expect(text).toContain('续费成功，有效期延长至 2029年12月31日。');
      expect(text).toContain('本次续费期限：2029年1月1日 至 2029年12月31日');
      expect(text).not.toContain('欢迎成为');
      expect(html).not.toContain('欢迎成为');
      expect(render('membership-activated').text).toContain('欢迎成为中国图书馆学会单位会员');
    });
  });

  describe('expiry reminder', () => {
    it('prints the real days left, not the threshold', () => {
      const { subject, text } = render('membership-expiring', { daysBefore: 30, daysLeft: 23 });
      expect(subject).toBe('【中国图书馆学会】单位会员资格将于 23 天后到期');
      expect(text).toContain('距今还有 23 天');
      expect(text).not.toContain('30 天');
    });
    it('on the last day says so', () => expect(render('membership-expiring', { daysLeft: 0 }).text).toContain('今天是有效期的最后一天'));
    it('with a renewal awaiting payment: says so and links to its payment information', () => {
      const example = MembershipExpiringV2Contract.example;
      const { subject, text, html } = render('membership-expiring', { daysLeft: 23, pendingRenewal: example.pendingRenewal });
      expect(subject).toBe('【中国图书馆学会】单位会员资格将于 23 天后到期，续费会费尚未到账');
      expect(text).toContain('您已提交会员续费申请，但我们尚未收到续费会费（应付 ¥6,000.00）');
      expect(html).toContain(`href="https://member.lsc.example.cn/applications/${example.pendingRenewal!.applicationId}/payment"`);
      expect(text).not.toContain('会员续费”按钮');
    });
  });

  describe('notices of payments and changes', () => {
    it('partial payment: received, still due, how to pay the rest', () => {
      const { subject, text } = render('payment-partially-received');
      expect(subject).toBe('【中国图书馆学会】已收到部分会费 6,000.00 元，尚差 12,000.00 元');
      for (const part of ['应付金额：¥18,000.00', '已收金额：¥6,000.00', '尚需补缴：¥12,000.00（大写：壹万贰仟元整）', '附言仍请填写 企业机构测试+会费', '账号：20000006591600105310002', '/payment']) {
        expect(text).toContain(part);
      }
    });
    it('overpayment: the surplus, and that it is refunded or carried forward on request', () => {
      const { subject, text } = render('overpayment-recorded');
      expect(subject).toBe('【中国图书馆学会】会费多付 1,000.00 元，将与您联系退款或结转');
      expect(text).toContain('多付金额：¥1,000.00（大写：壹仟元整）');
      expect(text).toContain('原路退回至付款账户，或经您书面同意后抵作下次会费');
      const cancelled = render('overpayment-recorded', { amountPaidFen: 1800000, creditFen: 1800000 });
      expect(cancelled.text).toContain('对应的会员申请已经取消');
    });
    it('cancelled application: when, why, what happens to money already sent', () => {
      const { subject, text } = render('application-cancelled', { kind: 'renewal' });
      expect(subject).toBe('【中国图书馆学会】您的会员续费申请已取消');
      expect(text).toContain('取消原因：机构取消申请');
      expect(text).toContain('如您已经转账，款项不会丢失');
    });
    it('reversed renewal payment: the renewal is not in force, the current term still is, pay again', () => {
      const { subject, text } = render('membership-payment-reversed');
      expect(subject).toContain('续费暂未生效');
      expect(text).toContain('本次续费（2029年1月1日 至 2029年12月31日）暂未生效');
      expect(text).toContain('有效期仍至 2028年12月31日');
      expect(text).toContain('/payment');
    });
    it('reversed payment of a first term: the membership is suspended', () => {
      const { subject, text } = render('membership-payment-reversed', { kind: 'new', undone: 'membership', status: 'payment_reversed', validTo: undefined });
      expect(subject).toContain('会员资格暂停');
      expect(text).toContain('已暂停');
    });
    it('changed address: the new address, the old one, and who changed it', () => {
      const { subject, text } = render('mailing-address-changed', { changedByStaff: true });
      expect(subject).toBe('【中国图书馆学会】证书寄送地址已修改：李四 收');
      expect(text).toContain('收货地址：安徽省六安市金安区北京路8号');
      expect(text).toContain('原寄送地址：张三，安徽省六安市金安区南京路1号（710061）');
      expect(text).toContain('由学会工作人员应您的要求修改');
    });
  });

  it('shows instants in Beijing time', () => {
    expect(render('certificate-mailed').text).toContain('已于 2026年9月10日 10:00 寄出');
  });
});
