import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@lsc/service-kit';
import type Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock';

export interface ThrottlePolicy {
  /** Failures older than this are forgotten. */
  windowMs: number;
  /** Failures allowed before any delay applies. */
  freeFailures: number;
  /** Delay after the first counted failure; doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within the window that lock the scope. */
  lockAfter: number;
  lockMs: number;
}

export interface LoginThrottleConfig {
  keyPrefix: string;
  account: ThrottlePolicy;
  /** Looser than per account: a library's whole staff may sit behind one NAT address. */
  ip: ThrottlePolicy;
}

/**
 * Per account: delays of 1, 2, 4, 8, 16 s after the 5th–9th failure, a 15-minute lock at the 10th, so at most
 * about 10 guesses per ~15.5 minutes — under 40 an hour, well below ASVS's 100 per account per hour.
 */
export const DEFAULT_LOGIN_THROTTLE: Omit<LoginThrottleConfig, 'keyPrefix'> = {
  account: { windowMs: 15 * 60_000, freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, lockAfter: 10, lockMs: 15 * 60_000 },
  ip: { windowMs: 15 * 60_000, freeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 30_000, lockAfter: 100, lockMs: 15 * 60_000 },
};

export type ThrottleDecision = { allowed: true } | { allowed: false; reason: 'account_locked' | 'account_delayed' | 'ip_locked' | 'ip_delayed'; retryAfterSeconds: number };

// Both scopes in one script: one round trip per login attempt instead of two. Per scope: the lock, else the number of
// failures in the window and the time of the last.
const CHECK_SCRIPT = `
local now = tonumber(ARGV[1])
local function scope(failures, lock, windowMs)
  local lockedUntil = tonumber(redis.call('GET', lock) or '0')
  if lockedUntil > now then return {'locked', lockedUntil - now, 0} end
  redis.call('ZREMRANGEBYSCORE', failures, '-inf', now - windowMs)
  local count = redis.call('ZCARD', failures)
  if count == 0 then return {'count', 0, 0} end
  local last = redis.call('ZRANGE', failures, -1, -1, 'WITHSCORES')
  return {'count', count, tonumber(last[2])}
end
local account = scope(KEYS[1], KEYS[2], tonumber(ARGV[2]))
local ip = scope(KEYS[3], KEYS[4], tonumber(ARGV[3]))
return {account[1], account[2], account[3], ip[1], ip[2], ip[3]}
`;

// The failure list is cleared when the lock is set, so after the lock the account starts fresh rather than
// being re-locked by the same old failures.
const FAILURE_SCRIPT = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], windowMs)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], now + tonumber(ARGV[4]), 'PX', ARGV[4])
  redis.call('DEL', KEYS[1])
  return {count, 1}
end
return {count, 0}
`;

type Scope = 'account' | 'ip';

/** Progressive delay and temporary lock per account and per IP, shared by all identity instances through Redis. */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly config: LoginThrottleConfig,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Call before checking the password; the account key is the resolved account (see loginThrottleKey in infra/claims). */
  async check(accountKey: string, ip: string): Promise<ThrottleDecision> {
    const now = this.clock.now();
    const accountKeys = this.keys('account', accountKey);
    const ipKeys = this.keys('ip', ip);
    const r = (await this.redis.eval(CHECK_SCRIPT, 4, accountKeys.failures, accountKeys.lock, ipKeys.failures, ipKeys.lock, now, this.config.account.windowMs, this.config.ip.windowMs)) as [
      string, number, number, string, number, number,
    ];
    const account = this.waitFrom('account', r[0], r[1], r[2], now);
    const byIp = this.waitFrom('ip', r[3], r[4], r[5], now);
    const worst = account.waitMs >= byIp.waitMs ? { scope: 'account' as const, ...account } : { scope: 'ip' as const, ...byIp };
    if (worst.waitMs <= 0) return { allowed: true };
    return { allowed: false, reason: `${worst.scope}_${worst.locked ? 'locked' : 'delayed'}`, retryAfterSeconds: Math.ceil(worst.waitMs / 1000) };
  }

  async recordFailure(accountKey: string, ip: string): Promise<{ accountFailures: number; accountLocked: boolean }> {
    const [[accountFailures, accountLocked]] = await Promise.all([this.fail('account', accountKey), this.fail('ip', ip)]);
    return { accountFailures, accountLocked };
  }

  /** A correct password clears the account's failures; the IP counter stays, so one valid account cannot launder a spraying IP. */
  async recordSuccess(accountKey: string): Promise<void> {
    await this.redis.del(this.keys('account', accountKey).failures);
  }

  /** How long the scope must wait, from the script's answer: locked (ms left), or the failure count and the last failure's time. */
  private waitFrom(scope: Scope, kind: string, a: number, b: number, now: number): { waitMs: number; locked: boolean } {
    const policy = this.config[scope];
    if (kind === 'locked') return { waitMs: a, locked: true };
    if (a < policy.freeFailures) return { waitMs: 0, locked: false };
    const delay = Math.min(policy.baseDelayMs * 2 ** (a - policy.freeFailures), policy.maxDelayMs);
    return { waitMs: b + delay - now, locked: false };
  }

  private async fail(scope: Scope, id: string): Promise<[number, boolean]> {
    const policy = this.config[scope];
    const keys = this.keys(scope, id);
    const member = `${this.clock.now()}:${randomBytes(6).toString('hex')}`;
    const [count, locked] = (await this.redis.eval(FAILURE_SCRIPT, 2, keys.failures, keys.lock, this.clock.now(), policy.windowMs, policy.lockAfter, policy.lockMs, member)) as [number, number];
    return [count, locked === 1];
  }

  // Identifiers are hashed so Redis holds no login names or addresses; account keys are case- and width-folded.
  private keys(scope: Scope, id: string): { failures: string; lock: string } {
    const normalised = scope === 'account' ? id.normalize('NFKC').trim().toLowerCase() : id;
    const digest = createHash('sha256').update(`${scope}|${normalised}`).digest('base64url');
    return { failures: `${this.config.keyPrefix}bf:${scope}:fail:${digest}`, lock: `${this.config.keyPrefix}bf:${scope}:lock:${digest}` };
  }
}

/** The same answer whether or not the account exists, so the lock reveals nothing about registration. */
export function loginThrottledError(decision: Extract<ThrottleDecision, { allowed: false }>, what: { code: string; failures: string } = { code: 'LOGIN_THROTTLED', failures: '登录失败' }): ApiError {
  const wait = decision.retryAfterSeconds >= 60 ? `${Math.ceil(decision.retryAfterSeconds / 60)}分钟` : `${decision.retryAfterSeconds}秒`;
  return new ApiError(HttpStatus.TOO_MANY_REQUESTS, what.code, `${what.failures}次数过多，请${wait}后再试`);
}
