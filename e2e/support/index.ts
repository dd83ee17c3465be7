/**
 * What an e2e user has: a browser (fetch through the gateway), a phone (the local SMS sender's outbox), a mailbox (the
 * SMTP catcher's .eml files) — plus the one thing a person reads off the screen that a test cannot: the captcha image.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import Redis from 'ioredis';
import { simpleParser, type ParsedMail } from 'mailparser';
import sharp from 'sharp';
import { readLocalSmsOutbox, type LocalSmsRecord } from '../../apps/identity/src/auth/sms-codes/local-sms-sender';

export const REPO = join(__dirname, '..', '..');
export const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const VAR = process.env.LSC_VAR_DIR ?? join(REPO, '.var');
export const MAIL_DIR = process.env.E2E_MAIL_DIR ?? join(VAR, 'mail');
export const SMS_OUTBOX = join(process.env.SMS_OUTBOX_DIR ?? join(VAR, 'sms'), 'sms-outbox.jsonl');
const REDIS_PREFIX = process.env.REDIS_KEY_PREFIX ?? 'identity:';
/** Made up by the global setup (e2e/support/staff-accounts.js) and kept under .var, never committed. */
export const STAFF: Array<{ username: string; password: string; roles: string[] }> = JSON.parse(readFileSync(join(VAR, 'e2e', 'staff.json'), 'utf8'));

export interface ApiResponse<T = any> {
  status: number;
  json: T;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  form?: FormData;
  body?: RequestInit["body"];
  headers?: Record<string, string>;
  /** Simulated client address (the gateway believes it only when started with TRUSTED_PROXIES covering loopback). */
  ip?: string;
  timeoutMs?: number;
}

export async function api<T = any>(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.ip) headers['x-forwarded-for'] = o.ip;
  let body: RequestInit["body"] | undefined = o.body;
  if (o.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.form) body = o.form;
  const res = await fetch(`${BASE}${path}`, { method, headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 60_000) });
  const text = await res.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Fails with the whole answer in the message, so a broken step says what the server said. */
export function expectStatus<T>(r: ApiResponse<T>, status: number, what: string): ApiResponse<T> {
  if (r.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${r.status}: ${r.text.slice(0, 2000)}`);
  return r;
}

export async function eventually<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: { timeoutMs?: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what}${lastError ? `: ${String((lastError as Error).message ?? lastError)}` : ''}`);
    await sleep(opts.intervalMs ?? 500);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- captcha (read from Redis, as bench/login does)
let redis: Redis | undefined;
const redisClient = () => (redis ??= new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 2 }));
export async function closeSupport(): Promise<void> {
  await redis?.quit().catch(() => undefined);
  redis = undefined;
}

/**
 * GET /captcha for one form (login, register or sms — identity refuses it on another), then the answer. A person reads
 * the arithmetic off the PNG; the test cannot, so — exactly like bench/login/index.ts — it reads the answer the identity
 * service stored in Redis (`identity:captcha:<id>`, JSON {answer, purpose}). This is the only place the suites look
 * behind the public API; the service has no bypass flag.
 */
export async function solveCaptcha(purpose: 'login' | 'register' | 'sms', ip?: string): Promise<{ captchaId: string; captchaAnswer: string }> {
  const r = expectStatus(await api('GET', `/api/v1/identity/captcha?purpose=${purpose}`, { ip }), 200, 'GET /captcha');
  const captchaId = String(r.json.captchaId);
  return { captchaId, captchaAnswer: await captchaAnswer(captchaId) };
}

/** The answer identity stored for a captcha (also what the browser suite types for the image a page shows). */
export async function captchaAnswer(captchaId: string): Promise<string> {
  const raw = await redisClient().get(`${REDIS_PREFIX}captcha:${captchaId}`);
  if (!raw) throw new Error(`captcha ${captchaId} not in Redis under ${REDIS_PREFIX}: set REDIS_KEY_PREFIX to the identity service's prefix`);
  return String((JSON.parse(raw) as { answer: number }).answer);
}

// ---------------------------------------------------------------- phone (the local SMS sender's outbox)
export async function requestSmsCode(mobile: string, purpose: 'register' | 'login' | string, ip?: string): Promise<{ code: string; sentAt: number; response: ApiResponse }> {
  const asked = Date.now();
  const response = expectStatus(await api('POST', '/api/v1/identity/sms-codes', { json: { mobile, purpose, ...(await solveCaptcha('sms', ip)) }, ip }), 202, `POST /sms-codes (${purpose})`);
  const record = await waitForSms(mobile, purpose, asked);
  return { code: record.code, sentAt: Date.parse(record.sentAt), response };
}

/** The SMS the local sender wrote for this mobile and purpose since `askedAtMs` (what the person reads on the phone). */
export async function waitForSms(mobile: string, purpose: string, askedAtMs: number): Promise<LocalSmsRecord> {
  return eventually(
    async () => (await readLocalSmsOutbox(SMS_OUTBOX)).filter((m: LocalSmsRecord) => m.phone === mobile && m.purpose === purpose && Date.parse(m.sentAt) >= askedAtMs - 2000).pop(),
    { timeoutMs: 20_000, what: `SMS (${purpose}) to ${mobile} in ${SMS_OUTBOX}` },
  );
}

