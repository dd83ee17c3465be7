import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { createServiceApp, DEVELOPMENT_CLIENT_IP_SECRET, signedClientIpHeaders } from '@lsc/service-kit';
import { createTestDatabase, REDIS_URL, testPassword, uniqueName, type TestDatabase } from '@lsc/testing';
import { readLocalSmsOutbox, type CaptchaPurpose, type SmsPurpose } from '../auth';
import { AppModule } from '../app.module';
import { identityBootstrapOptions } from '../bootstrap-options';
import { loadIdentityConfig, type IdentityConfig } from '../config';

/** A port nobody listens on, so JWT_JWKS_URL can point at the app before it starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The identity service booted exactly as main.ts does, against the real PostgreSQL (own database), Redis (own key
 * prefix) and Kafka, listening on loopback so JwtAuthGuard can fetch its JWKS.
 */
export interface IdentityHarness {
  app: NestFastifyApplication;
  config: IdentityConfig;
  db: TestDatabase;
  redis: Redis;
  url: string;
  captcha(purpose: CaptchaPurpose): Promise<{ captchaId: string; captchaAnswer: string }>;
  smsCode(mobile: string, purpose: SmsPurpose, ip?: string): Promise<string>;
  lastSmsCode(mobile: string, purpose: SmsPurpose): Promise<string>;
  close(): Promise<void>;
}

export async function startIdentity(name: string, env: Record<string, string> = {}): Promise<IdentityHarness> {
  const db = await createTestDatabase(name);
  const dir = await mkdtemp(join(tmpdir(), `identity-${name}-`));
  const port = await freePort();
  const config = loadIdentityConfig({
    HTTP_PORT: String(port),
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    LSC_DATA_DIR: join(dir, 'data'),
    SMS_OUTBOX_DIR: join(dir, 'sms'),
    REDIS_KEY_PREFIX: `test:identity:${uniqueName(name)}:`,
    JWT_JWKS_URL: `http://127.0.0.1:${port}/api/v1/identity/.well-known/jwks.json`,
    NODE_ENV: 'test',
    REDIS_URL,
    ...env,
  });
  const app = await createServiceApp(AppModule.register(config), config, identityBootstrapOptions);
  await app.listen(port, '127.0.0.1');
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  const outbox = join(config.SMS_OUTBOX_DIR, 'sms-outbox.jsonl');

  const harness: IdentityHarness = {
    app,
    config,
    db,
    redis,
    url: `http://127.0.0.1:${port}`,
    async captcha(purpose) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/identity/captcha?purpose=${purpose}` });
      if (res.statusCode !== 200) throw new Error(`captcha answered ${res.statusCode}: ${res.body}`);
      const { captchaId } = res.json() as { captchaId: string };
      // Tests play the person reading the image: the answer is read from where the service keeps it.
      const stored = JSON.parse((await redis.get(`${config.REDIS_KEY_PREFIX}captcha:${captchaId}`))!) as { answer: number };
      return { captchaId, captchaAnswer: String(stored.answer) };
    },
    async smsCode(mobile, purpose, ip = randomIp()) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/identity/sms-codes', headers: { ...viaGateway(ip) }, payload: { mobile, purpose, ...(await harness.captcha('sms')) } });
      if (res.statusCode !== 202) throw new Error(`sms-codes answered ${res.statusCode}: ${res.body}`);
      return harness.lastSmsCode(mobile, purpose);
    },
    async lastSmsCode(mobile, purpose) {
      const records = (await readLocalSmsOutbox(outbox)).filter((r) => r.phone === mobile && r.purpose === purpose);
      if (records.length === 0) throw new Error(`no sms for ${mobile}/${purpose}`);
      return records[records.length - 1].code;
    },
    async close() {
      await app.close();
      await redis.quit();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Headers of a request the gateway forwarded for a client at `ip`: the address signed with the CLIENT_IP_SECRET the
 * harness runs with (the development default). A bare X-Forwarded-For is not believed by the service.
 */
export const viaGateway = (ip: string): Record<string, string> => signedClientIpHeaders(ip, DEVELOPMENT_CLIENT_IP_SECRET);

export const randomIp = (): string => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
export const randomMobile = (): string => `1${randomInt(3, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;

/** A registration body that passes every rule; tests override one field at a time. */
export function validRegistration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const tag = uniqueName('r').slice(2);
  const password = testPassword();
  return {
    password,
    confirmPassword: password,
    landline: '0317-88544588',
    fax: '0317-88544589',
    email: `${tag.slice(-12)}@lib.cn`,
    name: `测试图书馆${tag}`,
    recommendingUnit: '安徽省图书馆学会',
    provinceCode: '340000',
    cityCode: '341500',
    districtCode: '341502',
    street: '南京路1号',
    postcode: '237000',
    website: 'https://lib.example.cn',
    remark: '单位会员注册测试',
    mobile: randomMobile(),
    agreementAccepted: 'true',
    ...overrides,
  };
}

/** Runs the page's whole flow: SMS code for the mobile, a fresh captcha, then POST /institutions (JSON). */
export async function register(h: IdentityHarness, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const mobile = String(body.mobile).replace(/^\+86|[\s-]/g, '');
  const smsCode = typeof body.smsCode === 'string' ? body.smsCode : await h.smsCode(mobile, 'register');
  const captcha = await h.captcha('register');
  return h.app.inject({ method: 'POST', url: '/api/v1/identity/institutions', headers, payload: { ...captcha, smsCode, ...body } });
}

/** A multipart/form-data body as a browser would send it (fields, then the optional logo file). */
export function multipartBody(fields: Record<string, unknown>, file?: { content: Buffer; filename: string; contentType: string }, fieldName = 'logo'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----lsc${Date.now().toString(16)}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`));
  }
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${fieldName}"; filename="${file.filename}"\r\ncontent-type: ${file.contentType}\r\n\r\n`), file.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
