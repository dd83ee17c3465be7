import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { CONFIG } from '@lsc/service-kit';
import { membershipPolicy, type MembershipConfig } from '../config';
import { shanghaiDate, type MembershipPolicy } from '../domain';
import { loadScheduleVersions } from '../write/fee-schedule-read-model';
import { MembershipCommands } from '../write/membership-commands';
import { FeeOptionsView, FeeQuoteQuery, FeeQuoteView } from './dto';
import { feeOptionsView, quoteView } from './fee-views';

/**
 * Public (the application form shows fees before login, guide step 5): the published fee schedule's options and a
 * quote for codes × years with the coverage dates under the schedule's term policy. The application is priced by
 * exactly this computation.
 */
@ApiTags('fees')
@Controller('api/v1/membership/fees')
export class FeesController {
  private readonly policy: MembershipPolicy;
  private readonly requireConfirmed: boolean;

  constructor(
    private readonly commands: MembershipCommands,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) config: MembershipConfig,
  ) {
    this.policy = membershipPolicy(config);
    this.requireConfirmed = config.FEE_SCHEDULE_REQUIRE_CONFIRMED;
  }

  /** 会员资格 and 人员规模 with their fees; placeholders are marked, and unavailable where fees must be confirmed. */
  @Get('options')
  @ApiOkResponse({ type: FeeOptionsView })
  async options(): Promise<FeeOptionsView> {
    return feeOptionsView(await loadScheduleVersions(this.pool), shanghaiDate(new Date().toISOString()), this.requireConfirmed);
  }

  /** 会费 × 资格期限 = 应付金额 for a new membership confirmed today, with its 资格日期. */
  @Get('quote')
  @ApiOkResponse({ type: FeeQuoteView })
  @ApiConflictResponse({ description: 'UNKNOWN_QUALIFICATION / UNKNOWN_STAFF_TIER / FEE_NOT_CONFIRMED / NO_SCHEDULE_IN_EFFECT' })
  async quote(@Query() q: FeeQuoteQuery): Promise<FeeQuoteView> {
    const now = new Date().toISOString();
    const quote = await this.commands.quote({ qualificationCode: q.qualificationCode, staffTierCode: q.staffTierCode, years: q.years }, now);
    return quoteView(quote, this.policy, shanghaiDate(now));
  }
}
