import { ApiProperty, ApiPropertyOptional, type ApiHeaderOptions } from '@nestjs/swagger';
import { CAPTCHA_PURPOSES } from '../auth';

/**
 * Answer shapes of the login-page endpoints, for the OpenAPI document only (the front-ends' typed client is generated
 * from it). The services build these answers as plain objects; the classes just describe them.
 */
export class PrincipalDoc {
  @ApiProperty({ description: '账号主体：机构编号或工作人员编号' }) sub!: string;
  @ApiProperty({ description: '角色', type: [String], example: ['institution'] }) roles!: string[];
}

export class SessionDoc {
  @ApiProperty({ description: '访问令牌（JWT，放在 Authorization: Bearer 中）' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: '访问令牌有效秒数', example: 900 }) expiresIn!: number;
  @ApiPropertyOptional({ description: '刷新令牌；浏览器会话（X-Session-Transport: cookie）中不返回，改以 HttpOnly Cookie 下发' }) refreshToken?: string;
  @ApiProperty({ type: PrincipalDoc }) principal!: PrincipalDoc;
}

export class SecondFactorChallengeDoc {
  @ApiProperty({ enum: ['totp', 'enrol'], description: 'totp：请输入身份验证器的动态验证码（或恢复码）；enrol：须先绑定身份验证器' }) secondFactor!: 'totp' | 'enrol';
  @ApiProperty({ description: '第二步凭据，提交动态验证码或绑定时原样带回' }) mfaToken!: string;
  @ApiProperty({ description: '有效秒数' }) expiresIn!: number;
}

export class CaptchaDoc {
  @ApiProperty({ description: '校验码编号，提交时原样带回' }) captchaId!: string;
  @ApiProperty({ description: '算式图片（PNG，data: URL），直接作为 <img> 的 src', example: 'data:image/png;base64,iVBORw0KGgo…' }) image!: string;
  @ApiProperty({ description: '校验码用途：只能用于该用途的提交', enum: CAPTCHA_PURPOSES }) purpose!: string;
  @ApiProperty({ description: '有效秒数' }) expiresInSeconds!: number;
}

export class SmsCodeSentDoc {
  @ApiProperty({ description: '验证码有效秒数' }) expiresInSeconds!: number;
  @ApiProperty({ description: '多少秒后可重新发送' }) resendAfterSeconds!: number;
}

export const SESSION_TRANSPORT_DOC: ApiHeaderOptions = {
  name: 'X-Session-Transport',
  required: false,
  description: '浏览器传 cookie：刷新令牌只以 HttpOnly; SameSite=Strict Cookie（Path=/api/v1/identity/sessions）传递，不出现在响应体中',
  schema: { type: 'string', enum: ['cookie'] },
};

