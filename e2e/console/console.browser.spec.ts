/**
 * The staff console in a real Chromium (playwright-core + /usr/bin/chromium) against the disposable console stack
 * (e2e/console/stack.js): a super-admin creates a finance clerk, who sets their own password through the one-time link
 * and signs in (both bind an authenticator on first sign-in: the codes are computed from the key the page shows); the clerk uploads a GBK 北京银行 CSV through the page and watches the import finish, confirms a
 * suggestion from the review queue, marks a 图书款 credit as 非会费款项, and downloads the receivables and payments
 * XLSX, which the test opens with exceljs (元, Chinese labels, staff names, no negative 账龄, 合计). Every console
 * page is captured into docs/screenshots/console/ and checked with axe-core (no serious or critical violation).
 *
 * Orders come from membership.ApplicationSubmitted events published to the stack's Kafka, as the membership service
 * would publish them; captchas are answered from what identity stored in the stack's Redis (what a person reads).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { ApplicationSubmitted } from '@lsc/contracts';
import { testPassword } from '@lsc/testing';
import { base32Decode, hotp, totpStep } from '../../apps/identity/src/auth/totp/totp';

const REPO = join(__dirname, '..', '..');
const READY = JSON.parse(readFileSync(join(REPO, '.var', 'console', 'ready.json'), 'utf8')) as { baseUrl: string; mailDir: string; root: { username: string; password: string }; ports: { redis: number; kafka: number } };
const BASE = READY.baseUrl;
const CONSOLE = `${BASE}/console`;
const SHOTS = join(REPO, 'docs', 'screenshots', 'console');
const redis = new Redis(`redis://127.0.0.1:${READY.ports.redis}`, { maxRetriesPerRequest: 2 });
const kafka = new Kafka({ brokers: [`127.0.0.1:${READY.ports.kafka}`], logLevel: logLevel.NOTHING });
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const violations: string[] = [];
const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const tag = Date.now().toString(36).slice(-5);
// Fresh payer accounts per run: a confirmed match teaches billing the account, which would steer a later run.
const account = (n: number) => `6222${String(Date.now()).slice(-10)}${n}`;

async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function captchaAnswer(captchaId: string): Promise<string> {
  const raw = await redis.get(`identity:captcha:${captchaId}`);
  if (!raw) throw new Error(`captcha ${captchaId} not in Redis`);
  return String((JSON.parse(raw) as { answer: number }).answer);
}

/** The authenticator app of each person who enrolled in this run: the key read off the enrolment page. */
const authenticators = new Map<string, { secret: Buffer; lastStep: number }>();

/** The code an authenticator shows now, for a time step not used yet (identity accepts each step once). */
async function nextCode(username: string): Promise<string> {
  const app = authenticators.get(username);
  if (!app) throw new Error(`${username} has no authenticator in this run`);
  for (;;) {
    const step = [totpStep(Date.now()) - 1, totpStep(Date.now()), totpStep(Date.now()) + 1].find((s) => s > app.lastStep);
    if (step !== undefined) {
      app.lastStep = step;
      return hotp(app.secret, step);
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
}

async function apiLogin(username: string, password: string): Promise<string> {
  const c = (await (await fetch(`${BASE}/api/v1/identity/captcha?purpose=login`)).json()) as { captchaId: string };
  const r = await fetch(`${BASE}/api/v1/identity/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: username, password, captchaId: c.captchaId, captchaAnswer: await captchaAnswer(c.captchaId) }) });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const answer = (await r.json()) as { accessToken?: string; mfaToken?: string };
  if (answer.accessToken) return answer.accessToken;
  const second = await fetch(`${BASE}/api/v1/identity/sessions/second-factor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mfaToken: answer.mfaToken, code: await nextCode(username) }) });
  if (second.status !== 200) throw new Error(`second factor ${username}: ${second.status} ${await second.text()}`);
  return ((await second.json()) as { accessToken: string }).accessToken;
}

