/**
 * One institution's onboarding (guide steps 1–7) driven through the gateway's public API the way a patient user behaves
 * while the system is being broken: a failed or unanswered request is tried again after a pause (with the same
 * Idempotency-Key where the API offers one, a fresh captcha each time), an SMS code that got lost is asked for again
 * after the page's 60 s countdown, and "already registered" after a lost answer is checked by logging in.
 * Nothing here looks behind the API except what a person reads with their own eyes: the captcha answer (Redis, as
 * bench/login does) and the SMS on their phone (the local SMS sender's outbox).
 */
// The API answers are untyped JSON read field by field, as a web client reads them.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';

export interface JourneyEnv {
  baseUrl: string;
  redisUrl: string;
  smsDir: string;
  /** Called with every answer the driver treats as "try again", so the suite can report them. */
  onRetry?: (what: string, detail: string) => void;
}

export interface JourneyRecord {
  i: number;
  name: string;
  email: string;
  loginName: string;
  password: string;
  mobile: string;
  ip: string;
  institutionId?: string;
  applicationId?: string;
  orderId?: string;
  paymentRemark?: string;
  amountDueFen?: number;
  onboardedAt?: number;
  importedAt?: number;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CJK = '安北长东方华嘉金锦康蓝丽明南宁平青瑞山盛泰天文祥新兴阳远云正志中卓';
export const CREDIT_CODE = '91350100M000100Y43';
const REGION = { provinceCode: '110000', cityCode: '110100', districtCode: '110108' };
const STREET = '中关村南大街5号';

interface Answer {
  status: number;
  json: any;
  text: string;
}

/** Temporary: the system or a dependency is down or restarting; the user waits and tries again. */
export class TryAgain extends Error {}

export class PatientUser {
  private readonly redis: Redis;

