import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@lsc/event-sourcing';
import { ApiError, validationFailed } from '@lsc/service-kit';
import { passwordStrength, resolveRegion, streetAddressProblems, type PasswordStrength } from '@lsc/validation';
import { CredentialChecker, LoginThrottle, loginThrottledError } from '../auth';
import { institutionStreamId, type InstitutionDetails, type InstitutionState } from '../domain/institution';
import { AccountsRepository, duplicateError, violatedClaim, type AccountRow } from '../infra/accounts.repository';
import type { ChangeEmailDto, ChangeMobileDto, ChangePasswordDto, UpdateProfileDto } from '../http/profile.dto';
import { INSTITUTION_HANDLER, type InstitutionHandler } from './providers';
import { logoUrl } from './registration.service';
import { accountLockedError, SessionsService, type SessionResponse } from './sessions.service';
import { metadata } from './shared';

type Registered = Extract<InstitutionState, { status: 'registered' }>;

/** What the owner sees of its account: everything but credentials and the internal consent record's ids. */
export function profileView(state: Registered) {
  return {
    institutionId: state.institutionId,
    name: state.name,
    email: state.email,
    mobile: state.mobile,
    loginName: state.loginName ?? null,
    landline: state.landline,
    fax: state.fax ?? null,
    recommendingUnit: state.recommendingUnit,
    region: state.region,
    street: state.street,
    postcode: state.postcode,
    website: state.website ?? null,
    remark: state.remark ?? null,
    logoUrl: logoUrl(state.logoId),
    consent: state.consent,
    registeredAt: state.registeredAt,
  };
}

@Injectable()
export class ProfileService {
  constructor(
    @Inject(INSTITUTION_HANDLER) private readonly institutions: InstitutionHandler,
    private readonly accounts: AccountsRepository,
    private readonly checker: CredentialChecker,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
  ) {}

  async get(institutionId: string): Promise<ReturnType<typeof profileView>> {
    return profileView(await this.load(institutionId));
  }

  async update(institutionId: string, dto: UpdateProfileDto): Promise<ReturnType<typeof profileView>> {
    const current = await this.load(institutionId);
    const account = await this.account(institutionId);
    const codes = [dto.provinceCode, dto.cityCode, dto.districtCode];
    if (codes.some((c) => c !== undefined) && codes.some((c) => c === undefined)) {
      throw validationFailed([{ field: 'districtCode', rule: 'isRegionTriple', message: '所在地区须同时填写省、市、区/县' }]);
    }
    const changes: Partial<InstitutionDetails> = {};
    if (dto.landline !== undefined) changes.landline = dto.landline;
    if (dto.fax !== undefined) changes.fax = dto.fax === '' ? undefined : dto.fax;
    if (dto.website !== undefined) changes.website = dto.website === '' ? undefined : dto.website;
    if (dto.remark !== undefined) changes.remark = dto.remark === '' ? undefined : dto.remark;
    if (dto.recommendingUnit !== undefined) changes.recommendingUnit = dto.recommendingUnit;
    if (dto.postcode !== undefined) changes.postcode = dto.postcode;
    if (dto.districtCode !== undefined) {
      const r = resolveRegion(dto.provinceCode!, dto.cityCode!, dto.districtCode);
      if (!r.ok) throw validationFailed([{ field: 'districtCode', rule: 'isRegionTriple', message: r.message }]);
      changes.region = { provinceCode: r.region.province.code, provinceName: r.region.province.name, cityCode: r.region.city.code, cityName: r.region.city.name, districtCode: r.region.district.code, districtName: r.region.district.name };
    }
    if (dto.street !== undefined) changes.street = dto.street;
    // The street is checked against the region it will sit in, which may be the stored one.
    const region = changes.region ?? current.region;
    const streetProblems = streetAddressProblems(changes.street ?? current.street, { province: region.provinceName, city: region.cityName, district: region.districtName });
    if (streetProblems.length > 0) throw validationFailed(streetProblems.map((message) => ({ field: 'street', rule: 'isStreetAddress', message })));
    const name = dto.name?.replace(/\s+/gu, ' ');
    if (name !== undefined && name !== current.name) {
      const taken = await this.accounts.takenClaims([{ kind: 'name', value: name }], account.account_id);
      if (taken.length > 0) throw duplicateError(taken);
    }
    try {
      const decided = await this.institutions.handle(
        institutionStreamId(institutionId),
        { type: 'UpdateInstitutionProfile', data: { details: changes, ...(name !== undefined ? { name } : {}) }, metadata: metadata(institutionId) },
        {
          afterAppend: async (client, d) => {
            if (d.events.some((e) => e.type === 'InstitutionNameChanged')) await this.accounts.replaceClaim(client, account.account_id, 'name', name!);
          },
        },
      );
      return profileView(decided.state as Registered);
    } catch (err) {
      const kind = isUniqueViolation(err) ? violatedClaim(err) : undefined;
      if (kind) throw duplicateError([kind]);
      throw err;
    }
  }