/** The login page as a person uses it: the captcha is read off the image the page loaded. */
async function uiLogin(page: Page, username: string, password: string): Promise<void> {
  const [captcha] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/identity/captcha' && r.status() === 200), page.goto(`${CONSOLE}/login`)]);
  if (username === READY.root.username) await capture(page, 'login');
  await page.locator('#login').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#captcha').fill(await captchaAnswer(((await captcha.json()) as { captchaId: string }).captchaId));
  await page.getByRole('button', { name: '登录' }).click();
  // Finance and super_admin: no session without the second factor. First sign-in binds an authenticator (QR code and
  // key), later ones ask for its code.
  const step = await Promise.race([
    page.waitForURL((u) => !u.pathname.endsWith('/login')).then(() => 'in' as const),
    page.locator('[data-test="totp-secret"]').waitFor().then(() => 'enrol' as const),
    page.locator('#totp-code').waitFor().then(() => 'code' as const),
  ]);
  if (step === 'enrol') {
    const secret = base32Decode(((await page.locator('[data-test="totp-secret"]').textContent()) ?? '').replace(/\s/g, ''));
    await page.locator('img[alt="身份验证器绑定二维码"]').waitFor();
    if (username === READY.root.username) await capture(page, 'totp-enrol');
    const now = totpStep(Date.now());
    authenticators.set(username, { secret, lastStep: now });
    await page.locator('#enrol-code').fill(hotp(secret, now));
    await page.getByRole('button', { name: '完成绑定' }).click();
    await page.locator('[data-test="recovery-codes"] li').first().waitFor();
    expect(await page.locator('[data-test="recovery-codes"] li').count()).toBe(10);
    if (username === READY.root.username) await capture(page, 'totp-recovery-codes');
    await page.getByText('我已妥善保存恢复码').click();
    await page.getByRole('button', { name: '进入工作台' }).click();
  } else if (step === 'code') {
    await page.locator('#totp-code').fill(await nextCode(username));
    await page.getByRole('button', { name: '验证并登录' }).click();
  }
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
}