  constructor(private readonly env: JourneyEnv) {
    this.redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 200, 2000) });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  static newInstitution(i: number, run: string, logoDomain: string): JourneyRecord {
    const name = `${Array.from({ length: 5 }, () => CJK[randomInt(CJK.length)]).join('')}${run}${i}号科技有限公司`;
    return {
      i,
      name,
      email: `c${i}@${logoDomain}`,
      loginName: `c${run}_${i}`,
      password: `Chaos#${run.slice(0, 4)}${i}x`,
      mobile: `1${randomInt(3, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}`,
      ip: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`,
    };
  }

  async call(method: string, path: string, o: { json?: unknown; form?: FormData; token?: string; ip?: string; key?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.ip) headers['x-forwarded-for'] = o.ip;
    if (o.key) headers['idempotency-key'] = o.key;
    let res: Response;
    try {
      res = await fetch(`${this.env.baseUrl}${path}`, { method, headers, body: o.json !== undefined ? JSON.stringify(o.json) : o.form, signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      throw new TryAgain(`${method} ${path}: ${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message ?? (err as Error).cause) : (err as Error).message}`);
    }
    const text = await res.text().catch(() => '');
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // 5xx (a dependency restarting), 429 (limits), 409 REQUEST_IN_PROGRESS (our earlier try still claimed): wait, retry.
    if (res.status >= 500 || res.status === 429 || json?.code === 'REQUEST_IN_PROGRESS') throw new TryAgain(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return { status: res.status, json, text };
  }

  /** Runs `step` until it returns, waiting between tries while the system is down; other errors end the journey. */
  async patiently<T>(what: string, step: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let pause = 500;
    for (;;) {
      try {
        return await step();
      } catch (err) {
        if (!(err instanceof TryAgain) || Date.now() > deadline) throw err;
        this.env.onRetry?.(what, err.message);
        await sleep(pause + randomInt(250));
        pause = Math.min(pause * 2, 5000);
      }
    }
  }

  private expect(r: Answer, status: number, what: string): any {
    if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  }

  /** A fresh captcha for one form (login, register or sms: identity refuses it on another form). */
  async captcha(ip: string, purpose: 'login' | 'register' | 'sms'): Promise<{ captchaId: string; captchaAnswer: string }> {
    const r = await this.call('GET', `/api/v1/identity/captcha?purpose=${purpose}`, { ip });
    const id = String(this.expect(r, 200, 'captcha').captchaId);
    let raw: string | null;
    try {
      raw = await this.redis.get(`identity:captcha:${id}`);
    } catch (err) {
      throw new TryAgain(`captcha answer: ${(err as Error).message}`);
    }
    if (!raw) throw new TryAgain(`captcha ${id} already gone`);
    return { captchaId: id, captchaAnswer: String((JSON.parse(raw) as { answer: number }).answer) };
  }

  private latestSms(mobile: string, purpose: string, since: number): string | undefined {
    let content = '';
    try {
      content = readFileSync(join(this.env.smsDir, 'sms-outbox.jsonl'), 'utf8');
    } catch {
      return undefined;
    }
    const lines = content.trim().split('\n');
    for (let k = lines.length - 1; k >= 0; k--) {
      if (!lines[k]) continue;
      const m = JSON.parse(lines[k]!) as { phone: string; purpose: string; code: string; sentAt: string };
      if (m.phone === mobile && m.purpose === purpose && Date.parse(m.sentAt) >= since) return m.code;
    }
    return undefined;
  }

  /** Asks for a code; if the answer was lost but the SMS arrived, uses it; if refused for the cooldown, waits it out. */
  async smsCode(j: JourneyRecord, purpose: string): Promise<string> {
    const asked = Date.now() - 1000;
    return this.patiently(`sms ${purpose}`, async () => {
      const already = this.latestSms(j.mobile, purpose, asked);
      if (already) return already;
      const r = await this.call('POST', '/api/v1/identity/sms-codes', { json: { mobile: j.mobile, purpose, ...(await this.captcha(j.ip, 'sms')) }, ip: j.ip });
      if (r.status === 400 && /COOLDOWN|TOO_MANY|LIMIT/i.test(String(r.json?.code))) throw new TryAgain(`sms cooldown: ${r.text.slice(0, 200)}`);
      this.expect(r, 202, 'sms code');
      for (let k = 0; k < 40; k++) {
        const code = this.latestSms(j.mobile, purpose, asked);
        if (code) return code;
        await sleep(250);
      }
      throw new TryAgain('sms accepted but not delivered yet');
    });
  }

  async login(j: JourneyRecord): Promise<string> {
    return this.patiently('login', async () => {
      const r = await this.call('POST', '/api/v1/identity/sessions', { json: { login: j.loginName, password: j.password, ...(await this.captcha(j.ip, 'login')) }, ip: j.ip });
      // Captcha refused (its Redis entry lost in a race with a restart) — a person would just type the new one.
      if (r.status === 400 && /CAPTCHA/.test(String(r.json?.code))) throw new TryAgain(`login captcha: ${r.text.slice(0, 200)}`);
      return this.expect(r, 200, 'login').accessToken as string;
    });
  }

  /**
   * Whether an earlier try's registration went through (its answer lost): the account logs in. The institution id is
   * then taken from the session (an institution's subject is its institution id), as the lost 201 would have given it;
   * without it the chaos audit found none of that journey's events and counted them all as lost.
   */
  private async registered(j: JourneyRecord): Promise<boolean> {
    const r = await this.call('POST', '/api/v1/identity/sessions', { json: { login: j.loginName, password: j.password, ...(await this.captcha(j.ip, 'login')) }, ip: j.ip });
    if (r.status !== 200) return false;
    j.institutionId = String(r.json.principal.sub);
    return true;
  }

  async register(j: JourneyRecord, logo: Buffer): Promise<void> {
    let code = await this.smsCode(j, 'register');
    await this.patiently('register', async () => {
      const form = new FormData();
      const fields: Record<string, string> = {
        password: j.password, confirmPassword: j.password, landline: '010-88544588', email: j.email, name: j.name, recommendingUnit: '中国图书馆学会',
        ...REGION, street: STREET, postcode: '100081', website: 'https://www.lsc-chaos.cn', loginName: j.loginName, mobile: j.mobile, smsCode: code, agreementAccepted: 'true',
        ...(await this.captcha(j.ip, 'register')),
      };
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('logo', new Blob([logo], { type: 'image/png' }), 'logo.png');
      const r = await this.call('POST', '/api/v1/identity/institutions', { form, ip: j.ip, key: `chaos-reg-${randomUUID()}` });
      if (r.status === 201) {
        j.institutionId = r.json.institutionId;
        return;
      }
      // An earlier try went through but its answer was lost: the account exists if we can log in with it.
      if (r.status === 409 && (await this.registered(j))) return;
      if (r.status === 400 && /CAPTCHA/.test(String(r.json?.code))) throw new TryAgain(`register captcha: ${r.text.slice(0, 200)}`);
      if (r.status === 400 && /SMS_CODE/.test(String(r.json?.code))) {
        code = await this.smsCode(j, 'register');
        throw new TryAgain('sms code used by a lost try; new code');
      }
      this.expect(r, 201, 'register');
    });
  }

  /** Steps 1–3: register, log in, quote, apply, confirm with the mailing address, see the payment order. */
  async onboard(j: JourneyRecord, logo: Buffer): Promise<void> {
    await this.register(j, logo);
    let token = await this.login(j);
    const authed = async (method: string, path: string, o: { json?: unknown; key?: string } = {}): Promise<Answer> => {
      const r = await this.call(method, path, { ...o, token });
      if (r.status === 401) {
        token = await this.login(j);
        throw new TryAgain('token expired; logged in again');
      }
      return r;
    };
    const quote = await this.patiently('quote', async () => this.expect(await authed('GET', '/api/v1/billing/quotes?qualificationCode=enterprise&staffTierCode=1-30&years=3'), 200, 'quote'));
    j.amountDueFen = quote.amountDueFen;
    const applyKey = `chaos-apply-${randomUUID()}`;
    const app = await this.patiently('apply', async () => {
      const r = await authed('POST', '/api/v1/membership/applications', {
        key: applyKey,
        json: { kind: 'new', qualificationCode: 'enterprise', staffTierCode: '1-30', years: 3, organisationType: '企业单位', quote: { feePerYearFen: quote.feePerYearFen, amountDueFen: quote.amountDueFen, scheduleVersion: quote.scheduleVersion } },
      });
      if (r.status === 201) return r.json;
      // Membership has not yet heard of the institution or of the fee schedule (events in flight) — "try later".
      if (r.status === 404 || r.status === 422 || r.status === 403 || r.json?.code === 'INSTITUTION_NOT_SYNCED' || r.json?.code === 'NO_SCHEDULE_IN_EFFECT') throw new TryAgain(`apply: ${r.status} ${r.text.slice(0, 200)}`);
      // A lost answer: the application exists; find it.
      if (r.status === 409) {
        const list = this.expect(await authed('GET', '/api/v1/membership/applications'), 200, 'applications');
        const open = (list.items as any[]).find((a) => a.kind === 'new');
        if (open) return open;
      }
      return this.expect(r, 201, 'apply');
    });
    j.applicationId = app.applicationId;
    const confirmKey = `chaos-confirm-${randomUUID()}`;
    await this.patiently('confirm', async () => {
      const r = await authed('POST', `/api/v1/membership/applications/${j.applicationId}/confirmation`, {
        key: confirmKey,
        json: { recipient: '张明远', mobile: j.mobile, landline: '010-88544588', region: REGION, street: STREET, postcode: '100081', invoiceTitle: j.name, creditCode: CREDIT_CODE },
      });
      if (r.status === 409) {
        const a = this.expect(await authed('GET', `/api/v1/membership/applications/${j.applicationId}`), 200, 'application');
        if (a.mailingAddress || a.status !== 'draft') return a;
      }
      return this.expect(r, 200, 'confirm');
    });
    const order = await this.patiently('payment order', async () => {
      const a = this.expect(await authed('GET', `/api/v1/membership/applications/${j.applicationId}`), 200, 'application');
      if (!a.paymentOrder) throw new TryAgain('payment order not issued yet');
      return a.paymentOrder;
    });
    j.orderId = order.orderId;
    j.paymentRemark = order.transferRemark;
    j.onboardedAt = Date.now();
  }

  /** What the user checks at the end: order paid, membership active. */
  async outcome(j: JourneyRecord): Promise<{ orderStatus: string; amountPaidFen: number; membershipStatus: string; memberNumber?: string }> {
    const token = await this.login(j);
    const order = await this.patiently('order', async () => this.expect(await this.call('GET', `/api/v1/billing/orders/${j.orderId}`, { token }), 200, 'order'));
    const m = await this.patiently('membership', async () => this.expect(await this.call('GET', '/api/v1/membership/memberships/me', { token }), 200, 'membership'));
    return { orderStatus: order.status, amountPaidFen: order.amountPaidFen, membershipStatus: m.status, memberNumber: m.memberNumber };
  }
}