  /** Setting the password ends every login (sessions.setPassword); the caller gets a fresh one, as on a mobile change. */
  async changePassword(institutionId: string, dto: ChangePasswordDto, ip: string): Promise<{ passwordStrength: PasswordStrength; session: SessionResponse }> {
    const account = await this.account(institutionId);
    await this.checkCurrentPassword(account, dto.currentPassword, ip, '原密码不正确');
    await this.sessions.setPassword(account, dto.password, 'change');
    return { passwordStrength: passwordStrength(dto.password), session: await this.sessions.startSession(account) };
  }

  /** The code goes to the account's own mobile (purpose change_email), proving the owner asks for the change. */
  async changeEmail(institutionId: string, dto: ChangeEmailDto): Promise<ReturnType<typeof profileView>> {
    const current = await this.load(institutionId);
    const account = await this.account(institutionId);
    const taken = await this.accounts.takenClaims([{ kind: 'email', value: dto.email }], account.account_id);
    if (taken.length > 0) throw duplicateError(taken);
    await this.sessions.verifyCode(current.mobile, 'change_email', dto.code);
    try {
      const decided = await this.institutions.handle(
        institutionStreamId(institutionId),
        { type: 'ChangeEmail', data: { email: dto.email }, metadata: metadata(institutionId) },
        { afterAppend: (client, d) => (d.events.length > 0 ? this.accounts.replaceClaim(client, account.account_id, 'email', dto.email) : Promise.resolve()) },
      );
      return profileView(decided.state as Registered);
    } catch (err) {
      const kind = isUniqueViolation(err) ? violatedClaim(err) : undefined;
      if (kind) throw duplicateError([kind]);
      throw err;
    }
  }

  /**
   * 更换手机号. The mobile is a login name and the channel for SMS login and password reset, so: the current password
   * proves the owner, the code sent to the new number (purpose change_mobile) proves the new phone, the claim moves in
   * the append's transaction (the unique key, not the pre-check, stops two accounts sharing it), and every earlier
   * login ends — one started through the old number (a phone given up or taken over) must not outlive the change.
   * The caller gets a fresh session so changing the number does not log them out.
   */
  async changeMobile(institutionId: string, dto: ChangeMobileDto, ip: string): Promise<ReturnType<typeof profileView> & { session: SessionResponse }> {
    const current = await this.load(institutionId);
    const account = await this.account(institutionId);
    if (dto.mobile === current.mobile) throw validationFailed([{ field: 'mobile', rule: 'isDifferent', message: '新手机号不能与当前手机号相同' }]);
    await this.checkCurrentPassword(account, dto.currentPassword, ip, '当前密码不正确');
    // Before the code is used up, so a taken number does not cost the user their code.
    const taken = await this.accounts.takenClaims([{ kind: 'mobile', value: dto.mobile }], account.account_id);
    if (taken.length > 0) throw duplicateError(taken);
    await this.sessions.verifyCode(dto.mobile, 'change_mobile', dto.code);
    let decided;
    try {
      decided = await this.institutions.handle(
        institutionStreamId(institutionId),
        { type: 'ChangeMobile', data: { mobile: dto.mobile }, metadata: metadata(institutionId) },
        { afterAppend: (client, d) => (d.events.length > 0 ? this.accounts.replaceClaim(client, account.account_id, 'mobile', dto.mobile) : Promise.resolve()) },
      );
    } catch (err) {
      const kind = isUniqueViolation(err) ? violatedClaim(err) : undefined;
      if (kind) throw duplicateError([kind]);
      throw err;
    }
    await this.sessions.endAllSessions(account);
    const session = await this.sessions.startSession(account);
    return { ...profileView(decided.state as Registered), session };
  }

  /**
   * The current password asked again before a sensitive change. A stolen access token must not become a password
   * oracle, so these checks go through the login throttle (own key per account, and the caller's IP).
   */
  private async checkCurrentPassword(account: AccountRow, password: string, ip: string, wrongMessage: string): Promise<void> {
    const key = `reauth:${account.account_id}`;
    const decision = await this.throttle.check(key, ip);
    if (!decision.allowed) throw loginThrottledError(decision, { code: 'PASSWORD_CHECK_THROTTLED', failures: '密码错误' });
    if (!(await this.checker.check(account.password_hash, password))) {
      await this.throttle.recordFailure(key, ip);
      throw new ApiError(HttpStatus.BAD_REQUEST, 'WRONG_PASSWORD', wrongMessage, [{ field: 'currentPassword', rule: 'matches', message: wrongMessage }]);
    }
    await this.throttle.recordSuccess(key);
  }

  private async load(institutionId: string): Promise<Registered> {
    const { state } = await this.institutions.load(institutionStreamId(institutionId));
    if (state.status !== 'registered') throw new ApiError(HttpStatus.NOT_FOUND, 'INSTITUTION_NOT_FOUND', '机构账号不存在');
    return state;
  }

  private async account(institutionId: string): Promise<AccountRow> {
    const account = await this.accounts.findBySubject(institutionId);
    if (!account || account.kind !== 'institution') throw new ApiError(HttpStatus.NOT_FOUND, 'INSTITUTION_NOT_FOUND', '机构账号不存在');
    // An access token issued before a staff lock stays valid until it expires (≤ 15 min); it cannot change the account.
    if (account.locked_at) throw accountLockedError();
    return account;
  }
}
