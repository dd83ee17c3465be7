/**
 * Rotating identity's JWT signing key while sessions are live, as deploy/README.md describes it, against the real
 * verifier every service runs (service-kit's JwtAuthGuard: identity's JWKS fetched over HTTP, cached 10 minutes,
 * refetched on an unknown kid at most every 30 s). Only the clock is moved, to walk through token lifetimes and the
 * JWKS cache age without waiting; every HTTP exchange is real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BaseServiceConfig, createServiceApp, JwtAuthGuard, ServiceKitModule } from '@lsc/service-kit';
import { AccessTokenIssuer, DEFAULT_ACCESS_TOKEN_CONFIG } from './access-tokens';
import { jwksDocument, loadSigningKey, type SigningKey, type SigningKeyConfig } from './signing-key';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const TTL = DEFAULT_ACCESS_TOKEN_CONFIG.ttlSeconds * 1000;
const T0 = Date.UTC(2026, 11, 7, 2, 0, 0);

/**
 * jose runs outside jest's sandbox (loaded through Node's own require, see ./jose), so jest's fake timers do not reach
 * the Date it reads for token expiry and JWKS cache age: the clock is replaced in that (the process's main) realm.
 */
interface MovableClock {
  set(ms: number): void;
  now(): number;
  restore(): void;
}
function installMovableClock(): MovableClock {
  return process.getBuiltinModule('node:vm').runInThisContext(`(() => {
    const Real = Date;
    let now = Real.now();
    class MovedDate extends Real {
      constructor(...args) { if (args.length === 0) super(now); else super(...args); }
      static now() { return now; }
    }
    globalThis.Date = MovedDate;
    return { set: (ms) => { now = ms; }, now: () => now, restore: () => { globalThis.Date = Real; } };
  })()`) as MovableClock;
}
let clock: MovableClock;

@Controller('me')
@UseGuards(JwtAuthGuard)
class MeController {
  @Get()
  me() {
    return { ok: true };
  }
}

/** identity as the services see it: the JWKS of whatever keys its pods were last started with, or down (restarting). */
class IdentityStandIn {
  private key?: SigningKey;
  down = false;
  fetches = 0;
  server?: Server;

  async restartWith(config: SigningKeyConfig): Promise<void> {
    this.key = await loadSigningKey(config);
  }

