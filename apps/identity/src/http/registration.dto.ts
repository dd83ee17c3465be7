import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import {
  IsCnLandline,
  IsCnMobile,
  IsCnPassword,
  IsCnPostcode,
  IsContactEmail,
  IsInstitutionName,
  IsRegionTriple,
  IsStreetAddress,
  IsWebsite,
  MatchesProperty,
  NormalizeInput,
  NormalizeMobile,
  SMS_CODE_PATTERN,
  smsCodeMessage,
  LOGIN_NAME_PATTERN,
  LOGIN_NAME_MESSAGE,
  CAPTCHA_ANSWER_PATTERN,
  CAPTCHA_ANSWER_MESSAGE,
} from '@lsc/validation';
import { isRecommendingUnit } from '../data/recommending-units';
import { EmptyAsAbsent, IsOneOfList, IsText, MatchesPattern, MaxChars, NoControlCharacters, Required } from './validate';

export { LOGIN_NAME_PATTERN };
const AGREED = new Set(['true', 'on', '1', 'yes']);
/** Unticked and absent are the same fault to the person filling the form. */
const AGREEMENT_NOT_ACCEPTED = '请阅读并同意《中国图书馆学会用户注册协议》';
/**
 * captchaId is the page's hidden reference to the picture, not something the person types: without it the picture was
 * never loaded or has been used up, so the message says what to do rather than repeating "校验码不能为空" beside
 * captchaAnswer's own.
 */
export const CAPTCHA_LOST = '校验码图片已失效，请刷新校验码后重新填写';

/**
 * 机构用户注册 (guide step 3). Field names are the API's; labels in messages are the page's. Every text is NFKC-folded
 * first (full-width digits from Chinese IMEs), except the passwords, which are checked as typed.
 */
export class RegisterInstitutionDto {
  @IsCnPassword('密码') @Required('密码')
  password!: string;

  @MatchesProperty('password', '确认密码', '密码') @Required('确认密码')
  confirmPassword!: string;

  @NormalizeInput() @IsCnLandline('电话号码') @Required('电话号码')
  landline!: string;

  @EmptyAsAbsent() @NormalizeInput() @IsOptional() @IsCnLandline('传真')
  fax?: string;

  @NormalizeInput() @IsContactEmail('邮箱') @Required('邮箱')
  email!: string;

  @NormalizeInput() @NoControlCharacters('机构名称') @IsInstitutionName('机构名称') @Required('机构名称')
  name!: string;

  @NormalizeInput() @IsOneOfList(isRecommendingUnit, '推荐单位须从列表中选择') @Required('推荐单位')
  recommendingUnit!: string;

  @NormalizeInput() @MatchesPattern(/^\d{6}$/, '所在地区（省）代码须为6位数字') @Required('所在地区（省）')
  provinceCode!: string;

  @NormalizeInput() @MatchesPattern(/^\d{6}$/, '所在地区（市）代码须为6位数字') @Required('所在地区（市）')
  cityCode!: string;

  @NormalizeInput() @IsRegionTriple('provinceCode', 'cityCode', '所在地区') @Required('所在地区（区/县）')
  districtCode!: string;

  @NormalizeInput() @NoControlCharacters('详细地址') @IsStreetAddress({ province: 'provinceCode', city: 'cityCode', district: 'districtCode' }, '详细地址') @Required('详细地址')
  street!: string;

  @NormalizeInput() @IsCnPostcode('邮编') @Required('邮编')
  postcode!: string;

  @EmptyAsAbsent() @NormalizeInput() @IsOptional() @IsWebsite('机构网址')
  website?: string;

  @EmptyAsAbsent() @NormalizeInput() @IsOptional() @IsText('备注') @NoControlCharacters('备注') @MaxChars(500, '备注')
  remark?: string;

  @EmptyAsAbsent() @NormalizeInput() @IsOptional() @MatchesPattern(LOGIN_NAME_PATTERN, LOGIN_NAME_MESSAGE)
  loginName?: string;

  @NormalizeMobile() @IsCnMobile('手机号') @Required('手机号')
  mobile!: string;

  @NormalizeInput() @MatchesPattern(SMS_CODE_PATTERN, smsCodeMessage()) @Required('短信验证码')
  smsCode!: string;

  @IsText('校验码', { message: CAPTCHA_LOST }) @Required('校验码', { message: CAPTCHA_LOST })
  captchaId!: string;

  @NormalizeInput() @MatchesPattern(CAPTCHA_ANSWER_PATTERN, CAPTCHA_ANSWER_MESSAGE) @Required('校验码')
  captchaAnswer!: string;

  @IsOneOfList((v) => AGREED.has(v), AGREEMENT_NOT_ACCEPTED) @Required('用户注册协议', { message: AGREEMENT_NOT_ACCEPTED })
  @Transform(({ value }: { value: unknown }) => (value === true ? 'true' : value))
  agreementAccepted!: string;
}
