import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ApiError, LOGGER } from '@lsc/service-kit';
import { passwordStrength, type PasswordStrength } from '@lsc/validation';
import {
  AccessTokenIssuer,
  CaptchaService,
  CredentialChecker,
  DEFAULT_LOGIN_THROTTLE,
  LoginThrottle,
  loginThrottledError,
  PasswordHasher,
  RefreshTokenStore,
  SmsCodeService,
  smsVerifyError,
  type SmsPurpose,
} from '../auth';
import { accountStreamId, type AccountCommand } from '../domain/account';
import { institutionStreamId } from '../domain/institution';
import { AccountsRepository, subjectOf, type AccountRow } from '../infra/accounts.repository';
import { loginThrottleKey } from '../infra/claims';
import { ACCOUNT_HANDLER, INSTITUTION_HANDLER, type AccountHandler, type InstitutionHandler } from './providers';
import { StaffTwoFactorService, type SecondFactorChallenge } from './staff-two-factor.service';
import { captchaInvalid, metadata } from './shared';

export interface SessionResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  principal: { sub: string; roles: string[] };
}

/** One answer for "no such account" and "wrong password" (ASVS 6.3.8): same status, same body. */
export const invalidCredentials = (): ApiError => new ApiError(HttpStatus.UNAUTHORIZED, 'INVALID_CREDENTIALS', '用户名或密码错误');
/**
 * A staff-locked account. Said only to a caller who has just proved the credential (right password or SMS code):
 * a wrong password on a locked account gets the ordinary INVALID_CREDENTIALS, so the lock reveals nothing to someone
 * guessing, and neither the reason, nor the time, nor who locked it is ever told.
 */
export const accountLockedError = (): ApiError => new ApiError(HttpStatus.FORBIDDEN, 'ACCOUNT_LOCKED', '该账号已被锁定，请联系中国图书馆学会工作人员');
/** A disabled staff account: like a lock, told only after the right password. */
export const accountDisabledError = (): ApiError => new ApiError(HttpStatus.FORBIDDEN, 'ACCOUNT_DISABLED', '该工作人员账号已停用，请联系超级管理员');
const invalidRefresh = (): ApiError => new ApiError(HttpStatus.UNAUTHORIZED, 'INVALID_REFRESH_TOKEN', '登录已失效，请重新登录');

