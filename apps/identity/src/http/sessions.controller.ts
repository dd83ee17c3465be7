import { Body, Controller, Delete, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdempotencyInterceptor } from '@lsc/service-kit';
import { RegistrationService } from '../app/registration.service';
import { SessionsService } from '../app/sessions.service';
import { clientIp } from '../app/shared';
import { UploadedLogo } from './multipart';
import { PasswordLoginDto, PasswordResetDto, RefreshDto, SmsLoginDto } from './sessions.dto';
import { validateBody } from './validate';

@Controller('api/v1/identity')
export class SessionsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly sessions: SessionsService,
  ) {}

  /** 机构用户注册: multipart/form-data (with the optional `logo` file) or JSON without a logo. */
  @Post('institutions')
  @UseInterceptors(IdempotencyInterceptor)
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
  async login(@Body() body: unknown, @Req() request: FastifyRequest) {
    return this.sessions.passwordLogin(await validateBody(PasswordLoginDto, body), clientIp(request));
  }

  @Post('sessions/sms')
  @HttpCode(200)
  async smsLogin(@Body() body: unknown) {
    return this.sessions.smsLogin(await validateBody(SmsLoginDto, body));
  }

  @Post('sessions/refresh')
  @HttpCode(200)
  async refresh(@Body() body: unknown) {
    return this.sessions.refresh((await validateBody(RefreshDto, body)).refreshToken);
  }

  /** Logout ends the refresh token's login; idempotent, so an unknown token also answers 204. */
  @Delete('sessions')
  @HttpCode(204)
  async logout(@Body() body: unknown) {
    await this.sessions.logout((await validateBody(RefreshDto, body ?? {})).refreshToken);
  }

  @Post('password-resets')
  @HttpCode(200)
  async reset(@Body() body: unknown) {
    return this.sessions.resetPassword(await validateBody(PasswordResetDto, body));
  }
}
