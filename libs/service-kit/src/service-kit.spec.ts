import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import Redis from 'ioredis';
import { Body, Controller, Get, Module, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, IsString, Length, Min } from 'class-validator';
import { DomainError } from '@lsc/event-sourcing';
import { BaseServiceConfig, ConfigError, loadConfig } from './config';
import { createServiceApp } from './bootstrap';
import { ServiceKitModule } from './service-kit.module';
import { CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from './auth';
import { IdempotencyInterceptor } from './idempotency';

class CreateThing {
  @IsString({ message: '名称必须是文字' })
  @Length(1, 10, { message: '名称长度须为1-10个字符' })
  name!: string;

  @IsInt({ message: '数量必须是整数' })
  @Min(1, { message: '数量至少为1' })
  quantity!: number;
}

let created = 0;
const slowGate: { promise: Promise<void>; release: () => void } = (() => {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
})();

@Controller('things')
class ThingsController {
  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  create(@Body() body: CreateThing) {
    created += 1;
    return { id: randomUUID(), name: body.name, n: created };
  }

  /** Holds the request open until the test releases it, to look at the in-flight idempotency claim. */
  @Post('slow')
  @UseInterceptors(IdempotencyInterceptor)
  async slow(@Body() body: CreateThing) {
    await slowGate.promise;
    return { name: body.name };
  }

  @Get('conflict')
  conflict() {
    throw new DomainError('APPLICATION_ALREADY_PAID', '申请已缴费，不能取消');
  }

  @Get('crash')
  crash() {
    throw new Error('secret internals');
  }
}

@Controller('secure')
@UseGuards(JwtAuthGuard)
class SecureController {
  @Get()
  me(@CurrentPrincipal() p: Principal) {
    return p;
  }

  @Get('finance')
  @Roles('finance')
  finance() {
    return { ok: true };
  }
}

/** Serves a JWKS the way identity does, so the guard is tested against real HTTP key fetching. */
async function jwksServer(publicKey: KeyObject): Promise<{ url: string; server: Server }> {
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'EdDSA', use: 'sig' };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, server };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('service kit', () => {
  describe('configuration', () => {
    it('converts numbers, applies defaults and lists every problem at once', () => {
      const ok = loadConfig(BaseServiceConfig, { SERVICE_NAME: 'svc', HTTP_PORT: 3999 }, { HTTP_PORT: '4000' });
      expect(ok.HTTP_PORT).toBe(4000);
      expect(ok.KAFKA_BROKERS).toBe('127.0.0.1:9092');
      let error: unknown;
      try {
        loadConfig(BaseServiceConfig, { SERVICE_NAME: 'svc', HTTP_PORT: 3999 }, { HTTP_PORT: 'abc', KAFKA_BROKERS: 'nohostport', REDIS_URL: 'http://x' });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('HTTP_PORT');
      expect(message).toContain('KAFKA_BROKERS must be host:port');
      expect(message).toContain('REDIS_URL must be a redis:// URL');
    });
  });

  describe('HTTP behaviour (real Redis)', () => {
    let app: NestFastifyApplication;
    let jwks: { url: string; server: Server };
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');

    const sign = async (claims: Record<string, unknown>, options: { key?: KeyObject; header?: Record<string, unknown> } = {}) => {
      const header = { alg: 'EdDSA', typ: 'at+jwt', kid: 'k1', ...options.header };
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: 'https://lsc.org.cn/identity', aud: 'lsc-membership', sub: 'inst-1', roles: ['institution'], typ: 'access', iat: now, nbf: now, exp: now + 600, ...claims };
      const input = `${b64(header)}.${b64(payload)}`;
      const { sign: edSign } = await import('node:crypto');
      const signature = edSign(null, Buffer.from(input), options.key ?? privateKey).toString('base64url');
      return `${input}.${signature}`;
    };

    beforeAll(async () => {
      jwks = await jwksServer(publicKey);
      const config = Object.assign(new BaseServiceConfig(), { SERVICE_NAME: 'kit-test', HTTP_PORT: 0, LOG_LEVEL: 'silent', JWT_JWKS_URL: jwks.url });
      @Module({ imports: [ServiceKitModule.forRoot({ config, redis: true })], controllers: [ThingsController, SecureController] })
      class TestModule {}
      app = await createServiceApp(TestModule, config);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    });
    afterAll(async () => {
      await app.close();
      jwks.server.close();
    });

    it('answers validation failures with 400, the field, the rule and the Chinese message', async () => {
      const r = await app.inject({ method: 'POST', url: '/things', payload: { name: '', quantity: 0, extra: 'x' } });
      expect(r.statusCode).toBe(400);
      const body = r.json();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details).toEqual(
        expect.arrayContaining([
          { field: 'name', rule: 'isLength', message: '名称长度须为1-10个字符' },
          { field: 'quantity', rule: 'min', message: '数量至少为1' },
          expect.objectContaining({ field: 'extra', rule: 'whitelistValidation' }),
        ]),
      );
      expect(body.message).toContain('请求参数有误');
    });

    it('answers malformed JSON, unknown routes, domain conflicts and crashes in the one error shape without leaking internals', async () => {
      const badJson = await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json()).toMatchObject({ code: expect.any(String), message: expect.any(String), details: [] });
      const missing = await app.inject({ method: 'GET', url: '/nope' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'NOT_FOUND', message: '请求的资源不存在' });
      const conflict = await app.inject({ method: 'GET', url: '/things/conflict' });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toMatchObject({ code: 'APPLICATION_ALREADY_PAID', message: '申请已缴费，不能取消' });
      const crash = await app.inject({ method: 'GET', url: '/things/crash' });
      expect(crash.statusCode).toBe(500);
      expect(crash.body).not.toContain('secret internals');
      expect(crash.json()).toMatchObject({ code: 'INTERNAL' });
    });

    it('answers a malformed percent-encoded URL and an oversized request line in the standard shape (not the framework defaults)', async () => {
      const badUrl = await app.inject({ method: 'GET', url: '/things/%E0%A4%A' });
      expect(badUrl.statusCode).toBe(400);
      expect(badUrl.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.any(String), details: [] });
      await app.listen(0, '127.0.0.1');
      const address = app.getHttpServer().address() as AddressInfo;
      const huge = await fetch(`http://127.0.0.1:${address.port}/things?q=${'x'.repeat(20000)}`);
      expect(huge.status).toBe(431);
      expect(await huge.json()).toMatchObject({ code: 'HEADERS_TOO_LARGE', details: [] });
    });

    it('replays a creating POST with the same Idempotency-Key instead of creating twice; refuses the key for another body', async () => {
      const key = `k-${randomUUID()}`;
      const first = await app.inject({ method: 'POST', url: '/things', headers: { 'idempotency-key': key }, payload: { name: 'a', quantity: 1 } });
      const again = await app.inject({ method: 'POST', url: '/things', headers: { 'idempotency-key': key }, payload: { name: 'a', quantity: 1 } });
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect(again.headers['idempotent-replayed']).toBe('true');
      const different = await app.inject({ method: 'POST', url: '/things', headers: { 'idempotency-key': key }, payload: { name: 'b', quantity: 1 } });
      expect(different.statusCode).toBe(422);
      const fresh = await app.inject({ method: 'POST', url: '/things', headers: { 'idempotency-key': `k-${randomUUID()}` }, payload: { name: 'a', quantity: 1 } });
      expect(fresh.json().n).toBe(first.json().n + 1);
    });

    it('lets an in-flight Idempotency-Key claim lapse within minutes (a killed process never clears it), keeps the answer a day', async () => {
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const name = `s${randomUUID().slice(0, 8)}`;
      const claimKey = async (): Promise<string | undefined> => {
        for (const k of await redis.keys('*idem:*')) if ((await redis.get(k))?.includes(createHash('sha256').update(JSON.stringify({ name, quantity: 1 })).digest('hex'))) return k;
        return undefined;
      };
      try {
        const key = `k-${randomUUID()}`;
        const first = app.inject({ method: 'POST', url: '/things/slow', headers: { 'idempotency-key': key }, payload: { name, quantity: 1 } });
        let inFlight: string | undefined;
        for (let i = 0; i < 50 && !inFlight; i++) {
          await new Promise((r) => setTimeout(r, 20));
          inFlight = await claimKey();
        }
        expect(inFlight).toBeDefined();
        const ttl = await redis.ttl(inFlight!);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(120);
        const concurrent = await app.inject({ method: 'POST', url: '/things/slow', headers: { 'idempotency-key': key }, payload: { name, quantity: 1 } });
        expect(concurrent.statusCode).toBe(409);
        slowGate.release();
        expect((await first).statusCode).toBe(201);
        for (let i = 0; i < 50 && (await redis.ttl(inFlight!)) <= 120; i++) await new Promise((r) => setTimeout(r, 20));
        expect(await redis.ttl(inFlight!)).toBeGreaterThan(23 * 3600);
      } finally {
        slowGate.release();
        await redis.quit();
      }
    });

    it('accepts a valid EdDSA access token and enforces roles', async () => {
      const ok = await app.inject({ method: 'GET', url: '/secure', headers: { authorization: `Bearer ${await sign({})}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ sub: 'inst-1', roles: ['institution'] });
      const forbidden = await app.inject({ method: 'GET', url: '/secure/finance', headers: { authorization: `Bearer ${await sign({})}` } });
      expect(forbidden.statusCode).toBe(403);
      const finance = await app.inject({ method: 'GET', url: '/secure/finance', headers: { authorization: `Bearer ${await sign({ roles: ['finance'] })}` } });
      expect(finance.statusCode).toBe(200);
    });

    it.each([
      ['no token', async () => undefined],
      ['alg none', async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ iss: 'https://lsc.org.cn/identity', aud: 'lsc-membership', sub: 'x', roles: ['super_admin'], typ: 'access', exp: 9999999999 })}.`],
      ['wrong audience', () => sign({ aud: 'someone-else' })],
      ['expired', () => sign({ exp: Math.floor(Date.now() / 1000) - 60 })],
      ['another key', () => sign({}, { key: other.privateKey })],
      ['a refresh/id token type', () => sign({ typ: 'refresh' })],
      [
        'HS256 signed with the public key (algorithm confusion)',
        async () => {
          const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })}.${b64({ iss: 'https://lsc.org.cn/identity', aud: 'lsc-membership', sub: 'x', roles: ['super_admin'], typ: 'access', iat: 1, nbf: 1, exp: 9999999999 })}`;
          const secret = publicKey.export({ format: 'jwk' }).x!;
          return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
        },
      ],
    ])('refuses %s with 401 in the standard shape', async (_what, token) => {
      const t = await token();
      const r = await app.inject({ method: 'GET', url: '/secure', headers: t ? { authorization: `Bearer ${t}` } : {} });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/登录/) });
    });

    it('answers 503 AUTH_UNAVAILABLE, not 401, when identity\'s JWKS cannot be fetched (identity restarting)', async () => {
      const dead = await new Promise<number>((resolve) => {
        const srv = createServer();
        srv.listen(0, '127.0.0.1', () => {
          const port = (srv.address() as AddressInfo).port;
          srv.close(() => resolve(port));
        });
      });
      const config = Object.assign(new BaseServiceConfig(), { JWT_JWKS_URL: `http://127.0.0.1:${dead}/jwks` });
      const guard = new JwtAuthGuard(config, { getAllAndOverride: () => undefined } as never);
      const request = { headers: { authorization: `Bearer ${await sign({})}` } };
      const context = { switchToHttp: () => ({ getRequest: () => request }), getHandler: () => undefined, getClass: () => undefined } as never;
      await expect(guard.canActivate(context)).rejects.toMatchObject({ response: { code: 'AUTH_UNAVAILABLE' } });
      // A token that is itself broken stays a 401 even then.
      const broken = { headers: { authorization: 'Bearer a.b.c' } };
      await expect(guard.canActivate({ switchToHttp: () => ({ getRequest: () => broken }), getHandler: () => undefined, getClass: () => undefined } as never)).rejects.toMatchObject({ response: { code: 'UNAUTHENTICATED' } });
    });
  });
});
