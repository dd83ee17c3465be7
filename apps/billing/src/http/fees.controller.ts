import { Body, Controller, Get, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { amountInWords } from '@lsc/validation';
import { CurrentPrincipal, IdempotencyInterceptor, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { coverageFor, feeEntryInEffect, shanghaiDate, versionInEffect, type FeeScheduleState } from '../domain';
import { FeeSchedules } from '../fees/fee-schedules';
import { ChangeFeeDto, PublishVersionDto, QuoteQuery } from './dto';
import { QualificationsView, QuoteView } from './views.docs';
import { FeeScheduleView } from './finance.docs';

const view = (s: FeeScheduleState, today: string) => ({ today, inEffect: versionInEffect(s, today)?.versionId ?? null, versions: s.versions });

@ApiTags('fees')
@Controller('api/v1/billing')
export class FeesController {
  constructor(private readonly fees: FeeSchedules) {}

  /** Public: the applicant's form shows the fee before login too (guide step 5). */
  @Get('quotes')
  @ApiOkResponse({ type: QuoteView })
  async quote(@Query() q: QuoteQuery) {
    const today = shanghaiDate(new Date().toISOString());
    const schedule = await this.fees.state();
    const quote = await this.fees.quote(q.qualificationCode, q.staffTierCode, q.years, today);
    const { version, entry } = feeEntryInEffect(schedule, q.qualificationCode, q.staffTierCode, today);
    // A new membership confirmed today: the paid term under the version's term policy (a renewal continues its term).
    const coverage = coverageFor(version.termPolicy, today, q.years);
    return {
      ...quote,
      qualificationName: entry.qualificationName,
      staffTierName: entry.tierName,
      placeholder: entry.placeholder === true,
      amountInWords: amountInWords(quote.amountDueFen),
      termStart: coverage.termStart,
      termEnd: coverage.termEnd,
      startsNextYear: coverage.startsNextYear,
      validityEnd: coverage.termEnd,
    };
  }

  @Get('qualifications')
  @ApiOkResponse({ type: QualificationsView })
  async qualifications() {
    const today = shanghaiDate(new Date().toISOString());
    const version = versionInEffect(await this.fees.state(), today);
    const byCode = new Map<string, { code: string; name: string; tiers: Array<{ code: string; name: string; feePerYearFen: number; placeholder: boolean }> }>();
    for (const e of version?.entries ?? []) {
      const q = byCode.get(e.qualificationCode) ?? { code: e.qualificationCode, name: e.qualificationName, tiers: [] };
      q.tiers.push({ code: e.tierCode, name: e.tierName, feePerYearFen: e.feePerYearFen, placeholder: e.placeholder === true });
      byCode.set(e.qualificationCode, q);
    }
    return { scheduleVersion: version?.versionId ?? null, termPolicy: version?.termPolicy ?? null, years: { min: 1, max: 5 }, qualifications: [...byCode.values()] };
  }

  @Get('fee-schedule')
  @ApiOkResponse({ type: FeeScheduleView })
  async schedule() {
    return view(await this.fees.state(), shanghaiDate(new Date().toISOString()));
  }

  @Post('fee-schedule/versions')
  @UseGuards(JwtAuthGuard)
  @Roles('finance', 'super_admin')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: FeeScheduleView })
  async publish(@Body() body: PublishVersionDto, @CurrentPrincipal() p: Principal) {
    return view(await this.fees.publish({ versionId: body.versionId, effectiveFrom: body.effectiveFrom, entries: body.entries, ...(body.termPolicy ? { termPolicy: { lateJoinCutoff: body.termPolicy.lateJoinCutoff ?? null } } : {}) }, p.sub), shanghaiDate(new Date().toISOString()));
  }

  /** Corrects a fee in a version that has not taken effect yet (after that: publish a new version). */
  @Post('fee-schedule/versions/:versionId/fee-changes')
  @UseGuards(JwtAuthGuard)
  @Roles('finance', 'super_admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: FeeScheduleView })
  async changeFee(@Param('versionId') versionId: string, @Body() body: ChangeFeeDto, @CurrentPrincipal() p: Principal) {
    return view(await this.fees.changeFee({ versionId, ...body }, p.sub), shanghaiDate(new Date().toISOString()));
  }
}
