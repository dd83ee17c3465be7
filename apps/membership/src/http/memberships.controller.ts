import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { membershipStream, MembershipCommands } from '../write/membership-commands';
import { institutionHistory, membershipIdOf, openApplicationOf } from '../write/lookups';
import { historyView, membershipView } from './views';
import { HistoryView, MembershipView } from './views.docs';

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
  @ApiOkResponse({ type: MembershipView, description: "本单位的会员资格；尚未申请时 status 为 'none'（不是 404）" })
  async mine(@CurrentPrincipal() p: Principal) {
    const membershipId = await membershipIdOf(this.pool, p.sub);
    if (!membershipId) {
      // Before the first payment there is no membership stream yet; the open application is what is pending. With
      // neither, the institution is simply not a member yet: status 'none' (the domain's own state), not a 404 — "my
      // membership" always exists for a logged-in institution, and a client should not read an error as a state.
      const applicationId = await openApplicationOf(this.pool, p.sub);
      if (applicationId) return { status: 'pending_payment', institutionId: p.sub, pendingApplicationId: applicationId, history: { terms: [], certificates: [] } };
      return { status: 'none', institutionId: p.sub, history: { terms: [], certificates: [] } };
    }
    const { state, history } = await this.commands.memberships.load(membershipStream(membershipId));
    const pendingApplicationId = await openApplicationOf(this.pool, p.sub);
    return { ...membershipView(state, history), ...(pendingApplicationId ? { pendingApplicationId } : {}) };
  }

  @Get('institutions/me/history')
  @ApiOkResponse({ type: HistoryView })
  async history(@CurrentPrincipal() p: Principal) {
    return { items: historyView(await institutionHistory(this.pool, p.sub)) };
  }
}
