import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@lsc/service-kit';
import type Redis from 'ioredis';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock';
import { SMS_PURPOSES, type SmsPurpose, type SmsSender, type VerificationSms } from './sms-sender';

export interface SmsCodeConfig {
  keyPrefix: string;
  /** Server secret mixed into every stored code hash and key name; ≥ 32 characters, from the environment. */
  pepper: string;
  codeTtlMs: number;
  resendCooldownMs: number;
  maxSendsPerPhonePerHour: number;
  maxSendsPerIpPerHour: number;
  maxVerifyAttempts: number;
  /** Sends per China calendar day to one number, to one 7-digit prefix, and in all (SMS costs money). */
  dailyBudgetPerNumber: number;
  dailyBudgetPerPrefix: number;
  dailyBudgetGlobal: number;
}

export const DEFAULT_SMS_CODE_LIMITS: Omit<SmsCodeConfig, 'keyPrefix' | 'pepper'> = {
  codeTtlMs: 5 * 60_000,
  resendCooldownMs: 60_000,
  maxSendsPerPhonePerHour: 5,
  maxSendsPerIpPerHour: 20,
  maxVerifyAttempts: 5,
  dailyBudgetPerNumber: 10,
  dailyBudgetPerPrefix: 200,
  dailyBudgetGlobal: 20_000,
};

export const SMS_REFUSAL_REASONS = ['cooldown', 'phone_hourly_limit', 'ip_hourly_limit', 'phone_daily_budget', 'prefix_daily_budget', 'global_daily_budget'] as const;
export type SmsRefusalReason = (typeof SMS_REFUSAL_REASONS)[number];

export interface SendCodeRequest {
  phone: string;
  purpose: SmsPurpose;
  ip: string;
  /**
   * false: nobody may receive this code (e.g. a login code for a number without an account). Everything else happens
   * as for a real send — the throttles count it, the cooldown starts, the answer is the same and takes as long — but
   * no text message leaves. Default true.
   */
  deliver?: boolean;
}

export type SendCodeResult =
  | { status: 'sent'; expiresInSeconds: number; resendAfterSeconds: number; delivered: boolean }
  | { status: 'throttled'; reason: SmsRefusalReason; retryAfterSeconds: number };

export interface VerifyCodeRequest {
  phone: string;
  purpose: SmsPurpose;
  code: string;
}

export type VerifyCodeResult = { ok: true } | { ok: false; reason: 'invalid' | 'expired' | 'too_many_attempts'; remainingAttempts: number };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Budgets follow the China calendar day (UTC+8, no daylight saving): they reset at midnight in Beijing. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** The first 7 digits of a mainland mobile (号段 + HLR block): one operator's block of 10 000 numbers in one city. */
export const mobilePrefix = (phone: string): string => phone.slice(0, 7);
const MOBILE = /^1[3-9]\d{9}$/;
const SIX_DIGITS = /^\d{6}$/;

// One script so that cooldown, both hourly windows, the three daily budgets and the new code are decided and written
// atomically: two concurrent requests cannot both slip under a limit.
const SEND_SCRIPT = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[3])
local cooldownUntil = tonumber(redis.call('GET', KEYS[1]) or '0')
if cooldownUntil > now then return {'cooldown', cooldownUntil - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - windowMs)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - windowMs)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {'phone_hourly_limit', tonumber(oldest[2]) + windowMs - now}
end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {'ip_hourly_limit', tonumber(oldest[2]) + windowMs - now}
end
local untilMidnight = tonumber(ARGV[10])
if tonumber(redis.call('GET', KEYS[5]) or '0') >= tonumber(ARGV[11]) then return {'phone_daily_budget', untilMidnight} end
if tonumber(redis.call('GET', KEYS[6]) or '0') >= tonumber(ARGV[12]) then return {'prefix_daily_budget', untilMidnight} end
if tonumber(redis.call('GET', KEYS[7]) or '0') >= tonumber(ARGV[13]) then return {'global_daily_budget', untilMidnight} end
for i = 5, 7 do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], untilMidnight + 3600000)
end
redis.call('ZADD', KEYS[2], now, ARGV[6])
redis.call('PEXPIRE', KEYS[2], windowMs)
redis.call('ZADD', KEYS[3], now, ARGV[6])
redis.call('PEXPIRE', KEYS[3], windowMs)
redis.call('SET', KEYS[1], now + tonumber(ARGV[2]), 'PX', ARGV[2])
redis.call('DEL', KEYS[4])
redis.call('HSET', KEYS[4], 'hash', ARGV[7], 'expiresAt', ARGV[8], 'attempts', 0)
redis.call('PEXPIRE', KEYS[4], ARGV[9])
return {'sent', 0}
`;

const VERIFY_SCRIPT = `
local rec = redis.call('HMGET', KEYS[1], 'hash', 'expiresAt', 'attempts')
local max = tonumber(ARGV[3])
if not rec[1] then return {'invalid', 0} end
if tonumber(rec[2]) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return {'expired', 0}
end
if rec[1] == ARGV[2] then
  if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
  return {'ok', 0}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts >= max then
  redis.call('DEL', KEYS[1])
  return {'too_many_attempts', 0}
