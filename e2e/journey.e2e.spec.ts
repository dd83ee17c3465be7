/**
 * 单位会员入会, end to end, as a new institution does it (the onboarding guide, steps 1–8), through the gateway only:
 * register → log in (password + captcha, and SMS) → quote, apply, confirm → pay by bank transfer (finance imports the
 * 北京银行 statement) → paid, active, member number → mails (payment instructions, mailing-address notice, e-invoice
 * with PDF+XML) → mailing address changed (fresh notice) → certificate mailed (address now fixed) → renewal: a partial,
 * ambiguous transfer confirmed by finance (partial-payment notice), the rest paid with the payment code → current
 * coverage and the renewed term shown separately → event history. December joiners: the paid term starts on 1 January.
 *
 * Needs the whole stack (`npm run test:e2e` starts it through e2e/global-setup.js if it is not running).
 */
import { ParsedMail } from 'mailparser';
import {
  api,
  bankOfBeijingCsv,
  closeSupport,
  eventually,
  expectStatus,
  fakeIp,
  inbox,
  logoPng,
  requestSmsCode,
  shanghaiToday,
  sleep,
  solveCaptcha,
  staffLogin,
  uniqueCjk,
  uniqueMobile,
  uniqueTag,
  uploadStatement,
  waitForMail,
} from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pdfParse: (b: Buffer) => Promise<{ text: string }> = require('pdf-parse');

