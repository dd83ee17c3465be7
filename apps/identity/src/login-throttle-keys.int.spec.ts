import { randomIp, register, startIdentity, validRegistration, viaGateway, type IdentityHarness } from './testing/harness';

/**
 * Issue #25 item 4: the lockout counts failures per account, not per string typed. The lookup accepts a mobile as
 * `+86…`, `0086…`, with spaces or hyphens, and the account's e-mail or login name; all of them are one key.
 */
describe('login throttle keyed on the resolved account (real PostgreSQL + Redis)', () => {
  let h: IdentityHarness;

  beforeAll(async () => {
    h = await startIdentity('throttlekeys');
  });
  afterAll(() => h?.close());

  // Each attempt from its own address: only the per-account count is under test.
  const login = async (loginId: string, password: string) =>
    h.app.inject({ method: 'POST', url: '/api/v1/identity/sessions', headers: viaGateway(randomIp()), payload: { login: loginId, password, ...(await h.captcha('login')) } });
  /** Moves recorded failures 60 s into the past: the progressive delay has passed, the count is kept. */
  const letDelayPass = async () => {
    for (const key of await h.redis.keys(`${h.config.REDIS_KEY_PREFIX}bf:*:fail:*`)) {
      const entries = await h.redis.zrange(key, 0, -1, 'WITHSCORES');
      for (let i = 0; i < entries.length; i += 2) await h.redis.zadd(key, Number(entries[i + 1]) - 60_000, entries[i]);
    }
  };
  const spellings = (mobile: string, account: Record<string, unknown>): string[] => {
    const [a, b, c] = [mobile.slice(0, 3), mobile.slice(3, 7), mobile.slice(7)];
    return [`+86${mobile}`, `0086${mobile}`, `${a} ${b} ${c}`, `${a}-${b}-${c}`, `+86 ${a}-${b}-${c}`, mobile, String(account.email).toUpperCase(), String(account.loginName)];
  };

  it('ten wrong passwords under different spellings of one account lock it: the right password then answers 429', async () => {
    const account = validRegistration({ loginName: `keys_${Date.now().toString(36)}` });
    expect((await register(h, account)).statusCode).toBe(201);
    const names = spellings(String(account.mobile), account);
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      await letDelayPass();
      codes.push((await login(names[i % names.length], 'Wrong#pass1')).statusCode);
    }
    expect(codes).toEqual(Array(10).fill(401));
    const right = await login(`0086 ${String(account.mobile)}`, String(account.password));
    expect(right.statusCode).toBe(429);
    expect(right.json()).toMatchObject({ code: 'LOGIN_THROTTLED' });
  }, 60000);

  it('the progressive delay counts every spelling too, and another account is not affected', async () => {
    const victim = validRegistration({ loginName: `delay_${Date.now().toString(36)}` });
    const bystander = validRegistration({ loginName: `by_${Date.now().toString(36)}` });
    for (const a of [victim, bystander]) expect((await register(h, a)).statusCode).toBe(201);
    const names = spellings(String(victim.mobile), victim);
    // Five free failures (one per spelling), then the sixth — a new spelling again — must wait.
    for (let i = 0; i < 5; i++) expect((await login(names[i], 'Wrong#pass1')).statusCode).toBe(401);
    expect((await login(names[5], String(victim.password))).statusCode).toBe(429);
    expect((await login(String(bystander.mobile), String(bystander.password))).statusCode).toBe(200);
  }, 60000);

  it('unknown identifiers still throttle, by their canonical form', async () => {
    const nobody = `139${String(Date.now()).slice(-8)}`;
    const [a, b, c] = [nobody.slice(0, 3), nobody.slice(3, 7), nobody.slice(7)];
    const typed = [`+86${nobody}`, `0086${nobody}`, `${a} ${b} ${c}`, `${a}-${b}-${c}`, nobody];
    for (const t of typed) expect((await login(t, 'Wrong#pass1')).statusCode).toBe(401);
    expect((await login(`+86 ${nobody}`, 'Wrong#pass1')).statusCode).toBe(429);
  }, 60000);
});
