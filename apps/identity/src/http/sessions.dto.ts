import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsCnMobile, IsCnPassword, MatchesProperty, NormalizeInput, NormalizeMobile, SMS_CODE_PATTERN, smsCodeMessage, CAPTCHA_ANSWER_PATTERN, CAPTCHA_ANSWER_MESSAGE } from '@lsc/validation';
import { CAPTCHA_PURPOSES, SMS_PURPOSES, type CaptchaPurpose, type SmsPurpose } from '../auth';
import { CAPTCHA_LOST } from './registration.dto';
import { IsText, MatchesPattern, MaxChars, Required } from './validate';

export class CaptchaAnswerFields {
  @ApiProperty({ description: '校验码编号（GET /captcha 返回的 captchaId）' })
  @IsText('校验码', { message: CAPTCHA_LOST }) @Required('校验码', { message: CAPTCHA_LOST }) captchaId!: string;
  @ApiProperty({ description: '校验码算式的计算结果', example: '12' })
  @NormalizeInput() @MatchesPattern(CAPTCHA_ANSWER_PATTERN, CAPTCHA_ANSWER_MESSAGE) @Required('校验码') captchaAnswer!: string;
}

/** GET /captcha?purpose=…: the form the captcha will be submitted with; another form refuses it. */
export class CaptchaQueryDto {
  @ApiProperty({ description: '校验码用途：login 登录，register 注册，sms 获取短信验证码', enum: CAPTCHA_PURPOSES })
  @IsIn(CAPTCHA_PURPOSES, { message: '校验码用途须为 login、register 或 sms' }) @Required('校验码用途') purpose!: CaptchaPurpose;
}

export class SendSmsCodeDto extends CaptchaAnswerFields {
  @ApiProperty({ description: '手机号', example: '13800138000' })
  @NormalizeMobile() @IsCnMobile('手机号') @Required('手机号') mobile!: string;
  @ApiProperty({ description: '验证码用途', enum: SMS_PURPOSES })
  @IsIn(SMS_PURPOSES, { message: '验证码用途不正确' }) @Required('验证码用途') purpose!: SmsPurpose;
}

export class PasswordLoginDto extends CaptchaAnswerFields {
  @ApiProperty({ description: '用户名、手机号或电子邮箱', maxLength: 60 })
  @MaxChars(60, '用户名') @IsText('用户名') @Required('用户名') login!: string;
  @ApiProperty({ description: '密码', maxLength: 256 })
  @MaxChars(256, '密码') @IsText('密码') @Required('密码') password!: string;
}

export class SmsLoginDto {
  @ApiProperty({ description: '手机号', example: '13800138000' })
  @NormalizeMobile() @IsCnMobile('手机号') @Required('手机号') mobile!: string;
  @ApiProperty({ description: '6位短信验证码', example: '123456' })
  @NormalizeInput() @MatchesPattern(SMS_CODE_PATTERN, smsCodeMessage()) @Required('短信验证码') code!: string;
}

export class RefreshDto {
  @ApiProperty({ description: '刷新令牌（API 客户端）；浏览器会话（X-Session-Transport: cookie）不传，令牌在 Cookie 中', required: false, maxLength: 100 })
  @MaxChars(100, '刷新令牌') @IsText('刷新令牌') @Required('刷新令牌') refreshToken!: string;
}

export class PasswordResetDto extends SmsLoginDto {
  @ApiProperty({ description: '新密码' }) @IsCnPassword('新密码') @Required('新密码') password!: string;
  @ApiProperty({ description: '确认密码' }) @MatchesProperty('password', '确认密码', '新密码') @Required('确认密码') confirmPassword!: string;
}

export class PasswordStrengthDto {
  @ApiProperty({ description: '待评估的密码（只在请求体中，不放在地址里）', format: 'password' })
  @MaxChars(256, '密码') @IsText('密码') @Required('密码') password!: string;
}
