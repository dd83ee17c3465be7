import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLIENT_IP_HEADER, CLIENT_IP_SIGNATURE_HEADER, DEVELOPMENT_CLIENT_IP_SECRET, signClientIp, verifiedClientIp } from '@lsc/service-kit';
import { FakeUpstream, json, rawRequest } from './testing/fake-upstream';
import { CLOSED_PORT_URL, randomIp, startGateway, type RunningGateway } from './testing/gateway-harness';
import { testTokenIssuer, type TestTokenIssuer } from './testing/token-issuer';

const STANDARD_CONFLICT = { code: 'APPLICATION_VERSION_CONFLICT', message: '申请已被他人修改，请刷新后重试', details: [], correlationId: 'from-service' };
const LOGIN_LIMIT = 3;

const expectStandardShape = (body: unknown): void => {
  // fetch builds its arrays in Node's realm, not jest's, so `expect.any(Array)` cannot be used here.
  expect(body).toEqual({ code: expect.any(String), message: expect.stringMatching(/[\u4e00-\u9fff]/), details: expect.anything(), correlationId: expect.any(String) });
  expect(Array.isArray((body as { details: unknown }).details)).toBe(true);
};

function multipart(field: string, filename: string, content: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----lsc${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, content, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('gateway', () => {
  let identity: FakeUpstream;
  let billing: FakeUpstream;
  let notification: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    identity = await new FakeUpstream(['/api/v1/identity/sessions', '/internal/rebuild'], { Session: { type: 'object', properties: { token: { type: 'string' } } } })
      .on('* /api/v1/identity/echo', (_req, res, seen) => json(res, 200, seen, { 'x-upstream': 'identity' }))
      .on('POST /api/v1/identity/sessions', (_req, res) => json(res, 201, { token: 't' }))
      .answerEarly('POST /api/v1/identity/early-refusal', (_req, res) => json(res, 401, { code: 'UNAUTHENTICATED', message: '请先登录', details: [], correlationId: 'from-service' }))
      .on('GET /api/v1/identity/conflict', (_req, res) => json(res, 409, STANDARD_CONFLICT))
      .on('GET /api/v1/identity/nest-error', (_req, res) => json(res, 400, { statusCode: 400, message: 'Bad Request', error: 'Bad Request' }))
      .on('GET /api/v1/identity/html-error', (_req, res) => {
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<h1>Internal Server Error</h1><pre>at Object.<anonymous> (/srv/identity/main.js:1:1)</pre>');
      })
      .on('GET /api/v1/identity/slow', async (_req, res) => {
        const gone = new AbortController();
        res.on('close', () => gone.abort());
        await sleep(3000, undefined, { signal: gone.signal }).then(
          () => json(res, 200, { late: true }),
          () => undefined,
        );
      })
      .start();
    billing = await new FakeUpstream(['/api/v1/billing/statements'], { Session: { type: 'object', properties: { amount: { type: 'integer' } } } })
      .on('POST /api/v1/billing/statements', (_req, res, seen) => json(res, 202, seen))
      .start();
    notification = await new FakeUpstream(['/api/v1/notification/templates']).start();
    gw = await startGateway(
      {
        IDENTITY_URL: identity.url,
        BILLING_URL: billing.url,
        NOTIFICATION_URL: notification.url,
        MEMBERSHIP_URL: CLOSED_PORT_URL,
        UPSTREAM_TIMEOUT_MS: '700',
        OPENAPI_REFRESH_MS: '1000',
        CORS_ORIGINS: 'https://hy.lsc.org.cn',
        TRUSTED_PROXIES: '127.0.0.1',
        RATE_LIMIT_PER_MINUTE: '1000',
      },
      { rateLimitPolicies: [{ name: `login-${randomUUID()}`, methods: ['POST'], pattern: /^\/api\/v1\/identity\/sessions\/?$/, max: LOGIN_LIMIT, windowMs: 60_000 }] },
    );
  });

  afterAll(async () => {
    await gw?.app.close();
    await Promise.all([identity?.stop(), billing?.stop(), notification?.stop()]);
  });

  describe('forwarding', () => {
    it('forwards method, path, query, body and the headers services rely on', async () => {
      const body = JSON.stringify({ name: '国家图书馆' });
      const response = await fetch(`${gw.url}/api/v1/identity/echo?page=2&q=%E5%9B%BE%E4%B9%A6`, {
        method: 'PATCH',
        headers: { authorization: 'Bearer abc.def.ghi', 'idempotency-key': 'idem-1', 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': '6.6.6.6, 198.51.100.20' },
        body,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-upstream')).toBe('identity');
      const seen = (await response.json()) as { method: string; url: string; headers: Record<string, string>; bodySha256: string };
      expect(seen.method).toBe('PATCH');
      expect(seen.url).toBe('/api/v1/identity/echo?page=2&q=%E5%9B%BE%E4%B9%A6');
      expect(seen.bodySha256).toBe(sha256(Buffer.from(body)));
      expect(seen.headers).toMatchObject({ authorization: 'Bearer abc.def.ghi', 'idempotency-key': 'idem-1', 'content-type': 'application/json', accept: 'application/json' });
      // The trusted proxy (the test client on loopback) vouches only for the last hop; 6.6.6.6 is forged.
      expect(seen.headers['x-forwarded-for']).toBe('198.51.100.20');
      expect(seen.headers['x-real-ip']).toBe('198.51.100.20');
    });

    it('signs the resolved client address for the services and drops a client-supplied one', async () => {
      const forged = { [CLIENT_IP_HEADER]: '6.6.6.6', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('6.6.6.6', 'a-guessed-secret-of-thirty-two-chars!') };
      const response = await fetch(`${gw.url}/api/v1/identity/echo`, { headers: { ...forged, 'x-forwarded-for': '198.51.100.21' } });
      const seen = (await response.json()) as { headers: Record<string, string> };
      expect(seen.headers[CLIENT_IP_HEADER]).toBe('198.51.100.21');
      expect(seen.headers[CLIENT_IP_SIGNATURE_HEADER]).toBe(signClientIp('198.51.100.21', DEVELOPMENT_CLIENT_IP_SECRET));
      const asService = { headers: seen.headers, raw: { socket: { remoteAddress: '127.0.0.1' } } } as unknown as Parameters<typeof verifiedClientIp>[0];
      expect(verifiedClientIp(asService, DEVELOPMENT_CLIENT_IP_SECRET)).toBe('198.51.100.21');
    });

    it('drops hop-by-hop headers, including those named in Connection', async () => {
      const response = await rawRequest(gw.url, 'GET', '/api/v1/identity/echo', { connection: 'keep-alive, x-hop-secret', 'x-hop-secret': 's', 'proxy-authorization': 'p', te: 'trailers', 'x-kept': 'k' });
      const seen = JSON.parse(response.body) as { headers: Record<string, string> };
      expect(seen.headers['x-kept']).toBe('k');
      expect(seen.headers['x-hop-secret']).toBeUndefined();
      expect(seen.headers['proxy-authorization']).toBeUndefined();
      expect(seen.headers.te).toBeUndefined();
    });

    it('streams a 3 MB multipart bank statement through unchanged', async () => {
      const file = randomBytes(3 * 1024 * 1024);
      const { body, contentType } = multipart('file', '对账单.csv', file);
      const started = performance.now();
      const response = await fetch(`${gw.url}/api/v1/billing/statements`, { method: 'POST', headers: { 'content-type': contentType }, body });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(202);
      const seen = (await response.json()) as { bodyLength: number; bodySha256: string; headers: Record<string, string> };
      expect(seen.bodyLength).toBe(body.length);
      expect(seen.bodySha256).toBe(sha256(body));
      expect(seen.headers['content-type']).toBe(contentType);
      process.stdout.write(`3 MB multipart through the gateway: ${elapsed.toFixed(0)} ms\n`);
    });

    it('refuses a body over the route limit with 413 in the standard shape, declared or chunked', async () => {
      const big = randomBytes(1100 * 1024);
      const declared = await fetch(`${gw.url}/api/v1/identity/echo`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: big });
      expect(declared.status).toBe(413);
      expectStandardShape(await declared.json());

      const before = identity.seen.length;
      const chunked = await fetch(`${gw.url}/api/v1/identity/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 11; i++) controller.enqueue(new Uint8Array(100 * 1024));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      const body = (await chunked.json()) as { code: string };
      expect(body.code).toBe('PAYLOAD_TOO_LARGE');
      // The upstream may have started receiving, but never received a complete oversized body.
      expect(identity.seen.slice(before).every((s) => s.bodyLength <= 1024 * 1024)).toBe(true);
    });

    it('answers a service that refuses before the body has arrived only once the client has sent it, and keeps the connection', async () => {
      // Streamed, the refusal came back while the client was still sending and the connection was closed under it
      // (EPIPE instead of the answer, and no keep-alive); small bodies are now read to the end first.
      const body = Buffer.from(`--b\r\nContent-Disposition: form-data; name="recipient"\r\n\r\n${'张'.repeat(40)}\r\n--b--\r\n`);
      const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
      let received = '';
      let closed = false;
      socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
      socket.on('close', () => (closed = true));
      socket.write(`POST /api/v1/identity/early-refusal HTTP/1.1\r\nHost: gw\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.write(body.subarray(0, 20));
      await sleep(300);
      expect({ received, closed }).toEqual({ received: '', closed: false });
      socket.write(body.subarray(20));
      await until(() => received.includes('请先登录'));
      expect(received).toMatch(/^HTTP\/1\.1 401/);
      expect(received.toLowerCase()).not.toContain('connection: close');
      received = '';
      socket.write('GET /health/live HTTP/1.1\r\nHost: gw\r\n\r\n');
      await until(() => /\r\n\r\n\{/.test(received));
      expect(received).toMatch(/^HTTP\/1\.1 200/);
      expect(closed).toBe(false);
      socket.destroy();
    });

    it('does not let ../ or %2e%2e escape the area prefix', async () => {
      const before = identity.seen.length;
      for (const path of ['/api/v1/identity/%2e%2e/%2e%2e/%2e%2e/metrics', '/api/v1/identity/../../../internal/rebuild', '/api/v1/identity/..%5c..%5c..%5cmetrics']) {
        const response = await rawRequest(gw.url, 'GET', path);
        expect(response.status).toBe(400);
        expectStandardShape(JSON.parse(response.body));
      }
      // The docs poller may fetch /openapi.json meanwhile; nothing else may reach the service.
      expect(identity.seen.slice(before).filter((s) => s.url !== '/openapi.json')).toEqual([]);
    });

    it('answers an unknown area with 404 in the standard shape', async () => {
      const response = await fetch(`${gw.url}/api/v1/library/x`);
      expect(response.status).toBe(404);
      expectStandardShape(await response.json());
    });
  });

  describe('correlation id', () => {
    it('passes the caller’s id to the service and back', async () => {
      const response = await fetch(`${gw.url}/api/v1/identity/echo`, { headers: { 'x-correlation-id': 'web-123' } });
      expect(response.headers.get('x-correlation-id')).toBe('web-123');
      const seen = (await response.json()) as { headers: Record<string, string> };
      expect(seen.headers['x-correlation-id']).toBe('web-123');
    });

    it('generates one when missing and uses the same id both ways', async () => {
      const response = await fetch(`${gw.url}/api/v1/identity/echo`);
      const id = response.headers.get('x-correlation-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const seen = (await response.json()) as { headers: Record<string, string> };
      expect(seen.headers['x-correlation-id']).toBe(id);
    });
  });

  describe('upstream errors', () => {
    it('passes a standard-shaped error through unchanged', async () => {
      const response = await fetch(`${gw.url}/api/v1/identity/conflict`);
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual(STANDARD_CONFLICT);
    });

    it.each([
      ['/api/v1/identity/nest-error', 400, 'BAD_REQUEST'],
      ['/api/v1/identity/html-error', 500, 'INTERNAL'],
      ['/api/v1/identity/no-such-route', 404, 'NOT_FOUND'],
    ])('maps a non-conforming error body from %s into the shape', async (path, status, code) => {
      const response = await fetch(`${gw.url}${path}`, { headers: { 'x-correlation-id': 'map-1' } });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { code: string; correlationId: string };
      expectStandardShape(body);
      expect(body.code).toBe(code);
      expect(body.correlationId).toBe('map-1');
      expect(JSON.stringify(body)).not.toContain('/srv/identity');
    });

    it('answers 502 in the standard shape when the service is down', async () => {
      const response = await fetch(`${gw.url}/api/v1/membership/applications`, { headers: { 'x-correlation-id': 'down-1' } });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ code: 'BAD_GATEWAY', message: '会员服务暂不可用，请稍后再试', details: [], correlationId: 'down-1' });
    });

    it('answers 504 in the standard shape when the service is too slow', async () => {
      const started = performance.now();
      const response = await fetch(`${gw.url}/api/v1/identity/slow`);
      const elapsed = performance.now() - started;
      expect(response.status).toBe(504);
      const body = (await response.json()) as { code: string; message: string };
      expectStandardShape(body);
      expect(body.code).toBe('GATEWAY_TIMEOUT');
      expect(elapsed).toBeLessThan(2500);
    });
  });

  describe('security', () => {
    it('sets security headers on proxied and own answers', async () => {
      for (const path of ['/api/v1/identity/echo', '/health/live', '/api/v1/membership/x']) {
        const response = await fetch(`${gw.url}${path}`);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('strict-transport-security')).toContain('max-age=');
        expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(response.headers.get('cross-origin-resource-policy')).toBe('same-site');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });

    it('answers a CORS preflight from an allowed origin without calling the service', async () => {
      const before = identity.seen.length;
      const response = await fetch(`${gw.url}/api/v1/identity/sessions`, {
        method: 'OPTIONS',
        headers: { origin: 'https://hy.lsc.org.cn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key,content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://hy.lsc.org.cn');
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
      // Only this path counts: the gateway's own background fetches (the OpenAPI refresh) may reach the service meanwhile.
      expect(identity.seen.slice(before).filter((s) => s.url.startsWith('/api/v1/identity/sessions'))).toEqual([]);
    });

    it('does not grant CORS to another origin', async () => {
      const response = await fetch(`${gw.url}/api/v1/identity/echo`, { headers: { origin: 'https://evil.example' } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('limits login attempts per client IP with 429 in the standard shape and Retry-After', async () => {
      const ip = randomIp();
      const login = (from: string) => fetch(`${gw.url}/api/v1/identity/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: '{}' });
      for (let i = 0; i < LOGIN_LIMIT; i++) expect((await login(ip)).status).toBe(201);
      const limited = await login(ip);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await limited.json()) as { code: string; message: string };
      expectStandardShape(body);
      expect(body.code).toBe('TOO_MANY_REQUESTS');
      expect(body.message).toMatch(/秒后重试/);
      // Another client is unaffected, and the strict bucket does not eat into the general one.
      expect((await login(randomIp())).status).toBe(201);
      expect((await fetch(`${gw.url}/api/v1/identity/echo`, { headers: { 'x-forwarded-for': ip } })).status).toBe(200);
    });
  });

  describe('health', () => {
    it('reports each service’s readiness', async () => {
      const response = await fetch(`${gw.url}/health/upstreams`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; upstreams: Record<string, { status: string }> };
      expect(body.status).toBe('degraded');
      expect(body.upstreams.identity!.status).toBe('up');
      expect(body.upstreams.billing!.status).toBe('up');
      expect(body.upstreams.membership!.status).toBe('down');
    });

    it('keeps its own liveness and Redis readiness', async () => {
      expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${gw.url}/health/ready`)).status).toBe(200);
    });

    // Issue #25 item 8: the Ingress routes `/` here, so every request it relays carries X-Forwarded-For.
    it.each(['/health/live', '/health/ready', '/health/upstreams', '/metrics', '/health/live?x=1'])('answers %s through a proxy with 404 in the standard shape', async (path) => {
      for (const forwarding of [{ 'x-forwarded-for': randomIp() }, { forwarded: 'for=198.51.100.1' }, { 'x-real-ip': '198.51.100.1' }] as Array<Record<string, string>>) {
        const response = await fetch(`${gw.url}${path}`, { headers: forwarding });
        expect([path, forwarding, response.status]).toEqual([path, forwarding, 404]);
        expectStandardShape(await response.json());
      }
      // The kubelet and Prometheus call the pod directly.
      expect((await fetch(`${gw.url}${path}`)).status).toBe(200);
    });

    it('probes the services at most once per period, however many ask', async () => {
      const probes = () => identity.seen.filter((r) => r.url === '/health/ready').length;
      const before = probes();
      await Promise.all(Array.from({ length: 10 }, () => fetch(`${gw.url}/health/upstreams`)));
      for (let i = 0; i < 10; i++) expect((await fetch(`${gw.url}/health/upstreams`)).status).toBe(200);
      expect(probes() - before).toBeLessThanOrEqual(1);
    });
  });

  describe('OpenAPI', () => {
    interface Doc {
      info: { description: string };
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }

    it('serves Swagger UI and its assets', async () => {
      const page = await fetch(`${gw.url}/api/docs`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/api/docs/swagger-ui-bundle.js');
      const bundle = await fetch(`${gw.url}/api/docs/swagger-ui-bundle.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    });

    it('merges the services’ /api/v1 paths, keeps the last good copy of a service that went down', async () => {
      const first = (await (await fetch(`${gw.url}/api/docs-json`)).json()) as Doc;
      expect(Object.keys(first.paths).sort()).toEqual(['/api/v1/billing/statements', '/api/v1/identity/sessions', '/api/v1/notification/templates']);
      // Same name, different definitions: the later service's schema is renamed, not lost.
      expect(Object.keys(first.components.schemas).sort()).toEqual(['Session', 'billing.Session']);
      expect(first.info.description).toContain('membership');

      await notification.stop();
      await sleep(1600);
      const later = (await (await fetch(`${gw.url}/api/docs-json`)).json()) as Doc;
      expect(later.paths).toHaveProperty(['/api/v1/notification/templates']);
      expect(later.info.description).toMatch(/上次获取.*notification/);
    });
  });
});

describe('gateway rate limit per client', () => {
  let identity: FakeUpstream;
  let gw: RunningGateway;
  let issuer: TestTokenIssuer;
  let forger: TestTokenIssuer;
  const PER_MINUTE = 5;

  beforeAll(async () => {
    [issuer, forger] = await Promise.all([testTokenIssuer(), testTokenIssuer()]);
    identity = await new FakeUpstream([])
      .on('GET /api/v1/identity/me', (_req, res) => json(res, 200, { ok: true }))
      .on('GET /api/v1/identity/.well-known/jwks.json', (_req, res) => json(res, 200, issuer.jwks))
      .start();
    gw = await startGateway({
      IDENTITY_URL: identity.url,
      JWT_JWKS_URL: `${identity.url}/api/v1/identity/.well-known/jwks.json`,
      MEMBERSHIP_URL: CLOSED_PORT_URL,
      BILLING_URL: CLOSED_PORT_URL,
      NOTIFICATION_URL: CLOSED_PORT_URL,
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
    });
  });

  afterAll(async () => {
    await gw?.app.close();
    await identity?.stop();
  });

  const me = (ip: string, token?: string) => fetch(`${gw.url}/api/v1/identity/me`, { headers: { 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const unsigned = (sub: string) => `e30.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.sig`;

  it('counts a verified token subject across addresses, and addresses without a token separately', async () => {
    const token = await issuer.accessToken(`org-${randomUUID()}`);
    const statuses: number[] = [];
    for (let i = 0; i <= PER_MINUTE; i++) statuses.push((await me(randomIp(), token)).status);
    expect(statuses).toEqual([...Array(PER_MINUTE).fill(200), 429]);
    expect((await me(randomIp())).status).toBe(200);
    expect((await me(randomIp(), await issuer.accessToken(`org-${randomUUID()}`))).status).toBe(200);
  });

  // Issue #25 item 8: an unverified `sub` let every forged token open a fresh bucket.
  it.each([
    ['unsigned', async (sub: string) => unsigned(sub)],
    ['signed by another key', (sub: string) => forger.accessToken(sub)],
  ])('counts a caller with a new %s token per request by its address', async (_kind, forge) => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i <= PER_MINUTE; i++) statuses.push((await me(ip, await forge(`org-${randomUUID()}`))).status);
    expect(statuses).toEqual([...Array(PER_MINUTE).fill(200), 429]);
  });

  it('never limits health and metrics', async () => {
    for (let i = 0; i <= PER_MINUTE + 1; i++) expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
  });
});
