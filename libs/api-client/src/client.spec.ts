import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiClient, REFRESH_PATH, SESSIONS_PATH, unwrap } from './client';
import { ApiError, NetworkError, RateLimitedError } from './errors';

/**
 * A small HTTP server playing identity and one protected resource: tokens are counters, the "cookie" is whatever
 * identity set last. It records every request so the tests can see what the client sent.
 */
class FakeGateway {
  readonly seen: Array<{ method: string; path: string; authorization?: string; transport?: string; body: string }> = [];
  validToken = 'access-1';
  refreshAllowed = true;
  /** The browser holds no refresh cookie: identity answers the refresh with 204. */
  noCookie = false;
  refreshDelayMs = 0;
  private server?: Server;
  private issued = 1;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server!.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  refreshes(): number {
    return this.seen.filter((s) => s.path === REFRESH_PATH).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const path = (req.url ?? '').split('?')[0]!;
    this.seen.push({ method: req.method!, path, authorization: req.headers.authorization, transport: req.headers['x-session-transport'] as string | undefined, body });
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const session = (token: string) => ({ accessToken: token, tokenType: 'Bearer', expiresIn: 900, principal: { sub: 'institution:1', roles: ['institution'] } });
    if (path === SESSIONS_PATH && req.method === 'POST') return send(200, session(this.validToken));
    if (path === SESSIONS_PATH && req.method === 'DELETE') return send(204);
    if (path === REFRESH_PATH) {
      await new Promise((r) => setTimeout(r, this.refreshDelayMs));
      if (this.noCookie) return send(204);
      if (!this.refreshAllowed) return send(401, { code: 'INVALID_REFRESH_TOKEN', message: '登录已失效，请重新登录', details: [] });
      this.validToken = `access-${++this.issued}`;
      return send(200, session(this.validToken));
    }
    if (path === '/api/v1/membership/applications' && req.method === 'POST') {
      if (req.headers.authorization !== `Bearer ${this.validToken}`) return send(401, { code: 'UNAUTHENTICATED', message: '请先登录', details: [] });
      return send(201, { echoed: JSON.parse(body) });
    }
    if (path === '/api/v1/identity/me/mobile' && req.method === 'POST') {
      if (req.headers.authorization !== `Bearer ${this.validToken}`) return send(401, { code: 'UNAUTHENTICATED', message: '请先登录', details: [] });
      // Identity ends every login and answers a new one; the refresh token went into the cookie (transport: cookie).
      this.validToken = `access-${++this.issued}`;
      return send(200, { mobile: JSON.parse(body).mobile, session: session(this.validToken) }, { 'set-cookie': 'lsc_refresh=new; Path=/api/v1/identity/sessions; HttpOnly; SameSite=Strict' });
    }
    if (path === '/api/v1/identity/me') {
      if (req.headers.authorization !== `Bearer ${this.validToken}`) return send(401, { code: 'UNAUTHENTICATED', message: '请先登录', details: [] });
      return send(200, { ok: true });
    }
    if (path === '/api/v1/identity/captcha') return send(429, { code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试', details: [] }, { 'retry-after': '5' });
    send(404, { code: 'NOT_FOUND', message: '请求的资源不存在', details: [] });
  }
}

describe('createApiClient', () => {
  let server: FakeGateway;
  beforeEach(async () => (server = await new FakeGateway().start()));
  afterEach(() => server.stop());

  const login = (api: ReturnType<typeof createApiClient>) => api.POST('/api/v1/identity/sessions', { body: { login: 'u', password: 'p', captchaId: 'c', captchaAnswer: '1' } });

  it('asks for the cookie transport on session calls and keeps the access token in memory for later calls', async () => {
    const api = createApiClient({ baseUrl: server.url });
    await login(api);
    expect(server.seen[0]).toMatchObject({ path: SESSIONS_PATH, transport: 'cookie', authorization: undefined });
    expect(api.session.accessToken).toBe('access-1');
    expect(api.session.principal).toEqual({ sub: 'institution:1', roles: ['institution'] });
    await unwrap(api.GET('/api/v1/identity/me'));
    expect(server.seen[1]).toMatchObject({ path: '/api/v1/identity/me', authorization: 'Bearer access-1', transport: undefined });
  });

  it('a mobile change asks for the cookie transport with the bearer token and adopts the new session it answers', async () => {
    const api = createApiClient({ baseUrl: server.url });
    await login(api);
    const changed = await unwrap(api.POST('/api/v1/identity/me/mobile', { body: { mobile: '13800000000', code: '123456', currentPassword: 'p' } as never }));
    expect(changed).toMatchObject({ mobile: '13800000000' });
    expect(server.seen.at(-1)).toMatchObject({ path: '/api/v1/identity/me/mobile', transport: 'cookie', authorization: 'Bearer access-1' });
    // The old access token's login was ended: later calls use the answered one, without a refresh round trip.
    expect(api.session.accessToken).toBe('access-2');
    await unwrap(api.GET('/api/v1/identity/me'));
    expect(server.seen.at(-1)).toMatchObject({ path: '/api/v1/identity/me', authorization: 'Bearer access-2', transport: undefined });
    expect(server.refreshes()).toBe(0);
  });

  it('on a 401 refreshes once through the cookie endpoint and retries the call with its body', async () => {
    const api = createApiClient({ baseUrl: server.url });
    await login(api);
    server.validToken = 'rotated-elsewhere'; // the access token expired
    const result = await api.POST('/api/v1/membership/applications', { body: { kind: 'new' } as never });
    expect(result.response.status).toBe(201);
    expect(result.data).toEqual({ echoed: { kind: 'new' } });
    expect(server.refreshes()).toBe(1);
    const calls = server.seen.filter((s) => s.path === '/api/v1/membership/applications');
    expect(calls.map((c) => c.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(calls[1]!.body).toBe('{"kind":"new"}');
  });

  it('shares one refresh between concurrent calls that got a 401', async () => {
    const api = createApiClient({ baseUrl: server.url });
    server.refreshDelayMs = 100;
    await Promise.all([api.GET('/api/v1/identity/me'), api.GET('/api/v1/identity/me'), api.GET('/api/v1/identity/me')]);
    expect(server.refreshes()).toBe(1);
    expect(api.session.loggedIn).toBe(true);
  });

  it('returns the original 401 and ends the session when the refresh is refused', async () => {
    const expired = jest.fn();
    const api = createApiClient({ baseUrl: server.url, onSessionExpired: expired });
    await login(api);
    server.validToken = 'elsewhere';
    server.refreshAllowed = false;
    await expect(unwrap(api.GET('/api/v1/identity/me'))).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: '请先登录' });
    expect(api.session.loggedIn).toBe(false);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(server.refreshes()).toBe(1);
  });

  it('restores a session from the cookie (reload, new tab) and logs out', async () => {
    const api = createApiClient({ baseUrl: server.url });
    expect(await api.restoreSession()).toBe(true);
    expect(api.session.accessToken).toBe('access-2');
    await api.logout();
    expect(api.session.loggedIn).toBe(false);
    expect(server.seen.at(-1)).toMatchObject({ method: 'DELETE', path: SESSIONS_PATH, transport: 'cookie' });
    server.refreshAllowed = false;
    expect(await createApiClient({ baseUrl: server.url }).restoreSession()).toBe(false);
    server.noCookie = true;
    const anonymous = createApiClient({ baseUrl: server.url });
    expect(await anonymous.restoreSession()).toBe(false);
    expect(anonymous.session.loggedIn).toBe(false);
  });

  it('surfaces 429 and network failures distinctly', async () => {
    const api = createApiClient({ baseUrl: server.url });
    const limited = await unwrap(api.GET('/api/v1/identity/captcha', { params: { query: { purpose: 'login' } } })).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited).toBeInstanceOf(ApiError);
    expect((limited as RateLimitedError).retryAfterSeconds).toBe(5);

    const offline = createApiClient({ baseUrl: 'http://127.0.0.1:9' });
    const failure = await unwrap(offline.GET('/api/v1/identity/captcha', { params: { query: { purpose: 'login' } } })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NetworkError);
    expect((failure as NetworkError).message).toBe('网络连接失败，请检查网络后重试');
  });
});
