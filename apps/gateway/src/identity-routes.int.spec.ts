import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomInt } from 'node:crypto';
import Redis from 'ioredis';
import { createTestDatabase, REDIS_URL, testPassword, uniqueName, type TestDatabase } from '@lsc/testing';
import { CLOSED_PORT_URL, randomIp, startGateway, type RunningGateway } from './testing/gateway-harness';

const ROOT = resolve(__dirname, '../../..');
const IDENTITY_MAIN = join(ROOT, 'dist/apps/identity/main.js');

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * The identity routes added for 更换手机号 and staff locks, called through the real gateway in front of the real
 * identity service (its built binary in a child process: the gateway never imports a service's code), plus the
 * merged API docs listing them.
 */
describe('identity routes through the gateway (real identity, PostgreSQL, Redis, Kafka)', () => {
  let db: TestDatabase;
  let dir: string;
  let identity: ChildProcess;
  let identityEnv: NodeJS.ProcessEnv;
  let gw: RunningGateway;
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    // The child runs dist/, so build identity from the current source first (cached by Nx when unchanged) — unless
    // Nx itself runs this test (npm test builds every project first, and Nx inside an Nx task is best avoided).
    if (!process.env.NX_TASK_TARGET_PROJECT) {
      const build = spawnSync('npx', ['nx', 'run', 'identity:build', '--outputStyle=static'], { cwd: ROOT, stdio: 'ignore' });
      if (build.status !== 0) throw new Error('npx nx run identity:build failed');
    }
    db = await createTestDatabase('gwid');
    dir = await mkdtemp(join(tmpdir(), 'gw-identity-'));
    const port = await freePort();
    prefix = `test:gwid:${uniqueName('p')}:`;
    identityEnv = {
      ...process.env,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      LSC_DATA_DIR: join(dir, 'data'),
      SMS_OUTBOX_DIR: join(dir, 'sms'),
      JWT_JWKS_URL: `http://127.0.0.1:${port}/api/v1/identity/.well-known/jwks.json`,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    };
    identity = spawn(process.execPath, [IDENTITY_MAIN], { cwd: ROOT, env: identityEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    const identityUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await fetch(`${identityUrl}/health/ready`).then((r) => r.ok, () => false);
      if (ready) break;
      if (identity.exitCode !== null || Date.now() > deadline) throw new Error('identity did not become ready');
      await new Promise((r) => setTimeout(r, 250));
    }
    gw = await startGateway({ IDENTITY_URL: identityUrl, MEMBERSHIP_URL: CLOSED_PORT_URL, BILLING_URL: CLOSED_PORT_URL, NOTIFICATION_URL: CLOSED_PORT_URL, TRUSTED_PROXIES: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '1000', OPENAPI_REFRESH_MS: '1000' });
    redis = new Redis(REDIS_URL);
  }, 240000);

  afterAll(async () => {
    await gw?.app.close();
    if (identity && identity.exitCode === null) {
      const exited = new Promise((r) => identity.once('exit', r));
      identity.kill('SIGTERM');
      await exited;
    }
    await redis?.quit();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: object, token?: string) => {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': randomIp(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  // The captcha is read where the service keeps it, as a person reads the image.
  const captcha = async (purpose: 'login' | 'register' | 'sms') => {
    const { json } = await call('GET', `/api/v1/identity/captcha?purpose=${purpose}`);
    const stored = JSON.parse((await redis.get(`${prefix}captcha:${String(json.captchaId)}`))!) as { answer: number };
    return { captchaId: String(json.captchaId), captchaAnswer: String(stored.answer) };
  };
  const smsCode = async (mobile: string, purpose: string) => {
    const sent = await call('POST', '/api/v1/identity/sms-codes', { mobile, purpose, ...(await captcha('sms')) });
    expect(sent.status).toBe(202);
    const lines = (await readFile(join(dir, 'sms', 'sms-outbox.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { phone: string; purpose: string; code: string });
    return lines.filter((l) => l.phone === mobile && l.purpose === purpose).pop()!.code;
  };
  const login = async (loginId: string, password: string) => call('POST', '/api/v1/identity/sessions', { login: loginId, password, ...(await captcha('login')) });
  const mobile = () => `13${randomInt(0, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

  it('更换手机号 and staff lock/unlock work through the gateway and answer in its standard error shape; the docs list the routes', async () => {
    const oldMobile = mobile();
    const loginName = uniqueName('gw').slice(0, 24);
    const password = testPassword();
    const registered = await call('POST', '/api/v1/identity/institutions', {
      password, confirmPassword: password, landline: '010-88544588', email: `${loginName.slice(-10)}@lib.cn`, name: `网关测试图书馆${loginName}`, recommendingUnit: '中国图书馆学会',
      provinceCode: '110000', cityCode: '110100', districtCode: '110101', street: '文津街7号', postcode: '100034', mobile: oldMobile, smsCode: await smsCode(oldMobile, 'register'),
      agreementAccepted: 'true', loginName, ...(await captcha('register')),
    });
    expect(registered.status).toBe(201);
    const institutionId = String(registered.json.institutionId);
    const session = (await login(loginName, password)).json as { accessToken: string };

    const newMobile = mobile();
    const changed = await call('POST', '/api/v1/identity/me/mobile', { mobile: newMobile, code: await smsCode(newMobile, 'change_mobile'), currentPassword: password }, session.accessToken);
    expect([changed.status, changed.json.mobile]).toEqual([200, newMobile]);
    const fresh = changed.json.session as { accessToken: string };

    const staff = spawnSync(process.execPath, [IDENTITY_MAIN, 'create-staff', 'gw_admin_1', 'member_admin'], { cwd: ROOT, env: identityEnv, encoding: 'utf8', input: 'Staff#2024pw\n' });
    expect(staff.status).toBe(0);
    const admin = (await login('gw_admin_1', 'Staff#2024pw')).json as { accessToken: string };

    const forbidden = await call('POST', `/api/v1/identity/institutions/${institutionId}/lock`, { reason: '测试' }, fresh.accessToken);
    expect([forbidden.status, forbidden.json.code]).toEqual([403, 'FORBIDDEN']);
    const locked = await call('POST', `/api/v1/identity/institutions/${institutionId}/lock`, { reason: '核实单位信息' }, admin.accessToken);
    expect([locked.status, locked.json.locked]).toEqual([200, true]);
    const refused = await login(newMobile, password);
    expect(refused).toEqual({ status: 403, json: { code: 'ACCOUNT_LOCKED', message: '该账号已被锁定，请联系中国图书馆学会工作人员', details: [], correlationId: expect.any(String) } });
    const status = await call('GET', `/api/v1/identity/institutions/${institutionId}/lock`, undefined, admin.accessToken);
    expect(status.json).toMatchObject({ locked: true, reason: '核实单位信息' });
    const unlocked = await call('POST', `/api/v1/identity/institutions/${institutionId}/unlock`, {}, admin.accessToken);
    expect([unlocked.status, unlocked.json.locked]).toEqual([200, false]);
    expect((await login(newMobile, password)).status).toBe(200);

    const docs = (await (await fetch(`${gw.url}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(docs.paths['/api/v1/identity/me/mobile'] ?? {})).toEqual(['post']);
    expect(Object.keys(docs.paths['/api/v1/identity/institutions/{institutionId}/lock'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(docs.paths['/api/v1/identity/institutions/{institutionId}/unlock'] ?? {})).toEqual(['post']);
  }, 120000);

  it('browser sessions: Set-Cookie and Cookie pass the gateway, Secure follows the client’s HTTPS, a cross-site refresh is refused', async () => {
    const loginName = uniqueName('ck').slice(0, 24);
    const password = testPassword();
    const m = mobile();
    const registered = await call('POST', '/api/v1/identity/institutions', {
      password, confirmPassword: password, landline: '010-88544588', email: `${loginName.slice(-10)}@lib.cn`, name: `网关会话图书馆${loginName}`, recommendingUnit: '中国图书馆学会',
      provinceCode: '110000', cityCode: '110100', districtCode: '110101', street: '文津街7号', postcode: '100034', mobile: m, smsCode: await smsCode(m, 'register'),
      agreementAccepted: 'true', loginName, ...(await captcha('register')),
    });
    expect(registered.status).toBe(201);
    const host = new URL(gw.url).host;
    const sameOrigin = { 'content-type': 'application/json', 'x-session-transport': 'cookie', origin: gw.url, 'sec-fetch-site': 'same-origin' };

    const login = await fetch(`${gw.url}/api/v1/identity/sessions`, { method: 'POST', headers: { ...sameOrigin, 'x-forwarded-for': randomIp() }, body: JSON.stringify({ login: loginName, password, ...(await captcha('login')) }) });
    expect(login.status).toBe(200);
    expect(await login.json()).not.toHaveProperty('refreshToken');
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^lsc_refresh=[A-Za-z0-9_-]+; Path=\/api\/v1\/identity\/sessions; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;

    const crossSite = await fetch(`${gw.url}/api/v1/identity/sessions/refresh`, { method: 'POST', headers: { ...sameOrigin, cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ code: 'CROSS_SITE_REQUEST', message: expect.stringMatching(/其他网站/) });

    // The gateway states its own host to identity, so Origin is compared with what the browser saw.
    const { 'sec-fetch-site': _s, ...originOnly } = sameOrigin;
    const refreshed = await fetch(`${gw.url}/api/v1/identity/sessions/refresh`, { method: 'POST', headers: { ...originOnly, cookie, host }, body: '{}' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('set-cookie')).toMatch(/^lsc_refresh=[A-Za-z0-9_-]+;/);

    // Behind an HTTPS load balancer (a trusted proxy saying X-Forwarded-Proto: https) the cookie is Secure.
    const https = await fetch(`${gw.url}/api/v1/identity/sessions`, { method: 'POST', headers: { ...sameOrigin, 'x-forwarded-proto': 'https', 'x-forwarded-for': randomIp() }, body: JSON.stringify({ login: loginName, password, ...(await captcha('login')) }) });
    expect(https.headers.get('set-cookie')).toMatch(/; Secure$/);

    const out = await fetch(`${gw.url}/api/v1/identity/sessions`, { method: 'DELETE', headers: { ...sameOrigin, cookie: refreshed.headers.get('set-cookie')!.split(';')[0]! }, body: '{}' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^lsc_refresh=; .*Max-Age=0/);

    // 更换手机号 in the browser ends every login; the new login's refresh cookie comes back through the gateway, so a
    // reload after the change resumes the session instead of logging the user out.
    const again = await fetch(`${gw.url}/api/v1/identity/sessions`, { method: 'POST', headers: { ...sameOrigin, 'x-forwarded-for': randomIp() }, body: JSON.stringify({ login: loginName, password, ...(await captcha('login')) }) });
    const oldCookie = (again.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { accessToken } = (await again.json()) as { accessToken: string };
    const newMobile = mobile();
    const changed = await fetch(`${gw.url}/api/v1/identity/me/mobile`, {
      method: 'POST',
      headers: { ...sameOrigin, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ mobile: newMobile, code: await smsCode(newMobile, 'change_mobile'), currentPassword: password }),
    });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { session: object }).session).not.toHaveProperty('refreshToken');
    const renewed = changed.headers.get('set-cookie') ?? '';
    expect(renewed).toMatch(/^lsc_refresh=[A-Za-z0-9_-]+; Path=\/api\/v1\/identity\/sessions; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect((await fetch(`${gw.url}/api/v1/identity/sessions/refresh`, { method: 'POST', headers: { ...sameOrigin, cookie: oldCookie }, body: '{}' })).status).toBe(401);
    expect((await fetch(`${gw.url}/api/v1/identity/sessions/refresh`, { method: 'POST', headers: { ...sameOrigin, cookie: renewed.split(';')[0]! }, body: '{}' })).status).toBe(200);
  }, 120000);
});
