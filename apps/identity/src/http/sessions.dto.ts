import { IsIn } from 'class-validator';
import { IsCnMobile, IsCnPassword, MatchesProperty, NormalizeInput, NormalizeMobile } from '@lsc/validation';
import { SMS_PURPOSES, type SmsPurpose } from '../auth';
import { CAPTCHA_LOST } from './registration.dto';
import { IsText, MatchesPattern, MaxChars, Required } from './validate';

export class CaptchaAnswerFields {
  @IsText('校验码', { message: CAPTCHA_LOST }) @Required('校验码', { message: CAPTCHA_LOST }) captchaId!: string;
  @NormalizeInput() @MatchesPattern(/^\d{1,3}$/, '校验码须填写算式的计算结果') @Required('校验码') captchaAnswer!: string;
}

export class SendSmsCodeDto extends CaptchaAnswerFields {
  @NormalizeMobile() @IsCnMobile('手机号') @Required('手机号') mobile!: string;
  @IsIn(SMS_PURPOSES, { message: '验证码用途不正确' }) @Required('验证码用途') purpose!: SmsPurpose;
}

export class PasswordLoginDto extends CaptchaAnswerFields {
  @MaxChars(60, '用户名') @IsText('用户名') @Required('用户名') login!: string;
  @MaxChars(256, '密码') @IsText('密码') @Required('密码') password!: string;
}

export class SmsLoginDto {
  @NormalizeMobile() @IsCnMobile('手机号') @Required('手机号') mobile!: string;
  @NormalizeInput() @MatchesPattern(/^\d{6}$/, '短信验证码须为6位数字') @Required('短信验证码') code!: string;
}

export class RefreshDto {
  @MaxChars(100, '刷新令牌') @IsText('刷新令牌') @Required('刷新令牌') refreshToken!: string;
}

export class PasswordResetDto extends SmsLoginDto {
  @IsCnPassword('新密码') @Required('新密码') password!: string;
  @MatchesProperty('password', '确认密码', '新密码') @Required('确认密码') confirmPassword!: string;
}

export class PasswordStrengthDto {
  @MaxChars(256, '密码') @IsText('密码') @Required('密码') password!: string;
}