// ---------------------------------------------------------------- mailbox (the SMTP catcher's .eml files)
const parsed = new Map<string, ParsedMail>();
export async function inbox(address: string): Promise<ParsedMail[]> {
  if (!existsSync(MAIL_DIR)) return [];
  const files = readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort();
  const mine: ParsedMail[] = [];
  for (const f of files) {
    let mail = parsed.get(f);
    if (!mail) {
      const raw = readFileSync(join(MAIL_DIR, f));
      // Cheap pre-filter: skip parsing mail that does not mention the address at all.
      if (!raw.includes(address) && !raw.includes(address.toLowerCase())) continue;
      mail = await simpleParser(raw);
      parsed.set(f, mail);
    }
    const to = [mail.to].flat().flatMap((t) => (t ? t.value : [])).map((v) => (v.address ?? '').toLowerCase());
    if (to.includes(address.toLowerCase())) mine.push(mail);
  }
  return mine;
}

export async function waitForMail(address: string, match: (m: ParsedMail) => boolean, what: string, timeoutMs = 120_000): Promise<ParsedMail> {
  return eventually(async () => (await inbox(address)).find(match), { timeoutMs, intervalMs: 1000, what: `mail "${what}" to ${address}` });
}

// ---------------------------------------------------------------- unique per-run data
const CJK = '安北长东方华嘉金锦康蓝丽明南宁平青瑞山盛泰天文祥新兴阳远云正志中卓';
export const uniqueCjk = (n = 6): string => Array.from({ length: n }, () => CJK[randomInt(CJK.length)]).join('');
export const uniqueMobile = (): string => `1${randomInt(3, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
export const uniqueTag = (): string => randomUUID().replace(/-/g, '').slice(0, 10);
/** A private-range address per simulated user, so per-IP limits count per user (see global-setup). */
export const fakeIp = (): string => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** A logo as the page suggests (164×78), generated with sharp. */
export async function logoPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="164" height="78"><rect width="164" height="78" fill="#a31d24"/><circle cx="39" cy="39" r="28" fill="#f5d06f"/><rect x="80" y="24" width="70" height="30" fill="#ffffff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

// ---------------------------------------------------------------- bank statements (北京银行 profile, GBK)
export interface StatementRow {
  reference: string;
  amountYuan: string;
  account: string;
  payer: string;
  bank?: string;
  remark: string;
  debit?: boolean;
}

/**
 * 北京银行对公账户交易明细 as the bank exports it (see apps/billing/test-fixtures/statements/builders.ts and
 * apps/billing/src/statements/profiles.ts): a title block, then 交易日期…附言, CRLF, GBK. Balance left empty.
 */
export function bankOfBeijingCsv(date: string, rows: StatementRow[]): Buffer {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [
    '北京银行对公账户交易明细',
    '账号：20000006591600105310002',
    '户名：中国图书馆学会',
    '开户行：北京银行白石桥支行',
    `查询期间：${date} 至 ${date}`,
    '',
    '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言',
    ...rows.map((r, i) => {
      const t = `${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
      return [date, t, r.reference, r.debit ? '跨行汇款手续费' : '转账', r.debit ? quote(r.amountYuan) : '', r.debit ? '' : quote(r.amountYuan), '', r.account ? `="${r.account}"` : '', quote(r.payer), quote(r.bank ?? '中国工商银行北京分行'), quote(r.remark)].join(',');
    }),
  ];
  return iconv.encode(lines.join('\r\n'), 'gbk');
}

export const shanghaiToday = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** Uploads a statement and waits for its background import: 202 with the import's result (the statement's figures). */
export async function uploadStatement(token: string, file: Buffer, filename: string): Promise<ApiResponse> {
  const form = new FormData();
  form.append('profile', 'bank-of-beijing');
  form.append('file', new Blob([file], { type: 'text/csv' }), filename);
  const accepted = await api('POST', '/api/v1/billing/statements', { token, form, timeoutMs: 180_000 });
  if (accepted.status !== 202) return accepted;
  // The upload only queues the import (issue #23): follow its progress to the result, as the console does.
  const view = await eventually(
    async () => {
      const r = await api('GET', `/api/v1/billing/statement-imports/${accepted.json.importId}`, { token });
      return r.json?.state === 'done' || r.json?.state === 'failed' ? r.json : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 250, what: `statement import ${filename}` },
  );
  if (view.state === 'failed') throw new Error(`statement import ${filename} failed: ${view.error?.code} ${view.error?.message}`);
  return { ...accepted, json: view.result };
}

export async function staffLogin(role: string): Promise<string> {
  const s = STAFF.find((x) => x.roles.includes(role));
  if (!s) throw new Error(`no staff account with role ${role} in ${join(VAR, 'e2e', 'staff.json')}`);
  const ip = fakeIp();
  const r = expectStatus(await api('POST', '/api/v1/identity/sessions', { json: { login: s.username, password: s.password, ...(await solveCaptcha('login', ip)) }, ip }), 200, `staff login ${s.username}`);
  return r.json.accessToken as string;
}