async function capture(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<unknown> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  })) as { violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> };
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    violations.push(`${name}: ${v.id} [${v.impact}] ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }
}

async function openXlsx(buffer: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as never);
  const sheet = book.worksheets[0]!;
  const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => Object.fromEntries(headers.map((h, c) => [h, sheet.getRow(i + 2).getCell(c + 1).value])));
  return { sheet, headers, rows };
}

describe('staff console in Chromium', () => {
  let browser: Browser;
  let admin: BrowserContext;
  let clerk: BrowserContext;
  let financePage: Page;
  const clerkLogin = { username: `caiwu_${tag}`, name: '王会计', password: testPassword() };
  const producer = kafka.producer();

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--lang=zh-CN'] });
    admin = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 }, acceptDownloads: true, bypassCSP: true });
    clerk = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 }, acceptDownloads: true, bypassCSP: true });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await browser?.close();
    redis.disconnect();
  });

  it('a super-admin creates a finance clerk, who sets their own password through the one-time link and signs in', async () => {
    const page = await admin.newPage();
    await uiLogin(page, READY.root.username, READY.root.password);
    await page.goto(`${CONSOLE}/admin/staff`);
    await page.getByRole('button', { name: '新建工作人员' }).click();
    await page.locator('#new-username').fill(clerkLogin.username);
    await page.locator('#new-name').fill(clerkLogin.name);
    await capture(page, 'staff-create');
    await page.getByRole('button', { name: '创建', exact: true }).click();
    const link = await page.locator('[data-test="setup-link"]').textContent();
    expect(link).toContain('/console/set-password?code=');
    await capture(page, 'staff-accounts');

    financePage = await clerk.newPage();
    await financePage.goto(link!.trim());
    await capture(financePage, 'set-password');
    await financePage.locator('#password').fill(clerkLogin.password);
    await financePage.locator('#confirm').fill(clerkLogin.password);
    await financePage.getByRole('button', { name: '设置密码' }).click();
    await financePage.getByText('密码已设置').waitFor();
    await uiLogin(financePage, clerkLogin.username, clerkLogin.password);
    await financePage.waitForURL(/\/console\/finance\/import$/);
    // The finance clerk's menu has no membership administration or staff accounts, and the API refuses them too.
    expect(await financePage.locator('nav').textContent()).not.toMatch(/工作人员账号|证书寄送/);
    await financePage.goto(`${CONSOLE}/admin/staff`);
    await financePage.getByText('无权访问').waitFor();
    await capture(financePage, 'no-access');
  });

  it('the clerk uploads a GBK 北京银行 CSV, confirms a suggestion, sets a 图书款 credit aside and exports readable XLSX', async () => {
    const page = financePage;
    // Orders as membership would announce them: two open orders of one institution for the same amount (a tie →
    // review queue) and one exact transfer (auto-matched).
    const today = shanghaiToday();
    const institution = randomUUID();
    const names = { tie: `晨光图书馆${tag}`, exact: `星河数字科技有限公司${tag}` };
    const submit = async (name: string, institutionId: string) => {
      const data = { ...ApplicationSubmitted.example, applicationId: randomUUID(), institutionId, institutionName: name, invoiceTitle: name, years: 1, submittedAt: new Date().toISOString() };
      await producer.send({ topic: 'membership.events.v1', messages: [{ key: data.applicationId, value: JSON.stringify({ eventId: randomUUID(), type: ApplicationSubmitted.type, schemaVersion: 1, streamId: data.applicationId, occurredAt: data.submittedAt, correlationId: randomUUID(), data }) }] });
    };
    await submit(names.tie, institution);
    await submit(names.tie, institution);
    await submit(names.exact, randomUUID());
    const token = await apiLogin(clerkLogin.username, clerkLogin.password);
    await eventually(async () => {
      const r = (await (await fetch(`${BASE}/api/v1/billing/orders?status=unpaid&limit=500`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Array<{ institutionName: string }> };
      return r.items.filter((o) => o.institutionName.endsWith(tag)).length === 3;
    }, 'three payment orders');

    const csv = iconv.encode(
      [
        '北京银行对公账户交易明细',
        '账号：20000006591600105310002',
        '户名：中国图书馆学会',
        '',
        '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言',
        `${today},09:00:00,C${tag}01,转账,,"6,000.00",,="${account(1)}",李明,中国工商银行北京分行,${names.tie}会费`,
        `${today},09:10:00,C${tag}02,转账,,"6,000.00",,="${account(2)}",${names.exact},中国工商银行北京分行,${names.exact}+会费`,
        `${today},09:20:00,C${tag}03,转账,,"350.00",,="${account(3)}",某某书店${tag},中国银行北京分行,图书款`,
        `${today},09:30:00,C${tag}04,转账,,"abc",,="${account(4)}",某单位,中国银行北京分行,会费`,
      ].join('\r\n'),
      'gbk',
    );
    await page.goto(`${CONSOLE}/finance/import`);
    await page.locator('input[type=file]').setInputFiles({ name: `北京银行流水-${tag}.csv`, mimeType: 'text/csv', buffer: csv });
    await page.getByText(`已选择：北京银行流水-${tag}.csv`).waitFor();
    await page.getByRole('button', { name: '开始导入' }).click();
    const result = page.locator('[data-test="import-result"]');
    await result.waitFor({ timeout: 120_000 });
    const cards = await result.locator('.card').allTextContents();
    expect(cards).toEqual(expect.arrayContaining(['新到账3', '自动匹配1', '待确认1', '未匹配1']));
    expect(await result.textContent()).toContain('无法导入的行（1）');
    await capture(page, 'import-result');

    await page.goto(`${CONSOLE}/finance/review`);
    const item = page.locator('[data-test="review-item"]', { hasText: `${names.tie}会费` });
    await item.waitFor();
    expect(await item.textContent()).toMatch(new RegExp(`${names.tie}[\\s\\S]*6,000\\.00[\\s\\S]*未付款`));
    await capture(page, 'review-queue');
    await item.getByRole('button', { name: `确认匹配到${names.tie}` }).first().click();
    await page.getByText('已确认匹配，缴费单已入账').waitFor();
    await item.waitFor({ state: 'detached' });

    await page.goto(`${CONSOLE}/finance/unmatched`);
    const row = page.locator('[data-test="unmatched-table"] tr', { hasText: '图书款' }).filter({ hasText: `某某书店${tag}` });
    await row.first().waitFor();
    await capture(page, 'unmatched');
    // 发送核对邮件: finance picks whom to ask; the mail states billing's record with the payer account masked.
    await row.first().getByRole('button', { name: '发送核对邮件' }).click();
    const dialog = page.getByRole('dialog', { name: '发送核对邮件' });
    // account(3) ends in 3: the preview shows **** and the last four digits only.
    expect(await dialog.locator('[data-test="follow-up-preview"]').textContent()).toMatch(/付款账号\*{4}\d{3}3（邮件中仅显示末四位）/);
    await dialog.getByRole('textbox', { name: '查找单位' }).fill(names.tie);
    await dialog.getByRole('button', { name: '查找', exact: true }).click();
    await dialog.getByRole('radio', { name: names.tie }).waitFor();
    await capture(page, 'follow-up-dialog');
    await dialog.getByRole('button', { name: `发送邮件给${names.tie}` }).click();
    await page.getByText(`核对邮件已发往${names.tie}`).waitFor();
    await row.first().getByRole('button', { name: '非会费款项' }).click();
    await page.locator('#reason-input').fill('图书款，非会费');
    await capture(page, 'set-aside-dialog');
    await page.locator('[data-test="reason-confirm"]').click();
    await page.getByText('已标记为非会费款项').waitFor();
    await row.first().waitFor({ state: 'detached' });

    await page.goto(`${CONSOLE}/finance/transfers`);
    await page.getByText('非会费款项：图书款，非会费').first().waitFor();
    await capture(page, 'transfers');
    await page.locator('tr', { hasText: `某某书店${tag}` }).getByRole('link', { name: '详情' }).click();
    await page.getByText('标记为非会费款项：图书款，非会费').waitFor();
    expect(await page.locator('.el-timeline').textContent()).toContain(`${clerkLogin.name} 标记为非会费款项`);
    expect(await page.locator('.el-timeline').textContent()).toContain(`${clerkLogin.name} 发送核对邮件给${names.tie}`);
    await capture(page, 'transfer-detail');

    await page.goto(`${CONSOLE}/finance/reports`);
    await page.locator('canvas').first().waitFor();
    await capture(page, 'reports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="export-receivables"]').click()]);
    const receivables = await openXlsx(readFileSync((await download.path())!));
    expect(receivables.headers).toEqual(['单位名称', '缴费码', '状态', '应付(元)', '已付(元)', '未付(元)', '开单日期', '账龄(天)', '账龄区间', '缴费单号']);
    const body = receivables.rows.slice(0, -1);
    const open = body.find((r) => r['单位名称'] === names.tie)!;
    expect(open).toMatchObject({ '状态': '未付款', '应付(元)': 6000, '已付(元)': 0, '未付(元)': 6000, '账龄(天)': 0, '账龄区间': '30天以内' });
    for (const r of body) {
      expect(['未付款', '部分付款']).toContain(r['状态']);
      expect(r['账龄(天)'] as number).toBeGreaterThanOrEqual(0);
    }
    expect(receivables.rows.at(-1)!['单位名称']).toBe(`合计（${body.length}笔）`);
    expect(receivables.sheet.getColumn(4).numFmt).toBe('#,##0.00');

    await page.getByRole('tab', { name: '到账明细' }).click();
    const [paymentsDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('tabpanel', { name: '到账明细' }).getByRole('button', { name: '导出 Excel' }).click()]);
    const payments = await openXlsx(readFileSync((await paymentsDownload.path())!));
    const mine = payments.rows.filter((r) => String(r['单位名称'] ?? '').endsWith(tag));
    expect(mine.map((r) => [r['单位名称'], r['分配金额(元)'], r['匹配方式'], r['确认人']]).sort()).toEqual([
      [names.exact, 6000, '自动匹配', '系统自动'],
      [names.tie, 6000, '人工匹配', clerkLogin.name],
    ]);
    await capture(page, 'reports-payments');
  });

  it('a member admin records a tracking number in 证书寄送 and the institution receives the shipping e-mail', async () => {
    // A real member: registered (captcha + SMS code), applied and confirmed with a mailing address, paid by a
    // statement the finance clerk imports — so membership has a certificate due, as in production.
    const call = async (method: string, path: string, o: { token?: string; json?: unknown; form?: FormData } = {}) => {
      const r = await fetch(`${BASE}${path}`, {
        method,
        headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: o.form ?? (o.json !== undefined ? JSON.stringify(o.json) : undefined),
      });
      const text = await r.text();
      let json: ReturnType<typeof JSON.parse>;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: r.status, json, text };
    };
    const expectOk = <T extends { status: number; text: string }>(r: T, status: number, what: string): T => {
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
      return r;
    };
    const captcha = async (purpose: 'login' | 'register' | 'sms') => {
      const c = (await call('GET', `/api/v1/identity/captcha?purpose=${purpose}`)).json as { captchaId: string };
      return { captchaId: c.captchaId, captchaAnswer: await captchaAnswer(c.captchaId) };
    };
    const name = `证书测试${tag}图书馆`;
    const email = `cert${tag}@e2e.lsc-test.cn`;
    const mobile = `139${String(Date.now()).slice(-8)}`;
    const loginName = `cert_${tag}`;
    const password = `Lsc#${tag}x9`;
    const smsFile = join(REPO, '.var', 'console', 'sms', 'sms-outbox.jsonl');
    const asked = Date.now();
    expectOk(await call('POST', '/api/v1/identity/sms-codes', { json: { mobile, purpose: 'register', ...(await captcha('sms')) } }), 202, 'sms code');
    const sms = await eventually(async () => {
      const lines = readFileSync(smsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phone: string; purpose: string; code: string; sentAt: string });
      return lines.filter((m) => m.phone === mobile && m.purpose === 'register' && Date.parse(m.sentAt) >= asked - 2000).pop();
    }, 'registration SMS code');
    const region = { provinceCode: '110000', cityCode: '110100', districtCode: '110108' };
    const units = (await call('GET', '/api/v1/identity/recommending-units')).json.items as Array<string | { name: string }>;
    const form = new FormData();
    const fields: Record<string, string> = {
      password, confirmPassword: password, landline: '010-88544588', email, name, recommendingUnit: typeof units[0] === 'string' ? units[0] : units[0]!.name, ...region,
      street: '中关村南大街5号', postcode: '100081', loginName, mobile, smsCode: sms.code, agreementAccepted: 'true', ...(await captcha('register')),
    };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    expectOk(await call('POST', '/api/v1/identity/institutions', { form }), 201, 'registration');
    const token = expectOk(await call('POST', '/api/v1/identity/sessions', { json: { login: loginName, password, ...(await captcha('login')) } }), 200, 'institution login').json.accessToken as string;
    const quote = expectOk(await call('GET', '/api/v1/billing/quotes?qualificationCode=enterprise&staffTierCode=1-30&years=1', { token }), 200, 'quote').json;
    const applied = await eventually(async () => {
      const r = await call('POST', '/api/v1/membership/applications', { token, json: { kind: 'new', qualificationCode: 'enterprise', staffTierCode: '1-30', years: 1, organisationType: '企业单位', quote: { feePerYearFen: quote.feePerYearFen, amountDueFen: quote.amountDueFen, scheduleVersion: quote.scheduleVersion } } });
      return r.status === 201 ? r.json : undefined;
    }, 'application accepted (membership learns the institution over Kafka)');
    expectOk(
      await call('POST', `/api/v1/membership/applications/${applied.applicationId}/confirmation`, { token, json: { recipient: '张明远', mobile, landline: '010-88544588', region, street: '中关村南大街5号', postcode: '100081', invoiceTitle: name, creditCode: '91350100M000100Y43' } }),
      200,
      'confirmation',
    );
    const order = await eventually(async () => (await call('GET', '/api/v1/billing/orders', { token })).json?.items?.find((o: { status: string }) => o.status === 'unpaid'), 'payment order');
    const yuanText = `${String(order.amountDueFen).slice(0, -2)}.${String(order.amountDueFen).slice(-2)}`;
    const csv = iconv.encode(
      ['北京银行对公账户交易明细', '账号：20000006591600105310002', '', '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言', `${shanghaiToday()},11:00:00,CERT${tag},转账,,"${yuanText}",,="${account(7)}",${name},中国工商银行北京分行,${name}+会费 ${order.paymentCode}`].join('\r\n'),
      'gbk',
    );
    const finance = await apiLogin(clerkLogin.username, clerkLogin.password);
    const upload = new FormData();
    upload.append('file', new Blob([csv], { type: 'text/csv' }), `cert-${tag}.csv`);
    const accepted = expectOk(await call('POST', '/api/v1/billing/statements', { token: finance, form: upload }), 202, 'statement upload').json;
    const imported = await eventually(async () => {
      const j = (await call('GET', `/api/v1/billing/statement-imports/${accepted.importId}`, { token: finance })).json;
      return j?.state === 'done' ? j : undefined;
    }, 'statement import');
    expect(imported.result).toMatchObject({ newCredits: 1, autoMatched: 1 });
    const membership = await eventually(async () => {
      const m = (await call('GET', '/api/v1/membership/memberships/me', { token })).json;
      return m?.status === 'active' && m.certificateDue ? m : undefined;
    }, 'membership active with a certificate due', 120_000);

    // The member admin: created by the super-admin, sets a password through the one-time code, signs in.
    const root = await apiLogin(READY.root.username, READY.root.password);
    const adminLogin = { username: `huiyuan_${tag}`, password: testPassword() };
    const created = expectOk(await call('POST', '/api/v1/identity/staff', { token: root, json: { username: adminLogin.username, displayName: '李会员', roles: ['member_admin'] } }), 201, 'create member admin').json;
    expectOk(await call('POST', '/api/v1/identity/staff-password', { json: { code: created.setupCode, password: adminLogin.password, confirmPassword: adminLogin.password } }), 200, 'member admin password');
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    await uiLogin(page, adminLogin.username, adminLogin.password);
    expect(await page.locator('nav').textContent()).not.toMatch(/银行流水导入|工作人员账号/);
    await page.goto(`${CONSOLE}/members/certificates`);
    const tracking = `EMS${tag.toUpperCase()}CN`;
    const input = page.getByRole('textbox', { name: `${membership.memberNumber}运单号` });
    await input.waitFor();
    await input.fill(tracking);
    await capture(page, 'certificates-entry');
    await page.getByRole('button', { name: '保存并发送寄送通知' }).click();
    await page.getByText('已登记 1 个运单').waitFor();
    await capture(page, 'certificates-recorded');

    // The shipping notice in the stack's SMTP catcher, addressed to the institution, naming the tracking number.
    const mail = await eventually(async () => {
      for (const f of readdirSync(READY.mailDir).filter((x) => x.endsWith('.eml'))) {
        const raw = readFileSync(join(READY.mailDir, f));
        if (!raw.includes(email)) continue;
        const m = await simpleParser(raw);
        if (/证书已寄出/.test(m.subject ?? '')) return m;
      }
      return undefined;
    }, 'certificate shipping e-mail', 120_000);
    expect(mail.subject).toContain(tracking);
    expect(mail.text).toContain(membership.memberNumber);
    // Off the queue once membership has recorded the mailing.
    await eventually(async () => {
      await page.reload();
      await page.locator('h1').first().waitFor();
      return (await page.getByRole('textbox', { name: `${membership.memberNumber}运单号` }).count()) === 0;
    }, 'certificate off the due list');
    await context.close();
  });

  it('every other console page renders for the super-admin', async () => {
    const page = await admin.newPage();
    for (const [path, name] of [
      ['/finance/invoices', 'invoices'],
      ['/finance/fees', 'fee-schedule'],
      ['/members/memberships', 'memberships'],
      ['/members/certificates', 'certificates'],
      ['/members/deliveries', 'deliveries'],
      ['/members/lifecycle', 'lifecycle'],
    ] as const) {
      await page.goto(`${CONSOLE}${path}`);
      await page.locator('h1').first().waitFor();
      expect(await page.locator('[role=alert].error').count()).toBe(0);
      await capture(page, name);
    }
    // 会费标准: publish next year's version from the current one, one fee changed (typed in 元).
    await page.goto(`${CONSOLE}/finance/fees`);
    await page.getByRole('button', { name: '发布新版本' }).click();
    const dialog = page.getByRole('dialog', { name: '发布新版会费标准' });
    const versionId = `${Number(shanghaiToday().slice(0, 4)) + 1}-${tag}`;
    await dialog.locator('#fee-version').fill(versionId);
    const fee = dialog.getByRole('textbox', { name: /会费（元\/年）$/ }).first();
    await fee.fill('abc');
    await dialog.getByRole('button', { name: '发布', exact: true }).click();
    await dialog.getByText(/金额格式有误/).waitFor();
    await fee.fill('6,600.00');
    await capture(page, 'fee-publish-dialog');
    await dialog.getByRole('button', { name: '发布', exact: true }).click();
    await page.getByText(`会费标准 ${versionId} 已发布`).waitFor();
    await page.getByRole('heading', { name: new RegExp(`版本 ${versionId}`) }).waitFor();
    expect(await page.locator('.panel', { hasText: `版本 ${versionId}` }).textContent()).toContain('6,600.00');
  });

  it('axe-core finds no serious or critical violation on any page', () => {
    mkdirSync(SHOTS, { recursive: true });
    require('node:fs').writeFileSync(join(REPO, '.var', 'console', 'axe.txt'), violations.join('\n'));
    expect(violations).toEqual([]);
  });
});
