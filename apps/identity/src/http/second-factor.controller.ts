import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NormalizeInput } from '@lsc/validation';
import { ApiError, CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { SessionsService } from '../app/sessions.service';
import { StaffTwoFactorService } from '../app/staff-two-factor.service';
import { deliverSession } from './session-cookie';
import { SESSION_TRANSPORT_DOC, SessionDoc } from './sessions.docs';
import { IsText, MatchesPattern, MaxChars, Required, validateBody } from './validate';

export class MfaTokenDto {
  @ApiProperty({ description: '登录第一步（用户名和密码正确）返回的 mfaToken' })
  @MaxChars(100, '登录步骤') @IsText('登录步骤') @Required('登录步骤') mfaToken!: string;
}
export class SecondFactorDto extends MfaTokenDto {
  @ApiPropertyOptional({ description: '身份验证器显示的6位动态验证码（与 recoveryCode 二选一）', example: '123456' })
  @ValidateIf((o: SecondFactorDto) => o.recoveryCode === undefined)
  @NormalizeInput() @MatchesPattern(/^\d{6}$/, '动态验证码须为6位数字') @Required('动态验证码') code?: string;
  @ApiPropertyOptional({ description: '绑定时发放的恢复码（每个只能用一次）', example: 'abcde-fghij' })
  @ValidateIf((o: SecondFactorDto) => o.recoveryCode !== undefined)
  @NormalizeInput() @MatchesPattern(/^[A-Za-z2-7]{5}-?[A-Za-z2-7]{5}$/, '恢复码格式不正确（形如 abcde-fghij）') @Required('恢复码') recoveryCode?: string;
}
export class ConfirmEnrolmentDto extends MfaTokenDto {
  @ApiProperty({ description: '扫码后身份验证器显示的第一个6位动态验证码', example: '123456' })
  @NormalizeInput() @MatchesPattern(/^\d{6}$/, '动态验证码须为6位数字') @Required('动态验证码') code!: string;
}

export class EnrolmentDoc {
  @ApiProperty({ description: '登录名（身份验证器中显示的账号）' }) username!: string;
  @ApiProperty({ description: '密钥（base32），无法扫码时手动输入；只在此时显示一次' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// 地址（二维码的内容）' }) otpauthUri!: string;
  @ApiProperty({ description: '二维码图片（PNG data URL）' }) qrCode!: string;
}
export class EnrolledSessionDoc extends SessionDoc {
  @ApiProperty({ description: '10个恢复码：只显示这一次，每个只能用一次，请妥善保存', type: [String] }) recoveryCodes!: string[];
}

/** 二次验证: the second step of a staff sign-in (code or recovery code) and the enrolment it may lead to. */
@Controller('api/v1/identity/sessions/second-factor')
export class SecondFactorController {
  constructor(
    private readonly twoFactor: StaffTwoFactorService,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiHeader(SESSION_TRANSPORT_DOC)
  @ApiBody({ type: SecondFactorDto })
  @ApiOkResponse({ type: SessionDoc })
  async verify(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(SecondFactorDto, body);
    const account = await this.twoFactor.verify(dto.mfaToken, dto.recoveryCode !== undefined ? { recoveryCode: dto.recoveryCode } : { code: dto.code });
    return deliverSession(await this.sessions.startSession(account), request, reply);
  }

  @Post('enrolment')
  @HttpCode(200)
  @ApiBody({ type: MfaTokenDto })
  @ApiOkResponse({ type: EnrolmentDoc })
  async beginEnrolment(@Body() body: unknown) {
    return this.twoFactor.beginEnrolment((await validateBody(MfaTokenDto, body)).mfaToken);
  }

  @Post('enrolment/confirm')
  @HttpCode(200)
  @ApiHeader(SESSION_TRANSPORT_DOC)
  @ApiBody({ type: ConfirmEnrolmentDto })
  @ApiOkResponse({ type: EnrolledSessionDoc })
  async confirmEnrolment(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(ConfirmEnrolmentDto, body);
    const { account, recoveryCodes } = await this.twoFactor.confirmEnrolment(dto.mfaToken, dto.code);
    return { ...deliverSession(await this.sessions.startSession(account), request, reply), recoveryCodes };
  }
}

/** 重置二次验证 (super_admin): for a lost phone; the staff member enrols again at the next sign-in. */
@Controller('api/v1/identity/staff')
@UseGuards(JwtAuthGuard)
@Roles('super_admin')
export class StaffTwoFactorAdminController {
  constructor(private readonly twoFactor: StaffTwoFactorService) {}

  @Post(':accountId/two-factor/reset')
  @HttpCode(204)
  async reset(@Param('accountId', new ParseUUIDPipe({ exceptionFactory: () => new ApiError(404, 'STAFF_NOT_FOUND', '工作人员账号不存在') })) id: string, @CurrentPrincipal() p: Principal) {
    await this.twoFactor.reset(id, p.sub);
  }
}
