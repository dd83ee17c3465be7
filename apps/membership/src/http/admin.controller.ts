import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { membershipStream, MembershipCommands } from '../write/membership-commands';
import { institutionHistory } from '../write/lookups';
import { CertificateMailingDto, CertificateQuery, LifecycleRunDto, MembershipSearchQuery, StatusOverrideDto } from './dto';
import { ReadModels } from './read-models';
import { historyView, membershipView } from './views';
import { CertificateListView, CertificateMailedView, HistoryView, LifecycleRunView, MembershipSearchView, MembershipView, StatusOverriddenView } from './views.docs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const membershipNotFound = () => new ApiError(404, 'MEMBERSHIP_NOT_FOUND', '会员资格不存在');

/** Staff work: search, certificate mailing, history, audited status overrides, the lifecycle trigger. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/membership/admin')
@UseGuards(JwtAuthGuard)
@Roles('member_admin', 'super_admin')
export class AdminController {
  constructor(
    private readonly commands: MembershipCommands,
    private readonly readModels: ReadModels,
    private readonly lifecycle: LifecycleService,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Get('memberships')
  @ApiOkResponse({ type: MembershipSearchView })
  search(@Query() query: MembershipSearchQuery) {
    return this.readModels.searchMemberships(query);
  }

  @Get('memberships/:id')
  @ApiOkResponse({ type: MembershipView })
  async membership(@Param('id') id: string) {
    if (!UUID.test(id)) throw membershipNotFound();
    const { state, history } = await this.commands.memberships.load(membershipStream(id));
    if (state.status === 'none') throw membershipNotFound();
    return membershipView(state, history);
  }

  @Get('certificates')
  @ApiOkResponse({ type: CertificateListView })
  async certificates(@Query() query: CertificateQuery) {
    return { items: await this.readModels.certificates(query.status ?? 'due') };
  }

  @Post('memberships/:id/certificate-mailings')
  @HttpCode(201)
  @ApiCreatedResponse({ type: CertificateMailedView })
  async certificateMailed(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: CertificateMailingDto) {
    if (!UUID.test(id)) throw membershipNotFound();
    const state = await this.commands.recordCertificateMailed(id, body.carrier, body.trackingNumber, p.sub);
    return { membershipId: id, memberNumber: state.memberNumber, carrier: body.carrier, trackingNumber: body.trackingNumber };
  }

  @Post('memberships/:id/status-overrides')
  @HttpCode(201)
  @ApiCreatedResponse({ type: StatusOverriddenView })
  async override(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: StatusOverrideDto) {
    if (!UUID.test(id)) throw membershipNotFound();
    const state = await this.commands.overrideStatus(id, body.status, body.reason, p.sub);
    return { membershipId: id, status: state.status };
  }

  @Get('institutions/:institutionId/history')
  @ApiOkResponse({ type: HistoryView })
  async history(@Param('institutionId') institutionId: string) {
    if (!UUID.test(institutionId)) throw new ApiError(404, 'INSTITUTION_NOT_FOUND', '单位不存在');
    return { items: historyView(await institutionHistory(this.pool, institutionId)) };
  }

  @Post('lifecycle-runs')
  @HttpCode(200)
  @Roles('super_admin')
  @ApiOkResponse({ type: LifecycleRunView })
  @ApiConflictResponse({ description: 'LIFECYCLE_RUN_IN_PROGRESS：任务正在运行' })
  async runLifecycle(@CurrentPrincipal() p: Principal, @Body() body: LifecycleRunDto) {
    const run = await this.lifecycle.run(body.on, p.sub);
    if (!run) throw new ApiError(409, 'LIFECYCLE_RUN_IN_PROGRESS', '会员状态更新任务正在运行，请稍后再试');
    return run;
  }
}
