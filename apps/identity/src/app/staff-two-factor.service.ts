import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import QRCode from 'qrcode';
import type { Queryable } from '@lsc/event-sourcing';
import { ApiError, CONFIG, REDIS } from '@lsc/service-kit';
import { base32Encode, matchingStep, otpauthUri, RefreshTokenStore, SecretBox } from '../auth';
import type { IdentityConfig } from '../config';
import { needsTwoFactor, staffStreamId, type StaffCommand } from '../domain/staff';
import { AccountsRepository, type AccountRow } from '../infra/accounts.repository';
import { metadata } from './shared';
import { StaffAccountsService } from './staff-accounts.service';

/** What a staff member gets instead of a session after the right password: the second step of the sign-in. */
export interface SecondFactorChallenge {
  /** `totp`: enter the authenticator's code (or a recovery code); `enrol`: bind an authenticator first. */
  secondFactor: 'totp' | 'enrol';
  mfaToken: string;
  expiresIn: number;
}
export interface Enrolment {
  username: string;
  /** The base32 secret, for typing in by hand; shown this once, never returned again. */
  secret: string;
  otpauthUri: string;
  /** PNG data URL of the otpauth:// URI (same QR library as the invoices). */
  qrCode: string;
}

export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes allowed per sign-in attempt; then the password has to be given again (with its own throttle). */
export const MAX_SECOND_FACTOR_FAILURES = 5;
const VERIFY_TTL_SECONDS = 300;
const ENROL_TTL_SECONDS = 900;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const normaliseRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');

const tokenInvalid = () =>
  new ApiError(HttpStatus.UNAUTHORIZED, 'MFA_TOKEN_INVALID', '登录步骤已过期或已失效，请重新输入用户名和密码', [{ field: 'mfaToken', rule: 'mfaToken', message: '登录步骤已过期，请重新登录' }]);
const codeInvalid = (left: number) =>
  new ApiError(HttpStatus.BAD_REQUEST, 'TOTP_CODE_INVALID', `动态验证码错误，请输入身份验证器当前显示的6位数字（还可尝试${left}次）`, [{ field: 'code', rule: 'totp', message: '动态验证码错误' }]);
const codeReused = () =>
  new ApiError(HttpStatus.BAD_REQUEST, 'TOTP_CODE_REUSED', '该动态验证码已使用过，请等待身份验证器显示下一个验证码后再输入', [{ field: 'code', rule: 'totpReplay', message: '该动态验证码已使用过' }]);
const recoveryInvalid = (left: number) =>
  new ApiError(HttpStatus.BAD_REQUEST, 'RECOVERY_CODE_INVALID', `恢复码错误或已使用过（还可尝试${left}次）`, [{ field: 'recoveryCode', rule: 'recoveryCode', message: '恢复码错误或已使用过' }]);

interface TokenState {
  accountId: string;
  stage: 'totp' | 'enrol';
  pending?: string;
}

/**
 * Two-factor sign-in for staff (TOTP, RFC 6238). After the right password a staff member with an authenticator gets a
 * short-lived `mfaToken` instead of a session and completes with a code (or a single-use recovery code); finance and
 * super_admin without one are led to enrol (QR code, confirm with a first code, ten recovery codes shown once) and
 * get no session before that. A code is accepted once (last_step), wrong codes are counted per token.
 * Enrolment and reset are events on the staff stream (identity.StaffTwoFactorChanged goes out).
 */
@Injectable()
export class StaffTwoFactorService {
  private readonly box: SecretBox;
  private readonly requiredFor: readonly string[];

  constructor(
    private readonly staff: StaffAccountsService,
    private readonly accounts: AccountsRepository,
    private readonly refreshTokens: RefreshTokenStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: IdentityConfig,
  ) {
    this.box = new SecretBox(config.STAFF_TOTP_KEY);
    this.requiredFor = config.STAFF_TWO_FACTOR_ROLES.split(',').filter(Boolean);
  }

