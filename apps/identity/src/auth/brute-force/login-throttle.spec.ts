import { ManualClock } from '../shared/clock';
import { connectTestRedis, type TestRedis } from '../shared/test-redis';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, loginThrottledError } from './login-throttle';

const IP = '203.0.113.9';

describe('LoginThrottle (real Redis)', () => {
  let t: TestRedis;
  let clock: ManualClock;
  let throttle: LoginThrottle;

  beforeEach(() => {
    t = connectTestRedis('bruteforce');
    clock = new ManualClock();
    throttle = new LoginThrottle(t.redis, { keyPrefix: t.prefix, ...DEFAULT_LOGIN_THROTTLE }, clock);
  });
  afterEach(() => t.cleanup());

  const failUntilAllowed = async (account: string, ip = IP): Promise<void> => {
    const decision = await throttle.check(account, ip);
    if (!decision.allowed) clock.advance(decision.retryAfterSeconds * 1000);
    await throttle.recordFailure(account, ip);
  };

  it('lets the first 5 failures through without delay, then delays 1, 2, 4, 8, 16 s', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await throttle.check('lib@example.cn', IP)).toEqual({ allowed: true });
      await throttle.recordFailure('lib@example.cn', IP);
    }
    for (const seconds of [1, 2, 4, 8, 16]) {
      expect(await throttle.check('lib@example.cn', IP)).toEqual({ allowed: false, reason: 'account_delayed', retryAfterSeconds: seconds });
      clock.advance(seconds * 1000);
      expect(await throttle.check('lib@example.cn', IP)).toEqual({ allowed: true });
      await throttle.recordFailure('lib@example.cn', IP);
    }
  });

  it('locks the account for 15 minutes at the 10th failure, then lifts the lock', async () => {
    for (let i = 0; i < 9; i++) await failUntilAllowed('lib@example.cn');
    expect(await throttle.recordFailure('lib@example.cn', IP)).toEqual({ accountFailures: 10, accountLocked: true });
    const locked = await throttle.check('lib@example.cn', IP);
    expect(locked).toEqual({ allowed: false, reason: 'account_locked', retryAfterSeconds: 900 });
    expect(loginThrottledError(locked as Extract<typeof locked, { allowed: false }>).getResponse()).toMatchObject({ message: '登录失败次数过多，请15分钟后再试' });
    clock.advance(14 * 60_000);
    expect(await throttle.check('lib@example.cn', '198.51.100.3')).toMatchObject({ allowed: false, reason: 'account_locked', retryAfterSeconds: 60 });
    clock.advance(60_000);
    expect(await throttle.check('lib@example.cn', IP)).toEqual({ allowed: true });
  });

  it('the lock also ends when its Redis TTL runs out', async () => {
    const short = new LoginThrottle(t.redis, { keyPrefix: t.prefix, account: { ...DEFAULT_LOGIN_THROTTLE.account, lockAfter: 2, lockMs: 80 }, ip: DEFAULT_LOGIN_THROTTLE.ip });
    await short.recordFailure('a', IP);
    await short.recordFailure('a', IP);
    expect(await short.check('a', IP)).toMatchObject({ allowed: false, reason: 'account_locked' });
    await new Promise((r) => setTimeout(r, 150));
    expect(await short.check('a', IP)).toEqual({ allowed: true });
  });

  it('forgets failures older than the 15-minute window', async () => {
    for (let i = 0; i < 5; i++) await throttle.recordFailure('lib@example.cn', IP);
    expect((await throttle.check('lib@example.cn', IP)).allowed).toBe(false);
    clock.advance(15 * 60_000 + 1);
    expect(await throttle.check('lib@example.cn', IP)).toEqual({ allowed: true });
  });

  it('success clears the account counter, but not the IP counter', async () => {
    const strictIp = new LoginThrottle(t.redis, { keyPrefix: t.prefix, account: DEFAULT_LOGIN_THROTTLE.account, ip: { ...DEFAULT_LOGIN_THROTTLE.ip, freeFailures: 6 } }, clock);
    for (let i = 0; i < 6; i++) await strictIp.recordFailure('lib@example.cn', IP);
    await strictIp.recordSuccess('lib@example.cn');
    expect(await strictIp.check('lib@example.cn', '198.51.100.3')).toEqual({ allowed: true });
    expect(await strictIp.check('lib@example.cn', IP)).toMatchObject({ allowed: false, reason: 'ip_delayed' });
  });

  it('treats account names case- and width-insensitively', async () => {
    for (let i = 0; i < 5; i++) await throttle.recordFailure('Lib@Example.cn', IP);
    expect((await throttle.check('ｌｉｂ@example.CN', '198.51.100.3')).allowed).toBe(false);
  });

  it('locks an IP that sprays many accounts', async () => {
    for (let i = 0; i < 100; i++) await throttle.recordFailure(`user${i}`, IP);
    expect(await throttle.check('fresh-account', IP)).toEqual({ allowed: false, reason: 'ip_locked', retryAfterSeconds: 900 });
    expect(await throttle.check('fresh-account', '198.51.100.3')).toEqual({ allowed: true });
  });

  it('an attacker who always waits as told gets well under 100 guesses per account per hour', async () => {
    const start = clock.now();
    let guesses = 0;
    while (clock.now() - start < 3_600_000) {
      const decision = await throttle.check('victim', `198.51.100.${guesses % 250}`);
      if (!decision.allowed) {
        clock.advance(decision.retryAfterSeconds * 1000);
        continue;
      }
      if (clock.now() - start >= 3_600_000) break;
      await throttle.recordFailure('victim', `198.51.100.${guesses % 250}`);
      guesses++;
    }
    console.log(`guesses against one account in one hour: ${guesses}`);
    expect(guesses).toBeLessThan(100);
    expect(guesses).toBeGreaterThanOrEqual(10);
  });

  it('stores no account names or addresses in key names', async () => {
    await throttle.recordFailure('lib@example.cn', IP);
    const keys = await t.redis.keys(`${t.prefix}*`);
    expect(keys.length).toBe(2);
    expect(keys.join()).not.toMatch(/lib@example|203\.0/);
  });
});
