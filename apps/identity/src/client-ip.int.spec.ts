import { randomIp, randomMobile, startIdentity, viaGateway, type IdentityHarness } from './testing/harness';

/**
 * Issue #25 item 1: identity's per-IP throttles key on the address the gateway signed (service-kit client-ip.ts). A
 * caller who reaches the service directly and writes its own X-Forwarded-For on every request is still one address.
 */
describe('client address behind the gateway (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentity('clientip');
  });
  afterAll(() => h?.close());

  const askSms = async (headers: Record<string, string>) =>
    h.app.inject({ method: 'POST', url: '/api/v1/identity/sms-codes', headers, payload: { mobile: randomMobile(), purpose: 'register', ...(await h.captcha('sms')) } });
  const failLogin = async (headers: Record<string, string>) =>
    h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers, payload: { login: `nobody_${randomMobile()}`, password: 'Wrong#pass1', ...(await h.captcha('login')) } });
  const forget = async () => {
    const keys = [...(await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}sms:*`)), ...(await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}bf:*`))];
    if (keys.length) await h.redis.del(...keys);
  };
  const forged = () => ({ 'x-forwarded-for': randomIp(), 'x-real-ip': randomIp() });

  it('a direct caller rotating X-Forwarded-For hits the hourly SMS limit per address (20)', async () => {
    await forget();
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) codes.push((await askSms(forged())).statusCode);
    expect(codes).toEqual([...Array(20).fill(202), 429]);
  });

  it('nor does a forged gateway signature or a lone client-address header buy a fresh bucket', async () => {
    await forget();
    for (let i = 0; i < 20; i++) expect((await askSms(forged())).statusCode).toBe(202);
    const ip = randomIp();
    expect((await askSms({ 'x-lsc-client-ip': ip })).statusCode).toBe(429);
    expect((await askSms({ 'x-lsc-client-ip': ip, 'x-lsc-client-ip-signature': 'ab'.repeat(32) })).statusCode).toBe(429);
    // The gateway's signed address is a client of its own.
    expect((await askSms(viaGateway(ip))).statusCode).toBe(202);
  });

  it('a direct caller rotating X-Forwarded-For is delayed after 20 failed logins like any one address', async () => {
    await forget();
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) codes.push((await failLogin(forged())).statusCode);
    expect(codes).toEqual([...Array(20).fill(401), 429]);
    // Another client, signed by the gateway, is not held up by it.
    expect((await failLogin(viaGateway(randomIp()))).statusCode).toBe(401);
  }, 60000);
});