  /** Called after a correct password: undefined means "no second factor for this account, start the session". */
  async afterPassword(account: AccountRow): Promise<SecondFactorChallenge | undefined> {
    if (account.kind !== 'staff') return undefined;
    const enrolled = await this.isEnrolled(account.account_id);
    if (!enrolled && !needsTwoFactor(account.roles, this.requiredFor)) return undefined;
    const stage = enrolled ? 'totp' : 'enrol';
    const ttl = enrolled ? VERIFY_TTL_SECONDS : ENROL_TTL_SECONDS;
    const mfaToken = randomBytes(24).toString('base64url');
    await this.redis.set(this.key(mfaToken), JSON.stringify({ accountId: account.account_id, stage } satisfies TokenState), 'EX', ttl);
    return { secondFactor: stage, mfaToken, expiresIn: ttl };
  }

  async isEnrolled(accountId: string, db: Queryable = this.accounts.pool): Promise<boolean> {
    return (await db.query('select 1 from identity_staff_totp where account_id = $1', [accountId])).rows.length > 0;
  }

  /** A fresh secret for the authenticator (replacing any not yet confirmed); kept sealed with the token only. */
  async beginEnrolment(mfaToken: string): Promise<Enrolment> {
    const state = await this.load(mfaToken, 'enrol');
    const secret = randomBytes(20);
    const username = (await this.staff.get(state.accountId)).username;
    await this.save(mfaToken, { ...state, pending: this.box.seal(secret, state.accountId) });
    const secretBase32 = base32Encode(secret);
    const uri = otpauthUri(secretBase32, username);
    return { username, secret: secretBase32, otpauthUri: uri, qrCode: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }) };
  }

  /** The first code proves the authenticator holds the secret; then it is stored and the recovery codes are issued. */
  async confirmEnrolment(mfaToken: string, code: string, now = Date.now()): Promise<{ account: AccountRow; recoveryCodes: string[] }> {
    const state = await this.load(mfaToken, 'enrol');
    if (!state.pending) throw new ApiError(HttpStatus.CONFLICT, 'ENROLMENT_NOT_STARTED', '请先获取绑定二维码，再输入身份验证器显示的验证码');
    const attempt = await this.countAttempt(mfaToken);
    const secret = this.box.open(state.pending, state.accountId);
    const step = matchingStep(secret, code, now);
    if (step === undefined) throw await this.fail(mfaToken, attempt, codeInvalid);
    const account = await this.activeAccount(state.accountId);
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const raw = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    await this.staff.handler.handle(
      staffStreamId(state.accountId),
      { type: 'RecordTwoFactorEnrolment', data: { recoveryCodes: RECOVERY_CODE_COUNT }, metadata: metadata(state.accountId) },
      {
        afterAppend: async (client) => {
          await client.query('insert into identity_staff_totp (account_id, secret_sealed, last_step) values ($1, $2, $3)', [state.accountId, state.pending, step]);
          await client.query('insert into identity_staff_recovery_codes (account_id, code_hash) select $1, unnest($2::text[])', [state.accountId, recoveryCodes.map((c) => sha256(normaliseRecoveryCode(c)))]);
        },
      },
    );
    await this.redis.del(this.key(mfaToken), this.attemptsKey(mfaToken));
    return { account, recoveryCodes };
  }

  /** The second step of the sign-in: a current code (each accepted once) or an unused recovery code. */
  async verify(mfaToken: string, input: { code?: string; recoveryCode?: string }, now = Date.now()): Promise<AccountRow> {
    const state = await this.load(mfaToken, 'totp');
    const attempt = await this.countAttempt(mfaToken);
    if (input.recoveryCode !== undefined) {
      const used = await this.accounts.pool.query('update identity_staff_recovery_codes set used_at = now() where account_id = $1 and code_hash = $2 and used_at is null', [state.accountId, sha256(normaliseRecoveryCode(input.recoveryCode))]);
      if (used.rowCount !== 1) throw await this.fail(mfaToken, attempt, recoveryInvalid);
      const { rows } = await this.accounts.pool.query<{ n: number }>('select count(*)::int as n from identity_staff_recovery_codes where account_id = $1 and used_at is null', [state.accountId]);
      await this.staff.handler.handle(staffStreamId(state.accountId), { type: 'RecordRecoveryCodeUse', data: { left: rows[0].n }, metadata: metadata(state.accountId) });
    } else {
      const { rows } = await this.accounts.pool.query<{ secret_sealed: string }>('select secret_sealed from identity_staff_totp where account_id = $1', [state.accountId]);
      if (!rows[0]) throw tokenInvalid();
      const step = matchingStep(this.box.open(rows[0].secret_sealed, state.accountId), input.code ?? '', now);
      if (step === undefined) throw await this.fail(mfaToken, attempt, codeInvalid);
      // Atomic: of two sign-ins with the same code only one moves last_step forward.
      const taken = await this.accounts.pool.query('update identity_staff_totp set last_step = $2 where account_id = $1 and last_step < $2', [state.accountId, step]);
      if (taken.rowCount !== 1) throw await this.fail(mfaToken, attempt, codeReused);
    }
    await this.redis.del(this.key(mfaToken), this.attemptsKey(mfaToken));
    return this.activeAccount(state.accountId);
  }

  /** 重置二次验证 (super-admin): the authenticator and recovery codes are forgotten, sessions end, next sign-in enrols. */
  async reset(accountId: string, actor: string): Promise<void> {
    const command: StaffCommand = { type: 'ResetTwoFactor', data: {}, metadata: metadata(actor) };
    await this.staff.handler.handle(staffStreamId(accountId), command, {
      afterAppend: async (client) => {
        await client.query('delete from identity_staff_totp where account_id = $1', [accountId]);
        await client.query('delete from identity_staff_recovery_codes where account_id = $1', [accountId]);
      },
    });
    await this.refreshTokens.revokeAllForSubject(accountId);
  }

  private async activeAccount(accountId: string): Promise<AccountRow> {
    const account = await this.accounts.findBySubject(accountId);
    // Disabled or locked while the code was being typed: the sign-in ends here.
    if (!account || account.disabled_at || account.locked_at) throw tokenInvalid();
    return account;
  }

  /**
   * Attempts are counted before the code is checked, atomically (INCR): requests sent in parallel with one token still
   * get MAX_SECOND_FACTOR_FAILURES tries in all, not that many each.
   */
  private async countAttempt(mfaToken: string): Promise<number> {
    const [[, attempt]] = (await this.redis.multi().incr(this.attemptsKey(mfaToken)).expire(this.attemptsKey(mfaToken), ENROL_TTL_SECONDS).exec()) as [[Error | null, number], unknown];
    if (attempt > MAX_SECOND_FACTOR_FAILURES) throw await this.fail(mfaToken, attempt, codeInvalid);
    return attempt;
  }

  private async fail(mfaToken: string, attempt: number, error: (left: number) => ApiError): Promise<ApiError> {
    if (attempt >= MAX_SECOND_FACTOR_FAILURES) {
      await this.redis.del(this.key(mfaToken));
      return new ApiError(HttpStatus.UNAUTHORIZED, 'MFA_TOO_MANY_FAILURES', '验证码错误次数过多，请重新输入用户名和密码登录');
    }
    return error(MAX_SECOND_FACTOR_FAILURES - attempt);
  }

  private async load(mfaToken: string, stage: TokenState['stage']): Promise<TokenState> {
    const raw = await this.redis.get(this.key(mfaToken));
    const state = raw ? (JSON.parse(raw) as TokenState) : undefined;
    if (!state || state.stage !== stage) throw tokenInvalid();
    return state;
  }

  /** Keeps the token's remaining lifetime (KEEPTTL): wrong codes never extend it. */
  private async save(mfaToken: string, state: TokenState): Promise<void> {
    await this.redis.set(this.key(mfaToken), JSON.stringify(state), 'KEEPTTL', 'XX');
  }

  private key(mfaToken: string): string {
    return `${this.config.REDIS_KEY_PREFIX}staff-mfa:${sha256(mfaToken)}`;
  }

  private attemptsKey(mfaToken: string): string {
    return `${this.key(mfaToken)}:attempts`;
  }
}
