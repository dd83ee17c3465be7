import { Body, Controller, Delete, HttpCode, HttpStatus, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiNoContentResponse, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyInterceptor } from '@lsc/service-kit';
import { RegistrationService } from '../app/registration.service';
import { SessionsService } from '../app/sessions.service';
import { clientIp } from '../app/shared';
import { UploadedLogo } from './multipart';
import { PasswordLoginDto, PasswordResetDto, RefreshDto, SmsLoginDto } from './sessions.dto';
import { validateBody } from './validate';
import { SecondFactorChallengeDoc, SESSION_TRANSPORT_DOC, SessionDoc } from './sessions.docs';
import { PasswordResetDoneDoc, RegisteredDoc, RegistrationFormDoc } from './profile.docs';
import { assertSameOrigin, clearRefreshCookie, deliverSession, refreshTokenFromCookie, wantsCookieSession } from './session-cookie';

@Controller('api/v1/identity')
export class SessionsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly sessions: SessionsService,
  ) {}

  /** 机构用户注册: multipart/form-data (with the optional `logo` file) or JSON without a logo. */
  @Post('institutions')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '重复提交同一表单时带同一个值，只注册一次' })
  @ApiBody({ type: RegistrationFormDoc })
  @ApiCreatedResponse({ type: RegisteredDoc })
  async register(@Req() request: FastifyRequest) {
    const body = request.body as Record<string, unknown> | undefined;
    const logo = body && typeof body === 'object' && body.logo instanceof UploadedLogo ? body.logo : undefined;
    let fields: unknown = body;
    if (logo) {
      const { logo: _logo, ...rest } = body!;
      fields = rest;
    }
    return this.registration.register(fields, logo);
  }

  @Post('sessions')
  @HttpCode(200)
  @ApiHeader(SESSION_TRANSPORT_DOC)
  @ApiBody({ type: PasswordLoginDto })
  @ApiExtraModels(SecondFactorChallengeDoc)
  @ApiOkResponse({ description: '机构账号与无需二次验证的工作人员：会话；财务、超级管理员等：二次验证步骤（secondFactor、mfaToken）', schema: { oneOf: [{ $ref: getSchemaPath(SessionDoc) }, { $ref: getSchemaPath(SecondFactorChallengeDoc) }] } })
  async login(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.sessions.passwordLogin(await validateBody(PasswordLoginDto, body), clientIp(request));
    // A staff member's second step (二次验证): no session yet, nothing for the cookie.
    return 'mfaToken' in answer ? answer : deliverSession(answer, request, reply);
  }

  @Post('sessions/sms')
  @HttpCode(200)
  @ApiHeader(SESSION_TRANSPORT_DOC)
  @ApiBody({ type: SmsLoginDto })
  @ApiOkResponse({ type: SessionDoc })
  async smsLogin(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return deliverSession(await this.sessions.smsLogin(await validateBody(SmsLoginDto, body)), request, reply);
  }

  /**
   * Body mode: `{refreshToken}` in, a new pair out. Cookie mode (browsers): the token comes from the cookie; without
   * one the answer is 204 (nothing to resume), so an anonymous page load logs no failed request.
   */
  @Post('sessions/refresh')
  @HttpCode(200)
  @ApiHeader(SESSION_TRANSPORT_DOC)
  @ApiBody({ type: RefreshDto, required: false })
  @ApiOkResponse({ type: SessionDoc })
  @ApiNoContentResponse({ description: '浏览器会话：没有刷新 Cookie（未登录），无可恢复的登录' })
  async refresh(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!wantsCookieSession(request)) return this.sessions.refresh((await validateBody(RefreshDto, body)).refreshToken);
    assertSameOrigin(request);
    const token = refreshTokenFromCookie(request);
    // No cookie: this browser has no login to resume (every anonymous page load asks). An answer, not an error.
    if (!token) return void reply.status(HttpStatus.NO_CONTENT);
    try {
      return deliverSession(await this.sessions.refresh(token), request, reply);
    } catch (err) {
      // A refused refresh (expired, revoked, reused, locked) leaves no dead cookie behind.
      clearRefreshCookie(request, reply);
      throw err;
    }
  }

  /** Logout ends the refresh token's login; idempotent, so an unknown token also answers 204. Clears the cookie. */
  @Delete('sessions')
  @HttpCode(204)
  @ApiHeader(SESSION_TRANSPORT_DOC)
  @ApiBody({ type: RefreshDto, required: false })
  @ApiNoContentResponse({ description: '已退出登录' })
  async logout(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!wantsCookieSession(request)) {
      await this.sessions.logout((await validateBody(RefreshDto, body ?? {})).refreshToken);
      return;
    }
    assertSameOrigin(request);
    const token = refreshTokenFromCookie(request);
    if (token) await this.sessions.logout(token);
    clearRefreshCookie(request, reply);
  }

  @Post('password-resets')
  @HttpCode(200)
  @ApiBody({ type: PasswordResetDto })
  @ApiOkResponse({ type: PasswordResetDoneDoc })
  async reset(@Body() body: unknown) {
    return this.sessions.resetPassword(await validateBody(PasswordResetDto, body));
  }
}
