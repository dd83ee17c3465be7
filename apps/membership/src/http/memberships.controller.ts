import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { membershipStream, MembershipCommands } from '../write/membership-commands';
import { institutionHistory, membershipIdOf, openApplicationOf } from '../write/lookups';
import { historyView, membershipView } from './views';

/** The institution's own membership and event history. */
@ApiTags('memberships')
@ApiBearerAuth()
@Controller('api/v1/membership')
@UseGuards(JwtAuthGuard)
@Roles('institution')
export class MembershipsController {
  constructor(
    private readonly commands: MembershipCommands,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Get('memberships/me')
  async mine(@CurrentPrincipal() p: Principal) {
    const membershipId = await membershipIdOf(this.pool, p.sub);
    if (!membershipId) {
      // Before the first payment there is no membership stream yet; the open application is what is pending.
      const applicationId = await openApplicationOf(this.pool, p.sub);
      if (applicationId) return { status: 'pending_payment', institutionId: p.sub, pendingApplicationId: applicationId, history: { terms: [], certificates: [] } };
      throw new ApiError(404, 'MEMBERSHIP_NOT_FOUND', '本单位尚无会员资格');
    }
    const { state, history } = await this.commands.memberships.load(membershipStream(membershipId));
    const pendingApplicationId = await openApplicationOf(this.pool, p.sub);
    return { ...membershipView(state, history), ...(pendingApplicationId ? { pendingApplicationId } : {}) };
  }

  @Get('institutions/me/history')
  async history(@CurrentPrincipal() p: Principal) {
    return { items: historyView(await institutionHistory(this.pool, p.sub)) };
  }
}
