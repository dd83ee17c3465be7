import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { AccountLocksService } from '../app/account-locks.service';
import { LockAccountDto, UnlockAccountDto } from './profile.dto';
import { validateBody } from './validate';
import { AccountLockDoc, OptionalReasonDoc, ReasonDoc } from './staff.docs';

const institutionId = () => new ParseUUIDPipe({ exceptionFactory: () => new ApiError(404, 'INSTITUTION_NOT_FOUND', '机构账号不存在') });

/**
 * Staff lock/unlock of an institution account. member_admin may do it as well as super_admin: they look after the
 * member institutions and are the ones who find a misused account; finance has no say over logins.
 */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('api/v1/identity/institutions/:institutionId')
@UseGuards(JwtAuthGuard)
@Roles('super_admin', 'member_admin')
export class AccountLocksController {
  constructor(private readonly locks: AccountLocksService) {}

  @Get('lock')
  @ApiOkResponse({ type: AccountLockDoc })
  get(@Param('institutionId', institutionId()) id: string) {
    return this.locks.get(id);
  }

  @Post('lock')
  @HttpCode(200)
  @ApiBody({ type: ReasonDoc })
  @ApiOkResponse({ type: AccountLockDoc })
  async lock(@Param('institutionId', institutionId()) id: string, @CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.locks.lock(id, (await validateBody(LockAccountDto, body)).reason, p.sub);
  }

  @Post('unlock')
  @HttpCode(200)
  @ApiBody({ type: OptionalReasonDoc, required: false })
  @ApiOkResponse({ type: AccountLockDoc })
  async unlock(@Param('institutionId', institutionId()) id: string, @CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.locks.unlock(id, (await validateBody(UnlockAccountDto, body ?? {})).reason, p.sub);
  }
}
