import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiProduces, ApiQuery } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@lsc/service-kit';
import { PASSWORD_STRENGTH_LABELS, passwordProblems, passwordStrength } from '@lsc/validation';
import { CAPTCHA_PURPOSES, CaptchaService, jwksDocument, smsThrottleError, type SigningKey } from '../auth';
import { RECOMMENDING_UNITS } from '../data/recommending-units';
import { AccountsRepository } from '../infra/accounts.repository';
import { SIGNING_KEY } from '../app/providers';
import { captchaInvalid, clientIp } from '../app/shared';
import { SmsCodeRequests } from '../app/sms-code-requests';
import { CaptchaQueryDto, PasswordStrengthDto, SendSmsCodeDto } from './sessions.dto';
import { validateBody } from './validate';
import { CaptchaDoc, SmsCodeSentDoc } from './sessions.docs';
import { PasswordStrengthDoc, RecommendingUnitsDoc } from './profile.docs';

function strengthOf(password: string) {
  const strength = passwordStrength(password);
  return { strength, label: PASSWORD_STRENGTH_LABELS[strength], problems: passwordProblems(password) };
}

/** Endpoints the registration and login pages call before anyone is logged in. */
@Controller('api/v1/identity')
export class PublicController {
  constructor(
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    private readonly captcha: CaptchaService,
    private readonly smsCodes: SmsCodeRequests,
    private readonly accounts: AccountsRepository,
  ) {}

  @Get('.well-known/jwks.json')
  @ApiOkResponse({ description: '访问令牌的验签公钥（JWKS，RFC 7517）', schema: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } } } })
  jwks(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('cache-control', 'public, max-age=300');
    return jwksDocument([this.key]);
  }

  @Get('captcha')
  @ApiQuery({ name: 'purpose', required: true, enum: CAPTCHA_PURPOSES, description: '校验码用途：login 登录，register 注册，sms 获取短信验证码' })
  @ApiOkResponse({ type: CaptchaDoc })
  async newCaptcha(@Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { purpose } = await validateBody(CaptchaQueryDto, { ...(query as object) }, 'query');
    void reply.header('cache-control', 'no-store');
    return this.captcha.create(purpose);
  }

  /** Needs a solved captcha; answers the same, as fast, whether or not the mobile has an account (no enumeration). */
  @Post('sms-codes')
  @HttpCode(202)
  @ApiBody({ type: SendSmsCodeDto })
  @ApiAcceptedResponse({ type: SmsCodeSentDoc })
  async sendSmsCode(@Body() body: unknown, @Req() request: FastifyRequest) {
    const dto = await validateBody(SendSmsCodeDto, body);
    if (!(await this.captcha.verify(dto.captchaId, dto.captchaAnswer, 'sms'))) throw captchaInvalid();
    const result = await this.smsCodes.send({ phone: dto.mobile, purpose: dto.purpose, ip: clientIp(request) });
    if (result.status === 'throttled') throw smsThrottleError(result);
    return { expiresInSeconds: result.expiresInSeconds, resendAfterSeconds: result.resendAfterSeconds };
  }

  @Get('recommending-units')
  @ApiOkResponse({ type: RecommendingUnitsDoc })
  recommendingUnits() {
    return { items: RECOMMENDING_UNITS };
  }

  /**
   * The 弱/中/强 meter. POST only: a password in a query string ends up in access logs, proxies' logs and browser
   * history (there is no GET; the portal computes the meter locally with the same rule).
   */
  @Post('password-strength')
  @HttpCode(200)
  @ApiBody({ type: PasswordStrengthDto })
  @ApiOkResponse({ type: PasswordStrengthDoc })
  async strengthPost(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('cache-control', 'no-store');
    return strengthOf((await validateBody(PasswordStrengthDto, body)).password);
  }

  @Get('logos/:id')
  @ApiProduces('image/png')
  @ApiOkResponse({ description: '机构标志（164×78 PNG）', schema: { type: 'string', format: 'binary' } })
  async logo(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new ApiError(404, 'LOGO_NOT_FOUND', '图片不存在') })) id: string, @Res() reply: FastifyReply) {
    const logo = await this.accounts.findLogo(id);
    if (!logo) throw new ApiError(404, 'LOGO_NOT_FOUND', '图片不存在');
    // Served with nosniff and a fixed type: the bytes were re-encoded by us, never the uploader's file.
    await reply.header('content-type', logo.content_type).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=86400, immutable').send(logo.content);
  }
}