end
return {'invalid', max - attempts}
`;

/**
 * One-time SMS codes (OWASP ASVS V6): 6 random digits, only an HMAC is stored, bound to phone and purpose,
 * single use, short-lived, rate-limited per phone and per IP, and burnt after too many wrong guesses.
 * Callers must answer "sent" the same way whether or not an account exists for the phone.
 */
export class SmsCodeService {
  constructor(
    private readonly redis: Redis,
    private readonly sender: SmsSender,
    private readonly config: SmsCodeConfig,
    private readonly clock: Clock = systemClock,
    private readonly generateCode: () => string = () => randomInt(0, 1_000_000).toString().padStart(6, '0'),
  ) {
    if (config.pepper.length < 32) throw new Error('sms code pepper must be at least 32 characters');
    if (config.codeTtlMs > 10 * 60_000) throw new Error('sms codes may live at most 10 minutes (ASVS 6.x)');
  }

  async send(request: SendCodeRequest): Promise<SendCodeResult> {
    this.assertTarget(request.phone, request.purpose);
    const code = this.generateCode();
    const now = this.clock.now();
    const c = this.config;
    const day = new Date(now + CHINA_OFFSET_MS).toISOString().slice(0, 10);
    const untilMidnight = DAY_MS - ((now + CHINA_OFFSET_MS) % DAY_MS);
    const [status, retryMs] = (await this.redis.eval(
      SEND_SCRIPT,
      7,
      this.cooldownKey(request.phone),
      this.phoneWindowKey(request.phone),
      this.ipWindowKey(request.ip),
      this.codeKey(request.phone, request.purpose),
      this.budgetKey(day, 'phone', request.phone),
      this.budgetKey(day, 'prefix', mobilePrefix(request.phone)),
      this.budgetKey(day, 'global', 'all'),
      now,
      c.resendCooldownMs,
      HOUR_MS,
      c.maxSendsPerPhonePerHour,
      c.maxSendsPerIpPerHour,
      `${now}:${randomBytes(6).toString('hex')}`,
      this.hashCode(request.phone, request.purpose, code),
      now + c.codeTtlMs,
      c.codeTtlMs,
      untilMidnight,
      c.dailyBudgetPerNumber,
      c.dailyBudgetPerPrefix,
      c.dailyBudgetGlobal,
    )) as [string, number];
    if (status !== 'sent') return { status: 'throttled', reason: status as SmsRefusalReason, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
    const delivered = request.deliver !== false;

    try {
      if (delivered) await this.timedSend({ phone: request.phone, purpose: request.purpose, code, ttlMinutes: Math.round(c.codeTtlMs / 60_000) });
      else await this.sendLatencies.waitLikeASend();
    } catch (err) {
      // Nobody received this code, so it must not stay valid; the counters stay, to keep a failing gateway from being hammered.
      await this.redis.del(this.codeKey(request.phone, request.purpose), this.cooldownKey(request.phone));
      const failure = new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'SMS_DELIVERY_FAILED', '短信发送失败，请稍后再试');
      failure.cause = err;
      throw failure;
    }
    return { status: 'sent', expiresInSeconds: Math.round(c.codeTtlMs / 1000), resendAfterSeconds: Math.round(c.resendCooldownMs / 1000), delivered };
  }

  private readonly sendLatencies = new SendLatencies();

  private async timedSend(message: VerificationSms): Promise<void> {
    const started = performance.now();
    await this.sender.sendVerificationCode(message);
    this.sendLatencies.record(performance.now() - started);
  }

  /**
   * `consume: false` checks a right code without spending it (a wrong one still counts and burns as always): the
   * registration proves the mobile first, answers a taken name or e-mail, and spends the code only when it commits.
   */
  async verify(request: VerifyCodeRequest, options: { consume?: boolean } = {}): Promise<VerifyCodeResult> {
    this.assertTarget(request.phone, request.purpose);
    const code = request.code.normalize('NFKC').trim();
    // A malformed code still counts as a wrong try, otherwise junk input would be a free probe.
    const hash = SIX_DIGITS.test(code) ? this.hashCode(request.phone, request.purpose, code) : 'malformed';
    const [status, remaining] = (await this.redis.eval(VERIFY_SCRIPT, 1, this.codeKey(request.phone, request.purpose), this.clock.now(), hash, this.config.maxVerifyAttempts, options.consume === false ? '0' : '1')) as [
      string,
      number,
    ];
    if (status === 'ok') return { ok: true };
    return { ok: false, reason: status as 'invalid', remainingAttempts: remaining };
  }

  private assertTarget(phone: string, purpose: SmsPurpose): void {
    if (!MOBILE.test(phone)) throw new Error('phone must be a normalised 11-digit mainland mobile number (see normalizeMobile in @lsc/validation)');
    if (!SMS_PURPOSES.includes(purpose)) throw new Error(`unknown sms purpose ${String(purpose)}`);
  }

  private hashCode(phone: string, purpose: SmsPurpose, code: string): string {
    return this.hmac(`code|${purpose}|${phone}|${code}`);
  }

  // Key names carry an HMAC of the phone/IP, not the value itself, so Redis dumps hold no personal data.
  private hmac(value: string): string {
    return createHmac('sha256', this.config.pepper).update(value).digest('base64url');
  }

  private codeKey(phone: string, purpose: SmsPurpose): string {
    return `${this.config.keyPrefix}sms:code:${purpose}:${this.hmac(`phone|${phone}`)}`;
  }

  private cooldownKey(phone: string): string {
    return `${this.config.keyPrefix}sms:cooldown:${this.hmac(`phone|${phone}`)}`;
  }

  private phoneWindowKey(phone: string): string {
    return `${this.config.keyPrefix}sms:sent:phone:${this.hmac(`phone|${phone}`)}`;
  }

  /**
   * Daily counters. Sends that deliver nothing (a login code for a number without an account) count too: otherwise
   * a number's budget running out would tell that it has an account.
   */
  private budgetKey(day: string, scope: 'phone' | 'prefix' | 'global', value: string): string {
    return `${this.config.keyPrefix}sms:budget:${day}:${scope}:${scope === 'global' ? value : this.hmac(`${scope}|${value}`)}`;
  }

  private ipWindowKey(ip: string): string {
    return `${this.config.keyPrefix}sms:sent:ip:${this.hmac(`ip|${ip}`)}`;
  }
}

/**
 * How long the real provider took for recent sends, so that a send that delivers nothing waits as long as one that
 * does: the answer's timing must not tell whether the number has an account. Until the first real send, a send that
 * delivers nothing waits `initialMs`.
 */
export class SendLatencies {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(
    private readonly capacity = 64,
    private readonly initialMs = 0,
  ) {}

  record(ms: number): void {
    if (this.samples.length < this.capacity) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
  }

  /** A recent real latency drawn at random: the decoy's delay has the provider's distribution, not a constant. */
  sample(): number {
    return this.samples.length === 0 ? this.initialMs : this.samples[randomInt(0, this.samples.length)];
  }

  /**
   * Waits as long as the drawn send took, to the tenth of a millisecond. A timer alone would not do: it rounds up to
   * whole milliseconds and overshoots, so with a fast provider (the local sender takes ~0.3 ms) the decoy was measurably
   * the slower answer (median +1.7 ms on a quiet machine), which tells a stranger's number from a customer's. The whole
   * milliseconds but two go to a timer (which overshoots by a millisecond or more on a busy machine), the rest to
   * yielding to the event loop until the moment is reached.
   */
  async waitLikeASend(): Promise<void> {
    const until = performance.now() + this.sample();
    const timerMs = Math.floor(until - performance.now()) - 2;
    if (timerMs > 0) await new Promise((resolve) => setTimeout(resolve, timerMs));
    // Even a 0 ms wait yields once, as the real send's I/O does.
    do await new Promise((resolve) => setImmediate(resolve));
    while (performance.now() < until);
  }
}

const SMS_REFUSAL_MESSAGES: Record<SmsRefusalReason, (retryAfterSeconds: number) => string> = {
  cooldown: (s) => `发送过于频繁，请${s}秒后再试`,
  phone_hourly_limit: () => '该手机号获取验证码次数过多，请稍后再试',
  ip_hourly_limit: () => '当前网络获取验证码次数过多，请稍后再试',
  phone_daily_budget: () => '该手机号今日获取验证码次数已达上限，请明天再试',
  prefix_daily_budget: () => '该号段今日获取验证码次数过多，请明天再试或联系中国图书馆学会',
  global_daily_budget: () => '今日短信验证码发送量已达上限，请明天再试或联系中国图书馆学会',
};

/** Maps a throttled send to the 429 answer the HTTP layer returns. */
export function smsThrottleError(result: Extract<SendCodeResult, { status: 'throttled' }>): ApiError {
  const message = SMS_REFUSAL_MESSAGES[result.reason](result.retryAfterSeconds);
  return new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'SMS_RATE_LIMITED', message, [{ field: 'phone', rule: result.reason, message }]);
}

/** Invalid and expired read the same to the user so the answer reveals nothing about which codes exist. */
export function smsVerifyError(result: Extract<VerifyCodeResult, { ok: false }>): ApiError {
  const message = result.reason === 'too_many_attempts' ? '验证码错误次数过多，请重新获取' : '验证码错误或已失效';
  return new ApiError(HttpStatus.BAD_REQUEST, 'SMS_CODE_INVALID', message, [{ field: 'code', rule: result.reason, message }]);
}
