import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn } from 'class-validator';
import { LOGIN_NAME_MESSAGE, LOGIN_NAME_PATTERN, MatchesProperty, NormalizeInput } from '@lsc/validation';
import { ApiError, CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { StaffAccountsService } from '../app/staff-accounts.service';
import { STAFF_ROLE_LIST, type StaffRole } from '../domain/staff';
import { IsText, MatchesPattern, MaxChars, Required, validateBody } from './validate';
import { CreateStaffDoc, ReasonDoc, SetStaffPasswordDoc, StaffDoc, StaffListDoc, StaffPasswordSetDoc, StaffRolesDoc, StaffWithSetupCodeDoc } from './staff.docs';

export class StaffRolesDto {
  @IsArray({ message: '请选择角色' }) @ArrayMinSize(1, { message: '请至少分配一个角色' }) @ArrayMaxSize(3, { message: '角色最多3个' })
  @IsIn(STAFF_ROLE_LIST, { each: true, message: '角色须为 finance（财务）、member_admin（会员管理员）或 super_admin（超级管理员）' })
  roles!: StaffRole[];
}
export class CreateStaffDto extends StaffRolesDto {
  @NormalizeInput() @MatchesPattern(LOGIN_NAME_PATTERN, LOGIN_NAME_MESSAGE) @Required('登录名') username!: string;
  @NormalizeInput() @MaxChars(50, '姓名') @IsText('姓名') @Required('姓名') displayName!: string;
}
export class DisableStaffDto {
  @NormalizeInput() @MaxChars(200, '停用原因') @IsText('停用原因') @Required('停用原因') reason!: string;
}
export class SetStaffPasswordDto {
  @MaxChars(100, '设置密码链接') @IsText('设置密码链接') @Required('设置密码链接') code!: string;
  /** The staff policy (12–128 characters, any characters, not common or breached) is checked with the login name in the service. */
  @MaxChars(256, '新密码') @IsText('新密码') @Required('新密码') password!: string;
  @MatchesProperty('password', '确认密码', '新密码') @Required('确认密码') confirmPassword!: string;
}

const staffId = () => new ParseUUIDPipe({ exceptionFactory: () => new ApiError(404, 'STAFF_NOT_FOUND', '工作人员账号不存在') });

/** 工作人员账号 (super_admin only): create with a one-time set-password code, roles, disable/enable, reset. */
@ApiTags('staff')
@ApiBearerAuth()
@Controller('api/v1/identity/staff')
@UseGuards(JwtAuthGuard)
@Roles('super_admin')
export class StaffAccountsController {
  constructor(private readonly staff: StaffAccountsService) {}

  @Get()
  @ApiOkResponse({ type: StaffListDoc })
  async list() {
    return { items: await this.staff.list() };
  }

  @Post()
  @ApiBody({ type: CreateStaffDoc })
  @ApiCreatedResponse({ type: StaffWithSetupCodeDoc, description: '新账号及一次性设置密码码（仅此一次显示）' })
  async create(@Body() body: unknown, @CurrentPrincipal() p: Principal) {
    const dto = await validateBody(CreateStaffDto, body);
    return this.staff.create({ username: dto.username, displayName: dto.displayName, roles: dto.roles }, p.sub);
  }

  @Put(':accountId/roles')
  @ApiBody({ type: StaffRolesDoc })
  @ApiOkResponse({ type: StaffDoc })
  async roles(@Param('accountId', staffId()) id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal) {
    return this.staff.assignRoles(id, (await validateBody(StaffRolesDto, body)).roles, p.sub);
  }

  @Post(':accountId/disable')
  @HttpCode(200)
  @ApiBody({ type: ReasonDoc })
  @ApiOkResponse({ type: StaffDoc })
  async disable(@Param('accountId', staffId()) id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal) {
    return this.staff.disable(id, (await validateBody(DisableStaffDto, body)).reason, p.sub);
  }

  @Post(':accountId/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffDoc })
  enable(@Param('accountId', staffId()) id: string, @CurrentPrincipal() p: Principal) {
    return this.staff.enable(id, p.sub);
  }

  @Post(':accountId/reset')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffWithSetupCodeDoc })
  reset(@Param('accountId', staffId()) id: string, @CurrentPrincipal() p: Principal) {
    return this.staff.reset(id, p.sub);
  }
}

/** The new (or reset) staff member sets their password with the one-time code; no login needed. */
@Controller('api/v1/identity')
export class StaffPasswordController {
  constructor(private readonly staff: StaffAccountsService) {}

  @Post('staff-password')
  @HttpCode(200)
  @ApiBody({ type: SetStaffPasswordDoc })
  @ApiOkResponse({ type: StaffPasswordSetDoc })
  async setPassword(@Body() body: unknown) {
    const dto = await validateBody(SetStaffPasswordDto, body);
    return this.staff.setPassword(dto.code, dto.password);
  }
}