  async listen(): Promise<string> {
    this.server = createServer((_req, res) => {
      this.fetches++;
      if (this.down || !this.key) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwksDocument([this.key])));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/identity/.well-known/jwks.json`;
  }

  /** An access token as identity issues it now (login, or a refresh of a live session). */
  async issue(sub: string): Promise<{ token: string; kid: string; expiresAt: number }> {
    const issued = await new AccessTokenIssuer(this.key!, DEFAULT_ACCESS_TOKEN_CONFIG, clock).issue({ sub, roles: ['institution'] });
    return { token: issued.accessToken, kid: this.key!.kid, expiresAt: issued.expiresAt };
  }
}

describe('JWT signing key rotation with live sessions', () => {
  let identity: IdentityStandIn;
  let app: NestFastifyApplication;
  const [A, B, C] = [pem(), pem(), pem()];
  const sessions: Array<{ name: string; token: string; kid: string; expiresAt: number }> = [];

  const at = (ms: number) => clock.set(T0 + ms);
  const status = async (token: string) => (await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
  const login = async (name: string) => {
    const issued = await identity.issue(name);
    sessions.push({ name, ...issued });
    return issued;
  };
  /** Every session whose access token has not expired is served; returns what each got, to show in a failure. */
  const validSessionsRefused = async () => {
    const refused: string[] = [];
    for (const s of sessions) {
      if (s.expiresAt <= clock.now()) continue;
      const code = await status(s.token);
      if (code !== 200) refused.push(`${s.name}: ${code}`);
    }
    return refused;
  };

  beforeAll(async () => {
    clock = installMovableClock();
    clock.set(T0);
    identity = new IdentityStandIn();
    const url = await identity.listen();
    await identity.restartWith({ privateKeyPem: A });
    const config = Object.assign(new BaseServiceConfig(), { SERVICE_NAME: 'rotation-test', HTTP_PORT: 0, LOG_LEVEL: 'silent', JWT_JWKS_URL: url });
    @Module({ imports: [ServiceKitModule.forRoot({ config })], controllers: [MeController] })
    class TestModule {}
    app = await createServiceApp(TestModule, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
    identity.server?.close();
    clock.restore();
  });

  it('publishes next, promotes it, retires the previous: no valid session is ever refused, even with identity down at the switch', async () => {
    at(0);
    const first = await login('signed-in before the rotation');
    expect(await status(first.token)).toBe(200);

    // 1. Publish the next key: identity restarts with private.pem = A, next.pem = B; it still signs with A.
    at(60_000);
    await identity.restartWith({ privateKeyPem: A, nextKeyPem: B });
    const second = await login('signed-in while B is only published');
    expect(second.kid).toBe(first.kid);
    expect(await validSessionsRefused()).toEqual([]);

    // Wait longer than the services cache the JWKS (10 min): every verifier now holds B as well.
    at(11 * 60_000);
    expect(await validSessionsRefused()).toEqual([]);

    // 2. Promote: private.pem = B, previous.pem = A. Identity's pods restart; meanwhile its JWKS answers nothing.
    at(11 * 60_000 + 10_000);
    await identity.restartWith({ privateKeyPem: B, previousKeyPem: A });
    identity.down = true;
    const fetchesBefore = identity.fetches;
    const third = await login('signed-in with the new key');
    expect(third.kid).not.toBe(first.kid);
    // The new kid is already in every verifier's cache, and the old one still is: no fetch needed, none refused.
    expect(await validSessionsRefused()).toEqual([]);
    expect(identity.fetches).toBe(fetchesBefore);
    identity.down = false;

    // Later, with the cache refreshed from the promoted JWKS (B and previous A): A's tokens still pass until they expire.
    at(14 * 60_000);
    expect(sessions.filter((s) => s.kid === first.kid && s.expiresAt > clock.now())).toHaveLength(2);
    expect(await validSessionsRefused()).toEqual([]);

    // 3. Retire A once the last token it signed has expired (issued at +1 min, lives 15): publish the following key.
    at(60_000 + TTL + 10_000);
    await identity.restartWith({ privateKeyPem: B, nextKeyPem: C });
    expect(sessions.filter((s) => s.kid === first.kid && s.expiresAt > clock.now())).toEqual([]);
    await login('signed-in after A was retired');
    at(60_000 + TTL + 11 * 60_000);
    expect(await validSessionsRefused()).toEqual([]);
    // An expired token is refused, as it should be: it is no valid session.
    expect(await status(first.token)).toBe(401);
  });

  it('(why the JWKS must hold more than one key) swapping the only published key refuses sessions that are still valid', async () => {
    at(100 * 60_000);
    identity.down = false;
    await identity.restartWith({ privateKeyPem: A });
    sessions.length = 0;
    at(111 * 60_000); // cache expired: the verifier refetches and now holds only A
    const before = await login('signed-in before a single-key swap');
    expect(await status(before.token)).toBe(200);
    at(112 * 60_000);
    await identity.restartWith({ privateKeyPem: B });
    const after = await login('signed-in after a single-key swap');
    expect(await status(after.token)).toBe(200); // unknown kid: refetched, finds B, which is all the JWKS has now
    expect(await validSessionsRefused()).toEqual(['signed-in before a single-key swap: 401']);
  });

  it('identity refuses a next or previous key equal to the signing key, and accepts their public halves', async () => {
    await expect(loadSigningKey({ privateKeyPem: A, nextKeyPem: A })).rejects.toThrow('The next JWT key is the current signing key');
    const publicB = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const key = await loadSigningKey({ privateKeyPem: A, nextKeyPem: publicB.replace(/\n/g, '\\n'), previousKeyPem: C });
    const doc = jwksDocument([key]);
    expect(doc.keys.map((k) => k.kid)).toEqual([key.kid, expect.any(String), expect.any(String)]);
    expect(new Set(doc.keys.map((k) => k.kid)).size).toBe(3);
    expect(JSON.stringify(doc)).not.toContain('"d"');
  });
});
