import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FieldProblem } from '@lsc/contracts';
import { isUniqueViolation } from '@lsc/event-sourcing';
import { ApiError, CONFIG, validationFailed } from '@lsc/service-kit';
import { passwordStrength, resolveRegion, type PasswordStrength } from '@lsc/validation';
import { CaptchaService, PasswordHasher, SmsCodeService, smsVerifyError, type VerifyCodeResult } from '../auth';
import type { IdentityConfig } from '../config';
import { institutionStreamId, type RegistrationData } from '../domain/institution';
import { AccountsRepository, duplicateError, violatedClaim } from '../infra/accounts.repository';
import type { ClaimKind } from '../infra/claims';
import { inspectLogo, processLogo } from '../infra/logo';
import { RegisterInstitutionDto } from '../http/registration.dto';
import { validateBody } from '../http/validate';
import type { UploadedLogo } from '../http/multipart';
import { INSTITUTION_HANDLER, type InstitutionHandler } from './providers';
import { captchaInvalid, metadata, newId } from './shared';

export interface RegistrationResult {
  institutionId: string;
  accountId: string;
  loginName: string | null;
  passwordStrength: PasswordStrength;
  logoUrl: string | null;
}

/** The SMS code's refusal, on the form's smsCode field. */
function smsCodeFieldError(result: Extract<VerifyCodeResult, { ok: false }>): ApiError {
  const body = smsVerifyError(result).getResponse() as { code: string; message: string };
  return new ApiError(HttpStatus.BAD_REQUEST, body.code, body.message, [{ field: 'smsCode', rule: result.reason, message: body.message }]);
}

export const logoUrl = (logoId: string | undefined): string | null => (logoId ? `/api/v1/identity/logos/${logoId}` : null);

@Injectable()
export class RegistrationService {
  constructor(
    @Inject(CONFIG) private readonly config: IdentityConfig,
    @Inject(INSTITUTION_HANDLER) private readonly institutions: InstitutionHandler,
    private readonly accounts: AccountsRepository,
    private readonly captcha: CaptchaService,
    private readonly smsCodes: SmsCodeService,
    private readonly hasher: PasswordHasher,
  ) {}

  /**
   * Order matters: all field rules first (nothing consumed; the logo only from its header), then the single-use
   * captcha, then the logo decoded, then the SMS code (which proves the mobile; a wrong one is refused before any
   * account is looked at, so nobody learns who is registered without the phone), then uniqueness (the code is checked
   * but not yet spent, so a taken name costs no new code), then the code is spent and one transaction writes event +
   * outbox + claims + credentials + logo. The unique constraints, not the pre-check, are what make duplicates impossible.
   */
  async register(body: unknown, logo: UploadedLogo | undefined): Promise<RegistrationResult> {
    const problems: FieldProblem[] = [];
    const dto = await validateBody(RegisterInstitutionDto, body).catch((err: unknown) => {
      if (err instanceof ApiError) problems.push(...((err.getResponse() as { details: FieldProblem[] }).details ?? []));
      else throw err;
      return undefined;
    });
    // Only the header is read before the captcha: decoding an image is the expensive part an anonymous caller
    // must not get for free.
    const inspected = logo ? (logo.tooLarge ? ({ ok: false, rule: 'logoSize', message: '机构logo不能超过2MB' } as const) : await inspectLogo(logo.content)) : undefined;
    if (inspected && !inspected.ok) problems.push({ field: 'logo', rule: inspected.rule, message: inspected.message });
    if (!dto || problems.length > 0) throw validationFailed(problems);

    if (!(await this.captcha.verify(dto.captchaId, dto.captchaAnswer, 'register'))) throw captchaInvalid();
    const processed = logo ? await processLogo(logo.content) : undefined;
    if (processed && !processed.ok) throw validationFailed([{ field: 'logo', rule: processed.rule, message: processed.message }]);

    const sms = { phone: dto.mobile, purpose: 'register' as const, code: dto.smsCode };
    const proof = await this.smsCodes.verify(sms, { consume: false });
    if (!proof.ok) throw smsCodeFieldError(proof);

    // Only now, with the mobile proven, is anything about existing accounts said: that this mobile has one (its owner
    // knows), or that the name, e-mail or login name is taken — never by which account.
    const claims: Array<{ kind: ClaimKind; value: string }> = [
      { kind: 'name', value: dto.name },
      { kind: 'email', value: dto.email },
      { kind: 'mobile', value: dto.mobile },
      ...(dto.loginName ? [{ kind: 'login_name' as const, value: dto.loginName }] : []),
    ];
    const taken = await this.accounts.takenClaims(claims);
    if (taken.length > 0) throw duplicateError(taken);

    // Spent atomically here: of two concurrent registrations with one code, one goes on.
    const spent = await this.smsCodes.verify(sms);
    if (!spent.ok) throw smsCodeFieldError(spent);

    const region = resolveRegion(dto.provinceCode, dto.cityCode, dto.districtCode);
    if (!region.ok) throw validationFailed([{ field: 'districtCode', rule: 'isRegionTriple', message: region.message }]);
    const institutionId = newId();
    const accountId = newId();
    const logoId = processed?.ok ? newId() : undefined;
    const now = new Date().toISOString();
    const data: RegistrationData = {
      institutionId,
      accountId,
      name: dto.name.replace(/\s+/gu, ' '),
      email: dto.email,
      mobile: dto.mobile,
      landline: dto.landline,
      ...(dto.fax ? { fax: dto.fax } : {}),
      recommendingUnit: dto.recommendingUnit,
      region: {
        provinceCode: region.region.province.code,
        provinceName: region.region.province.name,
        cityCode: region.region.city.code,
        cityName: region.region.city.name,
        districtCode: region.region.district.code,
        districtName: region.region.district.name,
      },
      street: dto.street,
      postcode: dto.postcode,
      ...(dto.website ? { website: dto.website } : {}),
      ...(dto.remark ? { remark: dto.remark } : {}),
      ...(dto.loginName ? { loginName: dto.loginName } : {}),
      ...(logoId ? { logoId } : {}),
      consent: { agreementVersion: this.config.REGISTRATION_AGREEMENT_VERSION, agreedAt: now },
    };
    const passwordHash = await this.hasher.hash(dto.password);
    try {
      await this.institutions.handle(
        institutionStreamId(institutionId),
        { type: 'RegisterInstitution', data, metadata: { ...metadata(`institution:${institutionId}`), now } },
        {
          afterAppend: async (client) => {
            await this.accounts.insertAccount(client, { account_id: accountId, kind: 'institution', institution_id: institutionId, password_hash: passwordHash, roles: ['institution'] });
            await this.accounts.insertClaims(client, accountId, claims);
            if (logoId && processed?.ok) await this.accounts.insertLogo(client, { logoId, contentType: processed.contentType, content: processed.content, width: processed.width, height: processed.height });
          },
        },
      );
    } catch (err) {
      const kind = isUniqueViolation(err) ? violatedClaim(err) : undefined;
      if (kind) throw duplicateError([kind]);
      throw err;
    }
    return { institutionId, accountId, loginName: dto.loginName ?? null, passwordStrength: passwordStrength(dto.password), logoUrl: logoUrl(logoId) };
  }
}
