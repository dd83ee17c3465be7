import { Body, Controller, Get, HttpCode, Patch, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { ProfileService } from '../app/profile.service';
import { clientIp } from '../app/shared';
import { ChangeEmailDto, ChangeMobileDto, ChangePasswordDto, UpdateProfileDto } from './profile.dto';
import { ChangeEmailDoc, ChangeMobileDoc, ChangePasswordDoc, MobileChangedDoc, PasswordChangedDoc, ProfileDoc, UpdateProfileDoc } from './profile.docs';
import { deliverSession } from './session-cookie';
import { validateBody } from './validate';

/** The institution's own account (sub = institution id). */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/identity/me')
@UseGuards(JwtAuthGuard)
@Roles('institution')
export class MeController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  @ApiOkResponse({ type: ProfileDoc })
  get(@CurrentPrincipal() p: Principal) {
    return this.profile.get(p.sub);
  }

  @Patch()
  @ApiBody({ type: UpdateProfileDoc })
  @ApiOkResponse({ type: ProfileDoc })
  async update(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.profile.update(p.sub, await validateBody(UpdateProfileDto, body));
  }

  /**
   * 修改密码: every login ends (a leaked password must not leave a live session behind), so the caller gets a new one —
   * in a browser (X-Session-Transport: cookie) as a new refresh cookie, else in the body, like a login.
   */
  @Post('password')
  @HttpCode(200)
  @ApiBody({ type: ChangePasswordDoc })
  @ApiOkResponse({ type: PasswordChangedDoc })
  async password(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { session, ...answer } = await this.profile.changePassword(p.sub, await validateBody(ChangePasswordDto, body), clientIp(request));
    return { ...answer, session: deliverSession(session, request, reply) };
  }

  @Post('email')
  @HttpCode(200)
  @ApiBody({ type: ChangeEmailDoc })
  @ApiOkResponse({ type: ProfileDoc })
  async email(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.profile.changeEmail(p.sub, await validateBody(ChangeEmailDto, body));
  }

  /**
   * 更换手机号: answers the profile and a new session, since every earlier login is ended. A browser's refresh cookie
   * belonged to one of those logins, so in cookie transport the new login's refresh token replaces it (else a reload
   * after the change would find the old, revoked cookie and log the user out).
   */
  @Post('mobile')
  @HttpCode(200)
  @ApiBody({ type: ChangeMobileDoc })
  @ApiOkResponse({ type: MobileChangedDoc })
  async mobile(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { session, ...profile } = await this.profile.changeMobile(p.sub, await validateBody(ChangeMobileDto, body), clientIp(request));
    return { ...profile, session: deliverSession(session, request, reply) };
  }
}
