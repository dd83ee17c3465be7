import { Transform } from 'class-transformer';
import { IsOptional, ValidateIf } from 'class-validator';
import { IsCnLandline, IsCnMobile, IsCnPassword, IsCnPostcode, IsContactEmail, IsInstitutionName, IsRegionTriple, IsStreetAddress, IsWebsite, MatchesProperty, NormalizeInput, NormalizeMobile, SMS_CODE_PATTERN, smsCodeMessage } from '@lsc/validation';
import { isRecommendingUnit } from '../data/recommending-units';
import { EmptyAsAbsent, IsOneOfList, IsText, MatchesPattern, MaxChars, NoControlCharacters, Required } from './validate';

/**
 * PATCH /me: every field optional; region codes come as a triple (all three or none). The mobile is not editable
 * here (it is a login identifier proved by SMS).
 */
export class UpdateProfileDto {
  @NormalizeInput() @IsOptional() @NoControlCharacters('机构名称') @IsInstitutionName('机构名称') name?: string;
  @NormalizeInput() @IsOptional() @IsCnLandline('电话号码') landline?: string;
  /** '' clears the fax. */
  @NormalizeInput() @ValidateIf((o: UpdateProfileDto) => o.fax !== undefined && o.fax !== '') @IsCnLandline('传真') fax?: string;
  @NormalizeInput() @IsOptional() @IsOneOfList(isRecommendingUnit, '推荐单位须从列表中选择') recommendingUnit?: string;
  @NormalizeInput() @IsOptional() @MatchesPattern(/^\d{6}$/, '所在地区（省）代码须为6位数字') provinceCode?: string;
  @NormalizeInput() @IsOptional() @MatchesPattern(/^\d{6}$/, '所在地区（市）代码须为6位数字') cityCode?: string;
  @NormalizeInput() @IsOptional() @IsRegionTriple('provinceCode', 'cityCode', '所在地区') districtCode?: string;
  @NormalizeInput() @IsOptional() @NoControlCharacters('详细地址') @IsStreetAddress({ province: 'provinceCode', city: 'cityCode', district: 'districtCode' }, '详细地址') street?: string;
  @NormalizeInput() @IsOptional() @IsCnPostcode('邮编') postcode?: string;
  /** '' clears the website. */
  @NormalizeInput() @ValidateIf((o: UpdateProfileDto) => o.website !== undefined && o.website !== '') @IsWebsite('机构网址') website?: string;
  @NormalizeInput() @IsOptional() @IsText('备注') @NoControlCharacters('备注') @MaxChars(500, '备注') remark?: string;
}

export class ChangePasswordDto {
  @IsText('原密码') @Required('原密码') currentPassword!: string;
  @IsCnPassword('新密码') @Required('新密码') password!: string;
  @MatchesProperty('password', '确认密码', '新密码') @Required('确认密码') confirmPassword!: string;
}

/** 更换手机号: the code was sent to the NEW number (purpose change_mobile); the current password proves the owner. */
export class ChangeMobileDto {
  @NormalizeMobile() @IsCnMobile('新手机号') @Required('新手机号') mobile!: string;
  @NormalizeInput() @MatchesPattern(SMS_CODE_PATTERN, smsCodeMessage()) @Required('短信验证码') code!: string;
  @MaxChars(256, '当前密码') @IsText('当前密码') @Required('当前密码') currentPassword!: string;
}

/** Free text is kept as typed (full-width punctuation included), only trimmed. */
const TrimInput = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Staff lock: the reason is kept on the account's stream (audit) and shown to staff, never to the institution. */
export class LockAccountDto {
  @TrimInput() @NoControlCharacters('锁定原因') @MaxChars(200, '锁定原因') @IsText('锁定原因') @Required('锁定原因') reason!: string;
}

export class UnlockAccountDto {
  @EmptyAsAbsent() @TrimInput() @IsOptional() @NoControlCharacters('解锁说明') @MaxChars(200, '解锁说明') @IsText('解锁说明') reason?: string;
}

export class ChangeEmailDto {
  @NormalizeInput() @IsContactEmail('邮箱') @Required('邮箱') email!: string;
  @NormalizeInput() @MatchesPattern(SMS_CODE_PATTERN, smsCodeMessage()) @Required('短信验证码') code!: string;
}

