import { ApiError } from '@lsc/service-kit';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../shared/clock';
import { connectTestRedis, type TestRedis } from '../shared/test-redis';
import { LocalSmsSender, readLocalSmsOutbox } from './local-sms-sender';
import { DEFAULT_SMS_CODE_LIMITS, SmsCodeService, smsThrottleError, smsVerifyError, type SmsCodeConfig } from './sms-code.service';
import type { SmsSender } from './sms-sender';

const PHONE = '13812345678';
const IP = '203.0.113.7';

describe('SmsCodeService (real Redis, local outbox)', () => {
  let t: TestRedis;
  let dir: string;
  let outbox: string;
  let clock: ManualClock;
  let config: SmsCodeConfig;
  let service: SmsCodeService;

  const lastCode = async (phone = PHONE): Promise<string> => {
    const records = (await readLocalSmsOutbox(outbox)).filter((r) => r.phone === phone);
    return records[records.length - 1]!.code;
  };
  const otherCode = (code: string): string => ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0');

  beforeEach(async () => {
    t = connectTestRedis('sms');
    dir = await mkdtemp(join(tmpdir(), 'identity-sms-'));
    outbox = join(dir, 'outbox.jsonl');
    clock = new ManualClock();
    config = { ...DEFAULT_SMS_CODE_LIMITS, keyPrefix: t.prefix, pepper: 'test-pepper-0123456789abcdef0123456789' };
    service = new SmsCodeService(t.redis, new LocalSmsSender({ outboxFile: outbox, logCodes: false }), config, clock);
  });
  afterEach(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a 6-digit code with the purpose in Chinese, verifies it once, refuses reuse', async () => {
    expect(await service.send({ phone: PHONE, purpose: 'register', ip: IP })).toEqual({ status: 'sent', expiresInSeconds: 300, resendAfterSeconds: 60, delivered: true });
    const [record] = await readLocalSmsOutbox(outbox);
    expect(record!.code).toMatch(/^\d{6}$/);
    expect(record!.text).toContain(record!.code);
    expect(record!.text).toContain('注册');
    expect(await service.verify({ phone: PHONE, purpose: 'register', code: record!.code })).toEqual({ ok: true });
    expect(await service.verify({ phone: PHONE, purpose: 'register', code: record!.code })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('stores only a hash, and key names do not contain the phone number', async () => {
    await service.send({ phone: PHONE, purpose: 'login', ip: IP });
    const code = await lastCode();
    const keys = await t.redis.keys(`${t.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toContain(PHONE);
      expect(key).not.toContain(IP);
      const type = await t.redis.type(key);
      const dump = type === 'hash' ? JSON.stringify(await t.redis.hgetall(key)) : type === 'zset' ? JSON.stringify(await t.redis.zrange(key, 0, -1)) : String(await t.redis.get(key));
      expect(dump).not.toContain(code);
    }
  });

  it('expires: accepted at 4:59, refused at 5:01', async () => {
    await service.send({ phone: PHONE, purpose: 'login', ip: IP });
    clock.advance(4 * 60_000 + 59_000);
    expect(await service.verify({ phone: PHONE, purpose: 'login', code: await lastCode() })).toEqual({ ok: true });

    clock.advance(61_000);
    await service.send({ phone: PHONE, purpose: 'login', ip: IP });
    clock.advance(5 * 60_000 + 1000);
    expect(await service.verify({ phone: PHONE, purpose: 'login', code: await lastCode() })).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('keeps the Redis TTL of the code at five minutes', async () => {
    await service.send({ phone: PHONE, purpose: 'reset', ip: IP });
    const [codeKey] = await t.redis.keys(`${t.prefix}sms:code:*`);
    const ttl = await t.redis.pttl(codeKey!);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });

  it('is bound to the purpose and the phone', async () => {
    await service.send({ phone: PHONE, purpose: 'register', ip: IP });
    const code = await lastCode();
    expect(await service.verify({ phone: PHONE, purpose: 'login', code })).toMatchObject({ ok: false });
    expect(await service.verify({ phone: '13912345678', purpose: 'register', code })).toMatchObject({ ok: false });
    expect(await service.verify({ phone: PHONE, purpose: 'register', code })).toEqual({ ok: true });
  });

  it('enforces the 60 s resend cooldown and reports the remaining seconds', async () => {
    await service.send({ phone: PHONE, purpose: 'register', ip: IP });
    clock.advance(25_000);
    const throttled = await service.send({ phone: PHONE, purpose: 'register', ip: IP });
    expect(throttled).toEqual({ status: 'throttled', reason: 'cooldown', retryAfterSeconds: 35 });
    expect(smsThrottleError(throttled as Extract<typeof throttled, { status: 'throttled' }>).getStatus()).toBe(429);
    clock.advance(35_000);
    expect((await service.send({ phone: PHONE, purpose: 'register', ip: IP })).status).toBe('sent');
  });

  it('a resend replaces the previous code', async () => {
    const codes = ['111111', '222222'];
    const sequenced = new SmsCodeService(t.redis, new LocalSmsSender({ outboxFile: outbox, logCodes: false }), config, clock, () => codes.shift()!);
    await sequenced.send({ phone: PHONE, purpose: 'register', ip: IP });
    clock.advance(60_000);
    await sequenced.send({ phone: PHONE, purpose: 'register', ip: IP });
    expect(await sequenced.verify({ phone: PHONE, purpose: 'register', code: '111111' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await sequenced.verify({ phone: PHONE, purpose: 'register', code: '222222' })).toEqual({ ok: true });
  });

  it('allows at most 5 sends per phone per hour, then frees up as the window slides', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await service.send({ phone: PHONE, purpose: 'login', ip: IP })).status).toBe('sent');
      clock.advance(61_000);
    }
    const sixth = await service.send({ phone: PHONE, purpose: 'login', ip: IP });
    expect(sixth).toMatchObject({ status: 'throttled', reason: 'phone_hourly_limit' });
    // First send was 5×61 s ago; it leaves the window after 3600 − 305 = 3295 s.
    expect(sixth).toMatchObject({ retryAfterSeconds: 3295 });
    clock.advance(3_295_000);
    expect((await service.send({ phone: PHONE, purpose: 'login', ip: IP })).status).toBe('sent');
  });

  it('caps sends per IP across phones (configurable)', async () => {
    const capped = new SmsCodeService(t.redis, new LocalSmsSender({ outboxFile: outbox, logCodes: false }), { ...config, maxSendsPerIpPerHour: 3 }, clock);
    for (const phone of ['13800000001', '13800000002', '13800000003']) {
      expect((await capped.send({ phone, purpose: 'register', ip: IP })).status).toBe('sent');
    }
    expect(await capped.send({ phone: '13800000004', purpose: 'register', ip: IP })).toMatchObject({ status: 'throttled', reason: 'ip_hourly_limit' });
    expect((await capped.send({ phone: '13800000004', purpose: 'register', ip: '198.51.100.1' })).status).toBe('sent');
  });

  it('burns the code after 5 wrong tries; the right code no longer works', async () => {
    await service.send({ phone: PHONE, purpose: 'reset', ip: IP });
    const code = await lastCode();
    for (let i = 1; i <= 4; i++) {
      expect(await service.verify({ phone: PHONE, purpose: 'reset', code: otherCode(code) })).toEqual({ ok: false, reason: 'invalid', remainingAttempts: 5 - i });
    }
    const fifth = await service.verify({ phone: PHONE, purpose: 'reset', code: 'abc' });
    expect(fifth).toEqual({ ok: false, reason: 'too_many_attempts', remainingAttempts: 0 });
    expect(smsVerifyError(fifth as Extract<typeof fifth, { ok: false }>).message).toBeDefined();
    expect(await service.verify({ phone: PHONE, purpose: 'reset', code })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('accepts the code typed with full-width digits', async () => {
    await service.send({ phone: PHONE, purpose: 'change_email', ip: IP });
    const fullWidth = [...(await lastCode())].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    expect(await service.verify({ phone: PHONE, purpose: 'change_email', code: fullWidth })).toEqual({ ok: true });
  });

  it('when delivery fails: 503, the code is not left valid and the cooldown is lifted', async () => {
    let delivered: string | undefined;
    const failing: SmsSender = {
      sendVerificationCode: async (m) => {
        delivered = m.code;
        throw new Error('gateway down');
      },
    };
    const broken = new SmsCodeService(t.redis, failing, config, clock);
    const error = await broken.send({ phone: PHONE, purpose: 'login', ip: IP }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(503);
    expect(await service.verify({ phone: PHONE, purpose: 'login', code: delivered! })).toMatchObject({ ok: false });
    expect((await service.send({ phone: PHONE, purpose: 'login', ip: IP })).status).toBe('sent');
  });

  it('deliver: false sends nothing, answers as a send does, and counts towards the cooldown and both hourly limits', async () => {
    const capped = new SmsCodeService(t.redis, new LocalSmsSender({ outboxFile: outbox, logCodes: false }), { ...config, maxSendsPerIpPerHour: 2 }, clock);
    const real = await capped.send({ phone: '13800000011', purpose: 'login', ip: IP });
    const decoy = await capped.send({ phone: '13800000012', purpose: 'login', ip: IP, deliver: false });
    expect(decoy).toEqual({ ...real, delivered: false });
    expect(real).toMatchObject({ status: 'sent', delivered: true });
    expect((await readLocalSmsOutbox(outbox)).map((r) => r.phone)).toEqual(['13800000011']);
    expect(await capped.send({ phone: '13800000012', purpose: 'login', ip: '198.51.100.9', deliver: false })).toMatchObject({ status: 'throttled', reason: 'cooldown' });
    expect(await capped.send({ phone: '13800000013', purpose: 'login', ip: IP, deliver: false })).toMatchObject({ status: 'throttled', reason: 'ip_hourly_limit' });
    for (let i = 0; i < 4; i++) {
      clock.advance(61_000);
      expect((await capped.send({ phone: '13800000014', purpose: 'reset', ip: `198.51.100.${20 + i}`, deliver: false })).status).toBe('sent');
    }
    clock.advance(61_000);
    expect(await capped.send({ phone: '13800000014', purpose: 'reset', ip: '198.51.100.30', deliver: false })).toMatchObject({ status: 'sent' });
    clock.advance(61_000);
    expect(await capped.send({ phone: '13800000014', purpose: 'reset', ip: '198.51.100.31', deliver: false })).toMatchObject({ status: 'throttled', reason: 'phone_hourly_limit' });
    expect(await readLocalSmsOutbox(outbox)).toHaveLength(1);
  });

  it('deliver: false takes as long as a real send through a slow provider (latencies measured, distributions overlap)', async () => {
    // A provider answering in 15-35 ms, as an SMS gateway over the network would; the decoy must not answer in ~0 ms.
    const slow: SmsSender = { sendVerificationCode: () => new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 20)) };
    const timed = new SmsCodeService(t.redis, slow, { ...config, maxSendsPerIpPerHour: 1000, maxSendsPerPhonePerHour: 1000, dailyBudgetPerNumber: 1000, dailyBudgetPerPrefix: 1000 }, clock);
    const SAMPLES = 40;
    const delivered: number[] = [];
    const silent: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      clock.advance(61_000);
      for (const deliver of i % 2 === 0 ? [true, false] : [false, true]) {
        const started = performance.now();
        await timed.send({ phone: deliver ? '13800000021' : '13800000022', purpose: 'login', ip: IP, deliver });
        (deliver ? delivered : silent).push(performance.now() - started);
      }
    }
    const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;
    // Both halves overlap (each one's middle half reaches into the other's), and the medians are within 6 ms.
    expect(q(silent, 0.25)).toBeLessThanOrEqual(q(delivered, 0.75));
    expect(q(delivered, 0.25)).toBeLessThanOrEqual(q(silent, 0.75));
    expect(Math.abs(q(silent, 0.5) - q(delivered, 0.5))).toBeLessThan(6);
    expect(q(silent, 0.1)).toBeGreaterThan(10);
  }, 30_000);

  describe('daily budgets (China calendar day)', () => {
    // 2026-03-02 23:00 in Beijing (15:00 UTC): one hour before the budgets reset.
    const lateEvening = Date.UTC(2026, 2, 2, 15, 0, 0);
    const budgeted = (budgets: Partial<SmsCodeConfig>) =>
      new SmsCodeService(
        t.redis,
        new LocalSmsSender({ outboxFile: outbox, logCodes: false }),
        { ...config, maxSendsPerPhonePerHour: 1000, maxSendsPerIpPerHour: 1000, ...budgets },
        clock,
      );
    /** Sends past the 60 s cooldown each time, from a new address each time (so only the budgets can refuse). */
    let n = 0;
    const send = (s: SmsCodeService, phone: string, deliver = true) => {
      clock.advance(61_000);
      n += 1;
      return s.send({ phone, purpose: 'register', ip: `198.51.100.${n % 250}`, deliver });
    };
    beforeEach(() => {
      clock = new ManualClock(lateEvening);
    });

    it('per number: the 4th send of the day to one number is refused until midnight in Beijing; other numbers are not affected', async () => {
      const s = budgeted({ dailyBudgetPerNumber: 3 });
      for (let i = 0; i < 3; i++) expect(await send(s, '13900001111')).toMatchObject({ status: 'sent' });
      const refused = await send(s, '13900001111');
      expect(refused).toMatchObject({ status: 'throttled', reason: 'phone_daily_budget' });
      // Four sends 61 s apart: 23:04:04, so 55 min 56 s until midnight in Beijing, the wait the answer gives.
      expect(refused.status === 'throttled' && refused.retryAfterSeconds).toBe(3600 - 4 * 61);
      expect(await send(s, '13900002222')).toMatchObject({ status: 'sent' });
      clock.advance(56 * 60_000);
      expect(await send(s, '13900001111')).toMatchObject({ status: 'sent' });
      expect((await readLocalSmsOutbox(outbox)).filter((r) => r.phone === '13900001111')).toHaveLength(4);
    });

    it('per prefix: numbers sharing their first 7 digits share a budget; another block is not affected', async () => {
      const s = budgeted({ dailyBudgetPerPrefix: 2 });
      expect(await send(s, '13700005001')).toMatchObject({ status: 'sent' });
      expect(await send(s, '13700005002')).toMatchObject({ status: 'sent' });
      expect(await send(s, '13700005003')).toMatchObject({ status: 'throttled', reason: 'prefix_daily_budget' });
      expect(await send(s, '13700015003')).toMatchObject({ status: 'sent' });
    });

    it('global: the service stops sending for the day once the total is reached', async () => {
      const s = budgeted({ dailyBudgetGlobal: 3 });
      for (const phone of ['13500000001', '15800000002', '18600000003']) expect(await send(s, phone)).toMatchObject({ status: 'sent' });
      expect(await send(s, '19900000004')).toMatchObject({ status: 'throttled', reason: 'global_daily_budget' });
      expect(await readLocalSmsOutbox(outbox)).toHaveLength(3);
      clock.advance(60 * 60_000);
      expect(await send(s, '19900000004')).toMatchObject({ status: 'sent' });
    });

    it('sends that deliver nothing count too, so a budget running out does not tell which numbers have accounts', async () => {
      const s = budgeted({ dailyBudgetPerNumber: 2 });
      expect(await send(s, '13600006666', false)).toMatchObject({ status: 'sent', delivered: false });
      expect(await send(s, '13600006666', false)).toMatchObject({ status: 'sent', delivered: false });
      expect(await send(s, '13600006666', false)).toMatchObject({ status: 'throttled', reason: 'phone_daily_budget' });
    });

    it('answers a refused budget with 429 and a Chinese message on the phone field', () => {
      for (const [reason, text] of [
        ['phone_daily_budget', '该手机号今日'],
        ['prefix_daily_budget', '该号段今日'],
        ['global_daily_budget', '今日短信验证码发送量已达上限'],
      ] as const) {
        const body = smsThrottleError({ status: 'throttled', reason, retryAfterSeconds: 60 }).getResponse() as { code: string; details: Array<{ field: string; rule: string; message: string }> };
        expect(body.code).toBe('SMS_RATE_LIMITED');
        expect(body.details).toEqual([{ field: 'phone', rule: reason, message: expect.stringContaining(text) }]);
      }
    });
  });

  it('verify with consume: false keeps a right code for one more use; a wrong one still counts', async () => {
    await service.send({ phone: PHONE, purpose: 'register', ip: IP });
    const code = await lastCode();
    expect(await service.verify({ phone: PHONE, purpose: 'register', code: otherCode(code) }, { consume: false })).toMatchObject({ ok: false, remainingAttempts: DEFAULT_SMS_CODE_LIMITS.maxVerifyAttempts - 1 });
    expect(await service.verify({ phone: PHONE, purpose: 'register', code }, { consume: false })).toEqual({ ok: true });
    expect(await service.verify({ phone: PHONE, purpose: 'register', code })).toEqual({ ok: true });
    expect(await service.verify({ phone: PHONE, purpose: 'register', code })).toMatchObject({ ok: false });
  });

  it('refuses unnormalised phones, weak peppers and lifetimes over 10 minutes', async () => {
    await expect(service.send({ phone: '+86 138 1234 5678', purpose: 'login', ip: IP })).rejects.toThrow(/normalised/);
    const sender = new LocalSmsSender({ outboxFile: outbox, logCodes: false });
    expect(() => new SmsCodeService(t.redis, sender, { ...config, pepper: 'short' })).toThrow(/pepper/);
    expect(() => new SmsCodeService(t.redis, sender, { ...config, codeTtlMs: 11 * 60_000 })).toThrow(/10 minutes/);
  });
});
