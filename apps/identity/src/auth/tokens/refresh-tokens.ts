import type Redis from 'ioredis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock';

export interface RefreshTokenConfig {
  keyPrefix: string;
  /** A refresh token unused this long expires (sliding). */
  idleTtlMs: number;
  /** A login (token family) ends after this long however often it is refreshed. */
  familyLifetimeMs: number;
}

export const DEFAULT_REFRESH_TOKEN_CONFIG: Omit<RefreshTokenConfig, 'keyPrefix'> = { idleTtlMs: 14 * 86_400_000, familyLifetimeMs: 30 * 86_400_000 };

export interface IssuedRefreshToken {
  refreshToken: string;
  familyId: string;
  expiresAt: number;
}

export type RotateResult =
  | ({ status: 'rotated'; sub: string } & IssuedRefreshToken)
  | { status: 'invalid' | 'expired' | 'revoked' }
  /** An already-rotated token came back: it was stolen or replayed, so the whole family was revoked. */
  | { status: 'reuse_detected'; sub: string; familyId: string };

// Rotated records are kept (state=rotated) until the family ends, which is what makes reuse detectable.
// The family key is derived inside the script, so this assumes a single Redis, not a cluster.
const ROTATE_SCRIPT = `
local rec = redis.call('HMGET', KEYS[1], 'family', 'sub', 'expiresAt', 'state')
if not rec[1] then return {'invalid'} end
local famKey = ARGV[4] .. 'rt:fam:' .. rec[1]
local fam = redis.call('HMGET', famKey, 'revoked', 'expiresAt')
if not fam[2] or fam[1] == '1' then return {'revoked'} end
if rec[4] == 'rotated' then
  redis.call('HSET', famKey, 'revoked', '1')
  return {'reuse_detected', rec[2], rec[1]}
end
local now = tonumber(ARGV[1])
local famExp = tonumber(fam[2])
if tonumber(rec[3]) <= now or famExp <= now then return {'expired'} end
redis.call('HSET', KEYS[1], 'state', 'rotated')
local newExp = math.min(now + tonumber(ARGV[3]), famExp)
redis.call('HSET', ARGV[2], 'family', rec[1], 'sub', rec[2], 'expiresAt', newExp, 'state', 'active')
redis.call('PEXPIRE', ARGV[2], famExp - now)
return {'rotated', rec[2], rec[1], tostring(newExp)}
`;

const REVOKE_SUBJECT_SCRIPT = `
local families = redis.call('SMEMBERS', KEYS[1])
for _, family in ipairs(families) do
  local famKey = ARGV[1] .. 'rt:fam:' .. family
  if redis.call('EXISTS', famKey) == 1 then redis.call('HSET', famKey, 'revoked', '1') end
end
redis.call('DEL', KEYS[1])
return #families
`;

/**
 * Opaque refresh tokens with rotation and reuse detection (OAuth 2.0 Security BCP §4.14). Only a SHA-256 of
 * each token is stored: the tokens are 256-bit random, so a plain hash (no salt/pepper) already defeats guessing.
 */
export class RefreshTokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly config: RefreshTokenConfig,
    private readonly clock: Clock = systemClock,
  ) {}

  async issue(sub: string): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    const familyId = randomUUID();
    const refreshToken = newToken();
    const familyExpiresAt = now + this.config.familyLifetimeMs;
    const expiresAt = Math.min(now + this.config.idleTtlMs, familyExpiresAt);
    await this.redis
      .multi()
      .hset(this.familyKey(familyId), { sub, revoked: '0', expiresAt: familyExpiresAt })
      .pexpire(this.familyKey(familyId), this.config.familyLifetimeMs)
      .hset(this.tokenKey(refreshToken), { family: familyId, sub, expiresAt, state: 'active' })
      .pexpire(this.tokenKey(refreshToken), this.config.familyLifetimeMs)
      .sadd(this.subjectKey(sub), familyId)
      .pexpire(this.subjectKey(sub), this.config.familyLifetimeMs)
      .exec();
    return { refreshToken, familyId, expiresAt };
  }

  async rotate(refreshToken: string): Promise<RotateResult> {
    const next = newToken();
    const reply = (await this.redis.eval(ROTATE_SCRIPT, 1, this.tokenKey(refreshToken), this.clock.now(), this.tokenKey(next), this.config.idleTtlMs, this.config.keyPrefix)) as string[];
    const [status, sub, familyId, expiresAt] = reply;
    if (status === 'rotated') return { status, sub: sub!, familyId: familyId!, refreshToken: next, expiresAt: Number(expiresAt) };
    if (status === 'reuse_detected') return { status, sub: sub!, familyId: familyId! };
    return { status: status as 'invalid' };
  }

  /** Logout: ends the login this token belongs to. Unknown tokens are ignored so logout is idempotent. */
  async revoke(refreshToken: string): Promise<boolean> {
    const familyId = await this.redis.hget(this.tokenKey(refreshToken), 'family');
    // Only an existing family is marked, so an expired one is not resurrected as a key without TTL.
    if (!familyId || (await this.redis.exists(this.familyKey(familyId))) === 0) return false;
    await this.redis.hset(this.familyKey(familyId), 'revoked', '1');
    return true;
  }

  /** After a password change or an admin lock: every login of the subject ends. Returns the number of families. */
  async revokeAllForSubject(sub: string): Promise<number> {
    return (await this.redis.eval(REVOKE_SUBJECT_SCRIPT, 1, this.subjectKey(sub), this.config.keyPrefix)) as number;
  }

  private tokenKey(token: string): string {
    return `${this.config.keyPrefix}rt:tok:${createHash('sha256').update(token).digest('base64url')}`;
  }

  private familyKey(familyId: string): string {
    return `${this.config.keyPrefix}rt:fam:${familyId}`;
  }

  private subjectKey(sub: string): string {
    return `${this.config.keyPrefix}rt:sub:${sub}`;
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}