const ASYNC_MS = 120_000; // events cross Kafka and several consumers; the machine is shared and slow
const PAYEE = { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' };
const CREDIT_CODE = '91350100M000100Y43';

describe('单位会员入会 journey through the gateway', () => {
  const tag = uniqueTag();
  const ip = fakeIp();
  const name = `${uniqueCjk(6)}数字科技有限公司`;
  const email = `j${tag}@e2e.lsc-test.cn`;
  const mobile = uniqueMobile();
  const loginName = `e2e_${tag}`;
  const password = `Lsc#${tag.slice(0, 6)}x9`;
  const today = shanghaiToday();
  const year = Number(today.slice(0, 4));
  // The fee schedule's late-join cut-off (default 1 December): applications confirmed from then on pay from 1 January.
  const paidFrom = today.slice(5) >= '12-01' ? year + 1 : year;
  const region = { provinceCode: '110000', cityCode: '110100', districtCode: '110108' };
  const street = '中关村南大街5号';
  const recipient = '张明远';
  const newRecipient = '李清和';
  const newStreet = '学院路37号';
  /** 2027-01-01 → 2027年1月1日, as the mails write dates. */
  const cn = (date: string) => `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

  let institutionId: string;
  let registerSmsAt: number;
  let token: string;
  let quote: { feePerYearFen: number; amountDueFen: number; scheduleVersion: string; validityEnd: string };
  let applicationId: string;
  let order: any;
  let membership: any;
  let firstInvoiceNumber: string;
  let renewalApplicationId: string;
  let renewalOrder: any;
  let financeToken: string;

  afterAll(async () => closeSupport());

  it('1. registers an institution with every field of the guide (captcha, SMS code, logo)', async () => {
    const units = expectStatus(await api('GET', '/api/v1/identity/recommending-units', { ip }), 200, 'recommending-units').json.items as Array<string | { name: string }>;
    expect(units.length).toBeGreaterThan(0);
    const recommendingUnit = typeof units[0] === 'string' ? units[0] : units[0]!.name;

    const sms = await requestSmsCode(mobile, 'register', ip);
    registerSmsAt = sms.sentAt;
    expect(sms.code).toMatch(/^\d{6}$/);

    const form = new FormData();
    const fields: Record<string, string> = {
      password,
      confirmPassword: password,
      landline: '010-88544588',
      fax: '010-88544589',
      email,
      name,
      recommendingUnit,
      ...region,
      street,
      postcode: '100081',
      website: 'https://www.lsc-e2e.cn',
      remark: '端到端测试注册（e2e）',
      loginName,
      mobile,
      smsCode: sms.code,
      agreementAccepted: 'true',
      ...(await solveCaptcha('register', ip)),
    };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('logo', new Blob([await logoPng()], { type: 'image/png' }), 'logo.png');
    const r = expectStatus(await api('POST', '/api/v1/identity/institutions', { form, ip, headers: { 'idempotency-key': `e2e-register-${tag}` } }), 201, 'POST /institutions');
    expect(r.json).toMatchObject({ loginName, institutionId: expect.stringMatching(/^[0-9a-f-]{36}$/), logoUrl: expect.stringMatching(/^\/api\/v1\/identity\/logos\//) });
    institutionId = r.json.institutionId;

    const logo = await fetch(`${process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000'}${r.json.logoUrl}`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toMatch(/^image\//);
  });

  it('2a. logs in with login name + password + captcha', async () => {
    const r = expectStatus(await api('POST', '/api/v1/identity/sessions', { json: { login: loginName, password, ...(await solveCaptcha('login', ip)) }, ip }), 200, 'password login');
    expect(r.json).toMatchObject({ tokenType: 'Bearer', principal: { sub: institutionId, roles: ['institution'] } });
    token = r.json.accessToken;
    const me = expectStatus(await api('GET', '/api/v1/identity/me', { token }), 200, 'GET /me');
    expect(me.json).toMatchObject({ name, email, mobile, landline: '010-88544588', postcode: '100081', street });
    // A wrong answer to the captcha is refused even with the right password.
    const c = await solveCaptcha('login', ip);
    const wrong = await api('POST', '/api/v1/identity/sessions', { json: { login: loginName, password, captchaId: c.captchaId, captchaAnswer: String((Number(c.captchaAnswer) + 1) % 1000) }, ip });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
  });

  it('2b. logs in separately with an SMS code', async () => {
    // The same phone may ask for a new code only 60 s after the registration code (the page's resend countdown).
    const wait = registerSmsAt + 61_000 - Date.now();
    if (wait > 0) await sleep(wait);
    const sms = await requestSmsCode(mobile, 'login', ip);
    const r = expectStatus(await api('POST', '/api/v1/identity/sessions/sms', { json: { mobile, code: sms.code }, ip }), 200, 'SMS login');
    expect(r.json).toMatchObject({ tokenType: 'Bearer', principal: { sub: institutionId, roles: ['institution'] } });
    // A code works once.
    const reused = await api('POST', '/api/v1/identity/sessions/sms', { json: { mobile, code: sms.code }, ip });
    expect(reused.status).toBe(400);
    expect(reused.json).toMatchObject({ code: 'SMS_CODE_INVALID', details: [expect.objectContaining({ field: 'code' })] });
  });

  it('3a. gets a quote: 企业会员, 1–30人, 3 years → 应付金额 18,000 元 (1,800,000 fen)', async () => {
    const r = expectStatus(await api('GET', '/api/v1/billing/quotes?qualificationCode=enterprise&staffTierCode=1-30&years=3', { token }), 200, 'GET /quotes');
    expect(r.json).toMatchObject({ feePerYearFen: 600000, years: 3, amountDueFen: 1800000, amountInWords: '壹万捌仟元整', validityEnd: `${paidFrom + 2}-12-31` });
    quote = r.json;
  });

  it('3b. applies (会员申请) and confirms with the mailing address and credit code', async () => {
    // Membership learns the institution from identity's InstitutionRegistered over Kafka: retry until it has.
    const applied = await eventually(
      async () => {
        const r = await api('POST', '/api/v1/membership/applications', {
          token,
          headers: { 'idempotency-key': `e2e-apply-${tag}` },
          json: { kind: 'new', qualificationCode: 'enterprise', staffTierCode: '1-30', years: 3, organisationType: '企业单位', quote: { feePerYearFen: quote.feePerYearFen, amountDueFen: quote.amountDueFen, scheduleVersion: quote.scheduleVersion } },
        });
        if (r.status >= 500) throw new Error(`apply answered ${r.status}: ${r.text}`);
        return r.status === 201 ? r : (() => { throw new Error(`apply: ${r.status} ${r.text}`); })();
      },
      { timeoutMs: ASYNC_MS, what: 'application accepted' },
    );
    expect(applied.json).toMatchObject({ institutionId, kind: 'new', institutionName: name, organisationType: '企业单位', years: 3, feePerYearFen: 600000, amountDueFen: 1800000, amountDueInWords: '壹万捌仟元整' });
    applicationId = applied.json.applicationId;

    const defaults = expectStatus(await api('GET', `/api/v1/membership/applications/${applicationId}/confirmation-defaults`, { token }), 200, 'confirmation-defaults');
    expect(defaults.json).toMatchObject({ invoiceTitle: name, mobile, postcode: '100081' });

    const confirmed = expectStatus(
      await api('POST', `/api/v1/membership/applications/${applicationId}/confirmation`, {
        token,
        headers: { 'idempotency-key': `e2e-confirm-${tag}` },
        json: { recipient, mobile, landline: '010-88544588', region, street, postcode: '100081', invoiceTitle: name, creditCode: CREDIT_CODE },
      }),
      200,
      'confirm application',
    );
    expect(confirmed.json).toMatchObject({ applicationId, invoiceTitle: name, creditCode: CREDIT_CODE, mailingAddress: { recipient, mobile, street, postcode: '100081', region: { provinceCode: '110000', cityCode: '110100', districtCode: '110108' } } });
    expect(confirmed.json.warnings).toEqual([]);
  });

  it('3c. sees the payment order with the bank details and the exact remark <机构名称>+会费', async () => {
    const app = await eventually(
      async () => {
        const r = await api('GET', `/api/v1/membership/applications/${applicationId}`, { token });
        return r.status === 200 && r.json.paymentOrder ? r.json : undefined;
      },
      { timeoutMs: ASYNC_MS, what: 'payment order on the application' },
    );
    expect(app.paymentOrder).toMatchObject({ amountDueFen: 1800000, amountDueInWords: '壹万捌仟元整', method: '银行转账', payee: PAYEE, transferRemark: `${name}+会费` });
    const orders = expectStatus(await api('GET', '/api/v1/billing/orders', { token }), 200, 'GET /orders').json.items;
    expect(orders).toHaveLength(1);
    order = orders[0];
    expect(order).toMatchObject({ orderId: app.paymentOrder.orderId, applicationId, institutionId, status: 'unpaid', amountDueFen: 1800000, amountPaidFen: 0, remainingFen: 1800000, payee: PAYEE, transferRemark: `${name}+会费`, invoiceTitle: name, creditCode: CREDIT_CODE, qualificationCode: 'enterprise', staffTierCode: '1-30', years: 3 });
  });

  it('4. finance imports the 北京银行 statement (GBK) holding the transfer among unrelated rows', async () => {
    financeToken = await staffLogin('finance');
    const file = bankOfBeijingCsv(today, [
      { reference: `E2E${tag}01`, amountYuan: '10.00', account: '', payer: '', bank: '', remark: '', debit: true },
      { reference: `E2E${tag}02`, amountYuan: '3,200.00', account: '6222000011112222', payer: '某某出版社', bank: '中国银行北京分行', remark: '图书款' },
      // Written the way real payers write it: full-width ＋, a space, no payment code.
      { reference: `E2E${tag}03`, amountYuan: '18,000.00', account: `62220202${tag.replace(/\D/g, '').padEnd(11, '7').slice(0, 11)}`, payer: name, remark: `${name}＋ 会费` },
      { reference: `E2E${tag}04`, amountYuan: '256.00', account: '0200001234', payer: '北京市某某印刷厂', bank: '中国建设银行北京分行', remark: '退印刷费押金' },
    ]);
    const r = expectStatus(await uploadStatement(financeToken, file, `bob-${tag}.csv`), 202, 'POST /statements');
    expect(r.json).toMatchObject({ profile: 'bank-of-beijing', credits: 3, newCredits: 3, debitsIgnored: 1, autoMatched: 1 });
    const detail = expectStatus(await api('GET', `/api/v1/billing/statements/${r.json.statementId}`, { token: financeToken }), 200, 'GET statement').json;
    const ours = detail.rows.find((t: any) => t.bankReference === `E2E${tag}03`);
    expect(ours).toMatchObject({ amountFen: 1800000, payerName: name, remark: `${name}＋ 会费`, status: 'matched', matchMode: 'auto' });
    expect(ours.allocations).toEqual([expect.objectContaining({ orderId: order.orderId, amountFen: 1800000 })]);
    // The institution cannot import statements.
    expect((await uploadStatement(token, file, 'x.csv')).status).toBe(403);
  });

  it('5. the transfer is reconciled automatically: order paid, membership active to 31 December of the third year, member number', async () => {
    const paid = await eventually(
      async () => {
        const r = await api('GET', `/api/v1/billing/orders/${order.orderId}`, { token });
        return r.json?.status === 'paid' ? r.json : undefined;
      },
      { timeoutMs: ASYNC_MS, what: 'order paid' },
    );
    expect(paid).toMatchObject({ amountPaidFen: 1800000, remainingFen: 0, paidOn: today });
    membership = await eventually(
      async () => {
        const r = await api('GET', '/api/v1/membership/memberships/me', { token });
        return r.json?.status === 'active' ? r.json : undefined;
      },
      { timeoutMs: ASYNC_MS, what: 'membership active' },
    );
    expect(membership).toMatchObject({ institutionId, status: 'active', validFrom: today, validTo: `${paidFrom + 2}-12-31`, qualification: { code: 'enterprise', name: '企业会员' }, certificateDue: true });
    expect(membership.memberNumber).toEqual(expect.stringMatching(/\S{4,}/));
    expect(membership.history.terms).toEqual([expect.objectContaining({ applicationId, kind: 'new', years: 3, paidOn: today, validFrom: today, validTo: `${paidFrom + 2}-12-31` })]);
    const app = expectStatus(await api('GET', `/api/v1/membership/applications/${applicationId}`, { token }), 200, 'application').json;
    expect(app).toMatchObject({ paidOn: today });
  });

  it('6. finds the payment instructions, the mailing-address notice and the e-invoice (PDF + XML) in the mailbox', async () => {
    const instructions = await waitForMail(email, (m) => /会费缴费通知/.test(m.subject ?? ''), 'payment instructions');
    expect(instructions.subject).toContain('18,000');
    for (const s of [PAYEE.accountName, PAYEE.bankName, PAYEE.accountNumber, `${name}+会费`, '壹万捌仟元整']) expect(instructions.text).toContain(s);
    // The exact coverage of the term paid (billing.PaymentOrderIssued v2): a December joiner's paid years start on 1 January.
    expect(instructions.text).toContain(
      paidFrom > year
        ? `缴费覆盖期限：${cn(`${paidFrom}-01-01`)} 至 ${cn(`${paidFrom + 2}-12-31`)}（会员资格自缴费到账之日起生效；在年度截止日后确认的申请，缴费年度从次年1月1日起算）`
        : `缴费覆盖期限：自缴费到账之日起至 ${cn(`${paidFrom + 2}-12-31`)}（会员资格自缴费到账之日起生效）`,
    );

    const notice = await waitForMail(email, (m) => /请确认寄送地址/.test(m.subject ?? ''), 'mailing-address notice');
    expect(notice.subject).toContain(recipient);
    for (const s of [street, '100081', mobile]) expect(notice.text).toContain(s);

    const invoiceMail = await waitForMail(email, (m) => /电子发票/.test(m.subject ?? ''), 'e-invoice');
    const { pdf, xml } = invoiceAttachments(invoiceMail);
    const pdfText = (await pdfParse(pdf)).text;
    expect(pdfText).toContain(name);
    expect(pdfText).toContain('壹万捌仟元整');
    expect(pdfText).toContain(CREDIT_CODE);
    const xmlText = xml.toString('utf8');
    expect(xmlText).toContain(name);
    expect(xmlText).toContain(CREDIT_CODE);
    expect(xmlText).toMatch(/18000(\.00)?</);
    firstInvoiceNumber = /电子发票\s*(\d+)/.exec(invoiceMail.subject ?? '')![1]!;
    const invoices = expectStatus(await api('GET', '/api/v1/billing/invoices', { token }), 200, 'GET /invoices').json.items;
    expect(invoices).toEqual([expect.objectContaining({ invoiceNumber: firstInvoiceNumber, orderId: order.orderId, buyerName: name, buyerCreditCode: CREDIT_CODE, amountFen: 1800000 })]);
  });

  it('6b. changes the mailing address before the certificate ships (修改寄送地址): each change is recorded and a fresh notice arrives', async () => {
    const before = expectStatus(await api('GET', `/api/v1/membership/applications/${applicationId}`, { token }), 200, 'application').json;
    expect(before.mailingAddressChangeable).toBe(true);
    const changed = expectStatus(
      await api('PUT', `/api/v1/membership/applications/${applicationId}/mailing-address`, { token, json: { recipient: newRecipient, mobile, region, street: newStreet, postcode: '100083' } }),
      200,
      'change mailing address',
    );
    expect(changed.json).toMatchObject({ applicationId, mailingAddress: { recipient: newRecipient, mobile, street: newStreet, postcode: '100083' }, mailingAddressChangeable: true });
    const notice = await waitForMail(email, (m) => /证书寄送地址已修改/.test(m.subject ?? ''), 'mailing-address changed notice');
    expect(notice.subject).toContain(newRecipient);
    for (const s of [`签收人：${newRecipient}`, newStreet, '邮编：100083', `原寄送地址：${recipient}`, street, `/applications/${applicationId}`]) expect(notice.text).toContain(s);
  });

  it('7. staff (member_admin) records the certificate tracking number → the shipping notice arrives; the address is then fixed', async () => {
    const admin = await staffLogin('member_admin');
    // The work list ships to the changed address.
    const due = await eventually(
      async () => {
        const items = expectStatus(await api('GET', '/api/v1/membership/admin/certificates?status=due', { token: admin }), 200, 'certificates due').json.items;
        const text = JSON.stringify(items);
        return text.includes(membership.membershipId) && text.includes(newStreet) ? items : undefined;
      },
      { timeoutMs: ASYNC_MS, what: 'certificate due at the changed address' },
    );
    expect(JSON.stringify(due)).toContain(newRecipient);
    const trackingNumber = `EMS${tag.replace(/[^0-9a-z]/gi, '').toUpperCase()}CN`;
    // The institution itself may not record a mailing.
    expect((await api('POST', `/api/v1/membership/admin/memberships/${membership.membershipId}/certificate-mailings`, { token, json: { carrier: '中国邮政EMS', trackingNumber } })).status).toBe(403);
    const r = expectStatus(await api('POST', `/api/v1/membership/admin/memberships/${membership.membershipId}/certificate-mailings`, { token: admin, json: { carrier: '中国邮政EMS', trackingNumber } }), 201, 'certificate mailing');
    expect(r.json).toMatchObject({ membershipId: membership.membershipId, memberNumber: membership.memberNumber, trackingNumber });
    const mail = await waitForMail(email, (m) => /证书已寄出/.test(m.subject ?? ''), 'certificate shipping notice');
    expect(mail.subject).toContain(trackingNumber);
    const me = expectStatus(await api('GET', '/api/v1/membership/memberships/me', { token }), 200, 'membership').json;
    expect(me.certificateDue).toBe(false);
    expect(me.history.certificates).toEqual([expect.objectContaining({ applicationId, carrier: '中国邮政EMS', trackingNumber })]);
    // Shipped: the address can no longer be changed, said in Chinese.
    const late = await api('PUT', `/api/v1/membership/applications/${applicationId}/mailing-address`, { token, json: { recipient, mobile, region, street, postcode: '100081' } });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ code: 'CERTIFICATE_ALREADY_MAILED', message: expect.stringContaining('证书已寄出') });
    expect(expectStatus(await api('GET', `/api/v1/membership/applications/${applicationId}`, { token }), 200, 'application').json.mailingAddressChangeable).toBe(false);
  });

  it('8. renews for 1 year (会员续费): a partial, ambiguous transfer → review → confirmed → partial-payment notice; the rest with the payment code → current and renewed terms shown apart, second e-invoice', async () => {
    const q = expectStatus(await api('GET', '/api/v1/billing/quotes?qualificationCode=enterprise&staffTierCode=1-30&years=1', { token }), 200, 'renewal quote').json;
    expect(q).toMatchObject({ feePerYearFen: 600000, amountDueFen: 600000, amountInWords: '陆仟元整' });
    const applied = expectStatus(
      await api('POST', '/api/v1/membership/applications', {
        token,
        headers: { 'idempotency-key': `e2e-renew-${tag}` },
        json: { kind: 'renewal', qualificationCode: 'enterprise', staffTierCode: '1-30', years: 1, organisationType: '企业单位', quote: { feePerYearFen: q.feePerYearFen, amountDueFen: q.amountDueFen, scheduleVersion: q.scheduleVersion } },
      }),
      201,
      'renewal application',
    );
    renewalApplicationId = applied.json.applicationId;
    expect(applied.json).toMatchObject({ kind: 'renewal', years: 1, amountDueFen: 600000, membershipId: membership.membershipId });
    expectStatus(
      await api('POST', `/api/v1/membership/applications/${renewalApplicationId}/confirmation`, { token, json: { recipient, mobile, region, street, postcode: '100081', invoiceTitle: name, creditCode: CREDIT_CODE } }),
      200,
      'confirm renewal',
    );
    renewalOrder = await eventually(
      async () => (await api('GET', '/api/v1/billing/orders', { token })).json?.items?.find((o: any) => o.applicationId === renewalApplicationId),
      { timeoutMs: ASYNC_MS, what: 'renewal payment order' },
    );
    expect(renewalOrder).toMatchObject({ status: 'unpaid', amountDueFen: 600000, transferRemark: `${name}+会费` });
    const renewedFrom = `${paidFrom + 3}-01-01`;
    const renewedTo = `${paidFrom + 3}-12-31`;
    // The renewal's payment instructions speak of the renewal and state the renewed term it pays.
    const instructions = await waitForMail(email, (m) => /续费会费缴费通知/.test(m.subject ?? ''), 'renewal payment instructions');
    expect(instructions.text).toContain(`到账后会员资格有效期将延长至 ${cn(renewedTo)}。`);
    expect(instructions.text).toContain(`缴费覆盖期限：${cn(renewedFrom)} 至 ${cn(renewedTo)}（续费期限，接续当前有效期）`);

    // 4,000 of the 6,000 due, from a staff member's personal account, the name mistyped by one character: plausible,
    // but not certain enough to confirm without a person.
    const typo = `${name.slice(0, 2)}${name[2] === '鑫' ? '森' : '鑫'}${name.slice(3)}`;
    const remark = `${typo}+会费`;
    const file = bankOfBeijingCsv(today, [
      { reference: `E2E${tag}11`, amountYuan: '1,500.00', account: '6222000011112222', payer: '某某出版社', bank: '中国银行北京分行', remark: '图书款' },
      { reference: `E2E${tag}12`, amountYuan: '4,000.00', account: '6217000099990000', payer: '王晓红', bank: '招商银行北京分行', remark },
    ]);
    const imported = expectStatus(await uploadStatement(financeToken, file, `bob-${tag}-2.csv`), 202, 'second statement');
    expect(imported.json).toMatchObject({ newCredits: 2, autoMatched: 0 });
    const queue = expectStatus(await api('GET', '/api/v1/billing/review-queue', { token: financeToken }), 200, 'review queue').json.items;
    const item = queue.find((t: any) => t.bankReference === `E2E${tag}12`);
    expect(item).toMatchObject({ status: 'suggested', amountFen: 400000, remark, payerName: '王晓红' });
    expect(item.candidates.map((c: any) => c.orderId)).toContain(renewalOrder.orderId);

    const confirmed = expectStatus(await api('POST', `/api/v1/billing/transfers/${item.transferId}/confirmation`, { token: financeToken, json: { orderId: renewalOrder.orderId } }), 201, 'finance confirms');
    expect(confirmed.json).toMatchObject({ status: 'matched', orders: [{ orderId: renewalOrder.orderId, status: 'partially_paid' }] });

    // The partial-payment notice: amount received, amount still due, how to pay the rest.
    const partial = await waitForMail(email, (m) => /已收到部分续费会费/.test(m.subject ?? ''), 'partial-payment notice');
    expect(partial.subject).toBe('【中国图书馆学会】已收到部分续费会费 4,000.00 元，尚差 2,000.00 元');
    for (const s of ['应付金额：¥6,000.00', '已收金额：¥4,000.00', '尚需补缴：¥2,000.00（大写：贰仟元整）', `附言仍请填写 ${name}+会费`, renewalOrder.paymentCode, `户名：${PAYEE.accountName}`, `开户行：${PAYEE.bankName}`, `账号：${PAYEE.accountNumber}`, `/applications/${renewalApplicationId}/payment`]) {
      expect(partial.text).toContain(s);
    }
    const half = expectStatus(await api('GET', `/api/v1/billing/orders/${renewalOrder.orderId}`, { token }), 200, 'renewal order').json;
    expect(half).toMatchObject({ status: 'partially_paid', amountPaidFen: 400000, remainingFen: 200000 });
    expect(expectStatus(await api('GET', '/api/v1/membership/memberships/me', { token }), 200, 'membership').json).toMatchObject({ validTo: `${paidFrom + 2}-12-31` });

    // The rest, from the institution's own account, with the payment code as the notice suggests: confirmed automatically.
    const rest = bankOfBeijingCsv(today, [{ reference: `E2E${tag}13`, amountYuan: '2,000.00', account: `62220202${tag.replace(/\D/g, '').padEnd(11, '7').slice(0, 11)}`, payer: name, remark: `${name}+会费 ${renewalOrder.paymentCode}` }]);
    expect(expectStatus(await uploadStatement(financeToken, rest, `bob-${tag}-3.csv`), 202, 'third statement').json).toMatchObject({ newCredits: 1, autoMatched: 1 });

    const renewed = await eventually(
      async () => {
        const r = await api('GET', '/api/v1/membership/memberships/me', { token });
        return r.json?.validTo === `${paidFrom + 3}-12-31` ? r.json : undefined;
      },
      { timeoutMs: ASYNC_MS, what: 'membership end moved one year' },
    );
    expect(renewed).toMatchObject({ status: 'active', memberNumber: membership.memberNumber, validTo: `${paidFrom + 3}-12-31` });
    // Covered now by the first term; the renewed term is shown apart, not as if the member were not covered yet.
    expect(renewed).toMatchObject({
      memberSince: today,
      validFrom: today,
      currentTerm: { validFrom: today, validTo: `${paidFrom + 2}-12-31` },
      renewedTerm: { applicationId: renewalApplicationId, validFrom: renewedFrom, validTo: renewedTo, years: 1, paidOn: today },
    });
    expect(renewed.history.terms).toHaveLength(2);
    expect(renewed.history.terms[1]).toMatchObject({ applicationId: renewalApplicationId, kind: 'renewal', years: 1, validFrom: `${paidFrom + 3}-01-01`, validTo: `${paidFrom + 3}-12-31` });

    const second = await waitForMail(email, (m) => /电子发票/.test(m.subject ?? '') && !(m.subject ?? '').includes(firstInvoiceNumber), 'second e-invoice');
    const { pdf, xml } = invoiceAttachments(second);
    const text = (await pdfParse(pdf)).text;
    expect(text).toContain(name);
    expect(text).toContain('陆仟元整');
    expect(xml.toString('utf8')).toMatch(/6000(\.00)?</);
    const invoices = expectStatus(await api('GET', '/api/v1/billing/invoices', { token }), 200, 'invoices').json.items;
    expect(invoices.map((i: any) => i.amountFen).sort()).toEqual([1800000, 600000].sort());
  });

  it('9. the event history shows every step in order', async () => {
    const expected = [
      'ApplicationStarted',
      'ApplicationSubmitted',
      'PaymentOrderRecorded',
      'ApplicationPaid',
      'MembershipActivated',
      'MailingAddressChanged',
      'CertificateMailed',
      'ApplicationStarted',
      'ApplicationSubmitted',
      'PaymentOrderRecorded',
      'ApplicationPaid',
      'MembershipActivated',
    ];
    const items = await eventually(
      async () => {
        const r = await api('GET', '/api/v1/membership/institutions/me/history', { token });
        return r.status === 200 && r.json.items.filter((e: any) => e.type === 'MembershipActivated').length === 2 ? r.json.items : undefined;
      },
      { timeoutMs: ASYNC_MS, what: 'history with both activations' },
    );
    const types = items.map((e: any) => e.type as string);
    // Every step in order (other bookkeeping events such as MembershipRegistered may sit between them).
    expect(subsequence(types, expected)).toBe(true);
    const positions = items.map((e: any) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
    const byApp = (id: string) => items.filter((e: any) => e.streamId.includes(id)).map((e: any) => e.type);
    expect(byApp(applicationId)).toEqual(['ApplicationStarted', 'ApplicationSubmitted', 'PaymentOrderRecorded', 'ApplicationPaid', 'MailingAddressChanged']);
    expect(byApp(renewalApplicationId)).toEqual(['ApplicationStarted', 'ApplicationSubmitted', 'PaymentOrderRecorded', 'ApplicationPaid']);
    // Another institution's token sees none of it.
    const all = await inbox(email);
    expect(all.length).toBeGreaterThanOrEqual(5);
  });
});

function invoiceAttachments(mail: ParsedMail): { pdf: Buffer; xml: Buffer } {
  const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf' || /\.pdf$/i.test(a.filename ?? ''));
  const xml = mail.attachments.find((a) => /xml/.test(a.contentType) || /\.xml$/i.test(a.filename ?? ''));
  if (!pdf || !xml) throw new Error(`invoice mail without PDF+XML: ${mail.attachments.map((a) => `${a.filename} ${a.contentType}`).join(', ')}`);
  return { pdf: pdf.content, xml: xml.content };
}

function subsequence(haystack: string[], needle: string[]): boolean {
  let i = 0;
  for (const t of haystack) if (i < needle.length && t === needle[i]) i++;
  return i === needle.length;
}
