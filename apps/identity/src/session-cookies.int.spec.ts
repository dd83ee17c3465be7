import { randomIp, randomMobile, register, startIdentity, validRegistration, type IdentityHarness, viaGateway } from './testing/harness';

/**
 * Browser sessions (X-Session-Transport: cookie): the refresh token only ever in an HttpOnly; SameSite=Strict cookie
 * on the session endpoints, never in a body; refresh and logout read it from there and refuse other sites.
 * Real PostgreSQL, Redis and Kafka; the requests carry the headers the gateway and a browser would.
 */
describe('cookie sessions for browsers', () => {
  let h: IdentityHarness;
  let account: Record<string, unknown>;

  beforeAll(async () => {
    h = await startIdentity('cookie');
    account = validRegistration({ loginName: `ck_${Date.now().toString(36)}` });
    expect((await register(h, account)).statusCode).toBe(201);
  });
  afterAll(() => h?.close());

  // What the gateway adds (client's scheme and host) and what Chromium sends on a same-origin fetch.
  const browser = (extra: Record<string, string> = {}) => ({ 'x-session-transport': 'cookie', 'x-forwarded-proto': 'http', 'x-forwarded-host': '127.0.0.1:3000', 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:3000', ...extra });
  const cookieOf = (setCookie: string | string[] | undefined): string => {
    const header = Array.isArray(setCookie) ? setCookie.join('\n') : (setCookie ?? '');
    return /lsc_refresh=([^;]*)/.exec(header)?.[1] ?? '';
  };
  const passwordLogin = async (headers: Record<string, string>) =>
    h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers: { ...viaGateway(randomIp()), ...headers }, payload: { login: account.loginName, password: account.password, ...(await h.captcha('login')) } });
  const refresh = (headers: Record<string, string>, token?: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions/refresh', headers: { ...headers, ...(token ? { cookie: `other=1; lsc_refresh=${token}` } : {}) }, payload: {} });

  it('password login puts the refresh token only in an HttpOnly, SameSite=Strict cookie scoped to the session endpoints', async () => {
    const res = await passwordLogin(browser());
    expect(res.statusCode).toBe(200);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    expect(body).not.toHaveProperty('refreshToken');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^lsc_refresh=[A-Za-z0-9_-]{20,}; Path=\/api\/v1\/identity\/sessions; Max-Age=2592000; HttpOnly; SameSite=Strict$/);
    expect(res.body).not.toContain(cookieOf(setCookie));
  });

  it('marks the cookie Secure when the browser used HTTPS (per the gateway’s X-Forwarded-Proto)', async () => {
    const res = await passwordLogin(browser({ 'x-forwarded-proto': 'https', origin: 'https://127.0.0.1:3000' }));
    expect(String(res.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('SMS login works in cookie mode too', async () => {
    // Registration sent this mobile a code a moment ago: let the resend cooldown pass (this test owns the prefix).
    const cooldowns = await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}sms:cooldown:*`);
    if (cooldowns.length) await h.redis.del(...cooldowns);
    const code = await h.smsCode(String(account.mobile), 'login');
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions/sms', headers: browser(), payload: { mobile: account.mobile, code } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).not.toHaveProperty('refreshToken');
    expect(cookieOf(res.headers['set-cookie'])).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('refresh reads the cookie, rotates it, and a replayed old cookie ends the login and clears the cookie', async () => {
    const first = cookieOf((await passwordLogin(browser())).headers['set-cookie']);
    const refreshed = await refresh(browser(), first);
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json()).toMatchObject({ accessToken: expect.any(String), principal: { roles: ['institution'] } });
    expect(refreshed.json()).not.toHaveProperty('refreshToken');
    const second = cookieOf(refreshed.headers['set-cookie']);
    expect(second).not.toBe(first);
    expect(second.length).toBeGreaterThan(20);

    const replay = await refresh(browser(), first);
    expect(replay.statusCode).toBe(401);
    expect((replay.json() as { code: string }).code).toBe('REFRESH_TOKEN_REUSED');
    expect(String(replay.headers['set-cookie'])).toMatch(/^lsc_refresh=; Path=\/api\/v1\/identity\/sessions; Max-Age=0; HttpOnly; SameSite=Strict$/);
    // Reuse revoked the whole login, the rotated token included.
    expect((await refresh(browser(), second)).statusCode).toBe(401);
  });

  it('refresh without a cookie answers 204 (no login to resume), not an error; a malformed cookie is a 401', async () => {
    const res = await refresh(browser());
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const bad = await refresh(browser(), 'not-a-token-we-issued');
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ code: 'INVALID_REFRESH_TOKEN', message: '登录已失效，请重新登录' });
  });

  it('a cross-site request cannot refresh or log out: 403 in Chinese, the login stays usable', async () => {
    const token = cookieOf((await passwordLogin(browser())).headers['set-cookie']);
    for (const headers of [
      browser({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }),
      browser({ 'sec-fetch-site': 'same-site', origin: 'http://other.127.0.0.1:3000' }),
      // An engine without Sec-Fetch-*: the Origin decides.
      (({ 'sec-fetch-site': _s, ...rest }) => ({ ...rest, origin: 'https://evil.example' }))(browser()),
      // Neither header: not a page of ours.
      (({ 'sec-fetch-site': _s, origin: _o, ...rest }) => rest)(browser()),
    ]) {
      const res = await refresh(headers, token);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'CROSS_SITE_REQUEST', message: '拒绝来自其他网站的请求：请在本站页面中操作' });
      expect(res.headers['set-cookie']).toBeUndefined();
      const logout = await h.app.inject({ method: 'DELETE', url: '/api/v1/identity/sessions', headers: { ...headers, cookie: `lsc_refresh=${token}` } });
      expect(logout.statusCode).toBe(403);
    }
    // Same origin without Sec-Fetch-Site (older engines) passes on Origin alone.
    const { 'sec-fetch-site': _s, ...originOnly } = browser();
    expect((await refresh(originOnly, token)).statusCode).toBe(200);
  });

  it('logout revokes the cookie’s login and clears the cookie; it is idempotent', async () => {
    const token = cookieOf((await passwordLogin(browser())).headers['set-cookie']);
    const out = await h.app.inject({ method: 'DELETE', url: '/api/v1/identity/sessions', headers: { ...browser(), cookie: `lsc_refresh=${token}` } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('lsc_refresh=; Path=/api/v1/identity/sessions; Max-Age=0');
    expect((await refresh(browser(), token)).statusCode).toBe(401);
    const again = await h.app.inject({ method: 'DELETE', url: '/api/v1/identity/sessions', headers: browser() });
    expect(again.statusCode).toBe(204);
  });

  it('keeps the body-token API for API clients: no cookie set, refresh token in and out of the body', async () => {
    const res = await passwordLogin({});
    expect(res.headers['set-cookie']).toBeUndefined();
    const { refreshToken } = res.json() as { refreshToken: string };
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const refreshed = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions/refresh', payload: { refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.headers['set-cookie']).toBeUndefined();
    expect(refreshed.json()).toHaveProperty('refreshToken');
    // A cookie alone does not authenticate a request that did not ask for the cookie transport.
    const cookieOnly = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions/refresh', headers: { cookie: `lsc_refresh=${(refreshed.json() as { refreshToken: string }).refreshToken}` }, payload: {} });
    expect(cookieOnly.statusCode).toBe(400);
  });

  /** A separate account: these change its password or mobile. A fresh cookie login, as the portal has one. */
  async function cookieLoginOfNewAccount() {
    const own = validRegistration({ loginName: `ckc_${Date.now().toString(36)}` });
    const cooldowns = await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}sms:cooldown:*`);
    if (cooldowns.length) await h.redis.del(...cooldowns);
    expect((await register(h, own)).statusCode).toBe(201);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers: { ...viaGateway(randomIp()), ...browser() }, payload: { login: own.loginName, password: own.password, ...(await h.captcha('login')) } });
    expect(res.statusCode).toBe(200);
    return { own, accessToken: (res.json() as { accessToken: string }).accessToken, cookie: cookieOf(res.headers['set-cookie']) };
  }

  it('changing the mobile in a browser session replaces the refresh cookie (the old one was ended) and keeps the token out of the body', async () => {
    const { own, accessToken, cookie } = await cookieLoginOfNewAccount();
    const newMobile = randomMobile();
    const cooldowns = await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}sms:cooldown:*`);
    if (cooldowns.length) await h.redis.del(...cooldowns);
    const code = await h.smsCode(newMobile, 'change_mobile');
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/identity/me/mobile', headers: { ...browser(), authorization: `Bearer ${accessToken}` }, payload: { mobile: newMobile, code, currentPassword: own.password } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { mobile: string; session: Record<string, unknown> };
    expect(body.mobile).toBe(newMobile);
    expect(body.session).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer' });
    expect(body.session).not.toHaveProperty('refreshToken');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^lsc_refresh=[A-Za-z0-9_-]{20,}; Path=\/api\/v1\/identity\/sessions; Max-Age=2592000; HttpOnly; SameSite=Strict$/);
    const fresh = cookieOf(setCookie);
    expect(fresh).not.toBe(cookie);
    expect(res.body).not.toContain(fresh);
    // The browser's old cookie belonged to an ended login; the new one resumes the session (a reload stays logged in).
    expect((await refresh(browser(), cookie)).statusCode).toBe(401);
    expect((await refresh(browser(), fresh)).statusCode).toBe(200);
  });

  it('changing the password in a browser session does the same; an API client gets the new refresh token in the body', async () => {
    const { own, accessToken, cookie } = await cookieLoginOfNewAccount();
    const password = 'New#pass2024ck';
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/identity/me/password', headers: { ...browser(), authorization: `Bearer ${accessToken}` }, payload: { currentPassword: own.password, password, confirmPassword: password } });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { session: Record<string, unknown> }).session).not.toHaveProperty('refreshToken');
    const fresh = cookieOf(res.headers['set-cookie']);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect((await refresh(browser(), cookie)).statusCode).toBe(401);
    const resumed = await refresh(browser(), fresh);
    expect(resumed.statusCode).toBe(200);

    const again = 'New#pass2025ck';
    const api = await h.app.inject({ method: 'POST', url: '/api/v1/identity/me/password', headers: { authorization: `Bearer ${(resumed.json() as { accessToken: string }).accessToken}` }, payload: { currentPassword: password, password: again, confirmPassword: again } });
    expect(api.statusCode).toBe(200);
    expect(api.headers['set-cookie']).toBeUndefined();
    const { refreshToken } = (api.json() as { session: { refreshToken: string } }).session;
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions/refresh', payload: { refreshToken } })).statusCode).toBe(200);
  });

  it('documents the session endpoints for the generated client', async () => {
    const doc = (await (await fetch(`${h.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content?: unknown }>; parameters: Array<{ name: string }> }>> };
    const login = doc.paths['/api/v1/identity/sessions']!.post!;
    expect(login.requestBody).toBeDefined();
    expect(login.responses['200']!.content).toBeDefined();
    expect(login.parameters.map((p) => p.name)).toContain('X-Session-Transport');
  });
});
