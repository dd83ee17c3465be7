import { Body, Controller, Get, HttpCode, Patch, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { ProfileService } from '../app/profile.service';
import { clientIp } from '../app/shared';
import { ChangeEmailDto, ChangeMobileDto, ChangePasswordDto, UpdateProfileDto } from './profile.dto';
import { validateBody } from './validate';

/** The institution's own account (sub = institution id). */
@Controller('api/v1/identity/me')
@UseGuards(JwtAuthGuard)
@Roles('institution')
export class MeController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  get(@CurrentPrincipal() p: Principal) {
    return this.profile.get(p.sub);
  }

  @Patch()
  async update(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.profile.update(p.sub, await validateBody(UpdateProfileDto, body));
  }

  @Post('password')
  @HttpCode(200)
  async password(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Req() request: FastifyRequest) {
    return this.profile.changePassword(p.sub, await validateBody(ChangePasswordDto, body), clientIp(request));
  }

  @Post('email')
  @HttpCode(200)
  async email(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.profile.changeEmail(p.sub, await validateBody(ChangeEmailDto, body));
  }

  /** 更换手机号: answers the profile and a new session, since every earlier login is ended. */
  @Post('mobile')
  @HttpCode(200)
  async mobile(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Req() request: FastifyRequest) {
    return this.profile.changeMobile(p.sub, await validateBody(ChangeMobileDto, body), clientIp(request));
  }
}