@Injectable()
export class SessionsService {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ACCOUNT_HANDLER) private readonly accountHandler: AccountHandler,
    @Inject(INSTITUTION_HANDLER) private readonly institutions: InstitutionHandler,
    private readonly accounts: AccountsRepository,
    private readonly captcha: CaptchaService,
    private readonly smsCodes: SmsCodeService,
    private readonly checker: CredentialChecker,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly issuer: AccessTokenIssuer,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly twoFactor: StaffTwoFactorService,
  ) {}

  /**
   * Password login. The throttle is keyed by the account the identifier resolves to (any spelling of its mobile, its
   * e-mail or login name count together), else by the identifier's canonical form, so unknown names throttle alike; the
   * lookup is one indexed query whatever the answer, and an unknown account verifies against the dummy hash: the work,
   * status and body are the same for "unknown" and "wrong password".
   * The throttle check and the captcha are independent round trips, so they run together; a throttled request
   * therefore also uses up its captcha, which is single-use anyway.
   */
  async passwordLogin(input: { login: string; password: string; captchaId: string; captchaAnswer: string }, ip: string): Promise<SessionResponse | SecondFactorChallenge> {
    const account = await this.accounts.findByLogin(input.login);
    const throttleKey = loginThrottleKey(input.login, account);
    const [decision, captchaOk] = await Promise.all([this.throttle.check(throttleKey, ip), this.captcha.verify(input.captchaId, input.captchaAnswer, 'login')]);
    if (!decision.allowed) throw loginThrottledError(decision);
    if (!captchaOk) throw captchaInvalid();
    const ok = await this.checker.check(account?.password_hash, input.password);
    if (!ok) {
      const { accountLocked } = await this.throttle.recordFailure(throttleKey, ip);
      if (accountLocked && account) await this.recordLock(account);
      throw invalidCredentials();
    }
    if (account!.locked_at || account!.disabled_at) {
      // The password was right, so the failures are cleared as for any correct password.
      await this.throttle.recordSuccess(throttleKey);
      throw account!.disabled_at ? accountDisabledError() : accountLockedError();
    }
    // Staff with an authenticator, and finance/super_admin in any case, continue with the second step (二次验证).
    const [, challenge] = await Promise.all([this.throttle.recordSuccess(throttleKey), this.twoFactor.afterPassword(account!)]);
    return challenge ?? this.startSession(account!);
  }

  async smsLogin(input: { mobile: string; code: string }): Promise<SessionResponse> {
    await this.verifyCode(input.mobile, 'login', input.code);
    const account = await this.accounts.findByClaim('mobile', input.mobile);
    // The code proved control of the phone, so saying "no account" leaks nothing the caller does not already know.
    if (!account) throw new ApiError(HttpStatus.UNAUTHORIZED, 'INVALID_CREDENTIALS', '该手机号未注册机构账号');
    if (account.locked_at) throw accountLockedError();
    return this.startSession(account);
  }

  async refresh(refreshToken: string): Promise<SessionResponse> {
    const rotated = await this.refreshTokens.rotate(refreshToken);
    if (rotated.status === 'reuse_detected') {
      this.logger.warn({ sub: rotated.sub, familyId: rotated.familyId }, 'refresh token reuse: family revoked');
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'REFRESH_TOKEN_REUSED', '登录凭证已被使用，为保护账号安全已退出登录，请重新登录');
    }
    if (rotated.status !== 'rotated') throw invalidRefresh();
    const account = await this.accounts.findBySubject(rotated.sub);
    if (!account) {
      await this.refreshTokens.revoke(rotated.refreshToken);
      throw invalidRefresh();
    }
    // Locking revokes every refresh token; this also covers a refresh racing the lock.
    if (account.locked_at || account.disabled_at) {
      await this.refreshTokens.revoke(rotated.refreshToken);
      throw account.disabled_at ? accountDisabledError() : accountLockedError();
    }
    const access = await this.issuer.issue({ sub: subjectOf(account), roles: account.roles });
    return { accessToken: access.accessToken, tokenType: 'Bearer', expiresIn: access.expiresIn, refreshToken: rotated.refreshToken, principal: { sub: subjectOf(account), roles: account.roles } };
  }

  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revoke(refreshToken);
  }

  /** 忘记密码: proves the phone with a `reset` code, sets the new hash with PasswordChanged, ends every login. */
  async resetPassword(input: { mobile: string; code: string; password: string }): Promise<{ passwordStrength: PasswordStrength }> {
    await this.verifyCode(input.mobile, 'reset', input.code);
    const account = await this.accounts.findByClaim('mobile', input.mobile);
    if (!account) throw new ApiError(HttpStatus.NOT_FOUND, 'ACCOUNT_NOT_FOUND', '该手机号未注册机构账号');
    if (account.locked_at) throw accountLockedError();
    await this.setPassword(account, input.password, 'reset');
    return { passwordStrength: passwordStrength(input.password) };
  }

  /** Stores a new hash and (for institutions) PasswordChanged in one transaction, then revokes all refresh tokens. */
  async setPassword(account: AccountRow, password: string, via: 'change' | 'reset'): Promise<void> {
    const hash = await this.hasher.hash(password);
    if (account.kind === 'institution') {
      await this.institutions.handle(
        institutionStreamId(account.institution_id!),
        { type: 'RecordPasswordChange', data: { via }, metadata: metadata(subjectOf(account)) },
        { afterAppend: (client) => this.accounts.updatePasswordHash(client, account.account_id, hash) },
      );
    } else {
      await this.accounts.updatePasswordHash(this.accounts.pool, account.account_id, hash);
    }
    await this.refreshTokens.revokeAllForSubject(subjectOf(account));
  }

  async verifyCode(mobile: string, purpose: SmsPurpose, code: string): Promise<void> {
    const result = await this.smsCodes.verify({ phone: mobile, purpose, code });
    if (!result.ok) throw smsVerifyError(result);
  }

  /** Ends every login of the account (password change, mobile change, staff lock). */
  async endAllSessions(account: AccountRow): Promise<void> {
    await this.refreshTokens.revokeAllForSubject(subjectOf(account));
  }

  async startSession(account: AccountRow): Promise<SessionResponse> {
    const sub = subjectOf(account);
    const [access, refresh] = await Promise.all([this.issuer.issue({ sub, roles: account.roles }), this.refreshTokens.issue(sub)]);
    return { accessToken: access.accessToken, tokenType: 'Bearer', expiresIn: access.expiresIn, refreshToken: refresh.refreshToken, principal: { sub, roles: account.roles } };
  }

  /** AccountLocked goes out once per lock (the throttle reports the failure that started it). */
  private async recordLock(account: AccountRow): Promise<void> {
    const lockMs = DEFAULT_LOGIN_THROTTLE.account.lockMs;
    const now = new Date();
    const command: AccountCommand = {
      type: 'RecordLock',
      data: {
        accountId: account.account_id,
        ...(account.institution_id ? { institutionId: account.institution_id } : {}),
        reason: 'too_many_failures',
        lockedUntil: new Date(now.getTime() + lockMs).toISOString(),
      },
      metadata: { ...metadata('identity:login-throttle'), now: now.toISOString() },
    };
    await this.accountHandler.handle(accountStreamId(account.account_id), command).catch((err: unknown) => this.logger.error({ err }, 'could not record AccountLocked'));
  }
}
