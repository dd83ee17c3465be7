import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IncomeView, MatchRateView, PaymentsReportView, ReceivablesByAgeView, ReceivablesReportView, StatementsReportView, UnmatchedReportView } from './finance.docs';
import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PG_POOL } from '@lsc/messaging';
import { JwtAuthGuard, Roles } from '@lsc/service-kit';
import { StaffDirectory } from '../imports/staff-directory';
import { REPORT_CLOCK, type ReportClock } from '../reports/clock';
import { AGE_BUCKETS, incomeByPeriod, matchRateByStatement, paymentsReport, receivablesReport, statementsReport, unmatchedReport, type Report } from '../reports/report-queries';
import { reportWorkbook, totalsOf } from '../reports/xlsx-report';
import { FormatQuery, PeriodQuery } from './dto';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export class IncomeQuery {
  @ApiPropertyOptional({ enum: ['day', 'month'], default: 'month' }) @IsOptional() @IsIn(['day', 'month'], { message: '统计周期须为 day 或 month' }) unit?: 'day' | 'month';
  @ApiPropertyOptional({ description: '起始日期 YYYY-MM-DD' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式须为 YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ description: '截止日期 YYYY-MM-DD' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式须为 YYYY-MM-DD' }) to?: string;
}

async function send(reply: FastifyReply, report: Report, format: 'json' | 'xlsx' | undefined): Promise<void> {
  if (format !== 'xlsx') {
    void reply.send({ title: report.title, items: report.rows, totals: totalsOf(report.columns, report.rows) });
    return;
  }
  const buffer = await reportWorkbook(report.title, report.columns, report.rows);
  void reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(report.title)}.xlsx`)
    .send(buffer);
}

/**
 * Finance reports. JSON keeps integer fen (…Fen) and codes, with Chinese labels and staff names beside them; the XLSX
 * export is for people: 元 with two decimals, labels, names and a 合计 row (reports/xlsx-report.ts).
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/billing/reports')
@UseGuards(JwtAuthGuard)
@Roles('finance', 'super_admin')
export class ReportsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly staff: StaffDirectory,
    @Inject(REPORT_CLOCK) private readonly clock: ReportClock,
  ) {}

  private readonly names = (actors: Iterable<string | null | undefined>) => this.staff.names(actors);

  @Get('receivables')
  @ApiProduces('application/json', XLSX)
  @ApiOkResponse({ type: ReceivablesReportView, description: 'format=xlsx 时为 Excel 工作簿' })
  async receivables(@Query() q: FormatQuery, @Res() reply: FastifyReply) {
    await send(reply, await receivablesReport(this.pool, this.clock()), q.format);
  }

  /** 应收账龄分布: outstanding fen and order count per age bucket (for the chart). */
  @Get('receivables-by-age')
  @ApiOkResponse({ type: ReceivablesByAgeView })
  async receivablesByAge() {
    const report = await receivablesReport(this.pool, this.clock());
    return {
      items: AGE_BUCKETS.map((bucket) => {
        const rows = report.rows.filter((r) => r.ageBucket === bucket);
        return { bucket, count: rows.length, outstandingFen: rows.reduce((s, r) => s + Number(r.outstandingFen), 0) };
      }),
    };
  }

  @Get('payments')
  @ApiProduces('application/json', XLSX)
  @ApiOkResponse({ type: PaymentsReportView, description: 'format=xlsx 时为 Excel 工作簿' })
  async payments(@Query() q: PeriodQuery, @Res() reply: FastifyReply) {
    await send(reply, await paymentsReport(this.pool, this.names, q), q.format);
  }

  /** 到账按日/按月: matched income per period. */
  @Get('income')
  @ApiOkResponse({ type: IncomeView })
  async income(@Query() q: IncomeQuery) {
    return { unit: q.unit ?? 'month', items: await incomeByPeriod(this.pool, q.unit ?? 'month', q) };
  }

  /** 匹配率: auto / manual / still open / set aside, per statement. */
  @Get('match-rate')
  @ApiOkResponse({ type: MatchRateView })
  async matchRate() {
    return { items: await matchRateByStatement(this.pool) };
  }

  @Get('unmatched-transfers')
  @ApiProduces('application/json', XLSX)
  @ApiOkResponse({ type: UnmatchedReportView, description: 'format=xlsx 时为 Excel 工作簿' })
  async unmatched(@Query() q: FormatQuery, @Res() reply: FastifyReply) {
    await send(reply, await unmatchedReport(this.pool, this.clock()), q.format);
  }

  @Get('statements')
  @ApiProduces('application/json', XLSX)
  @ApiOkResponse({ type: StatementsReportView, description: 'format=xlsx 时为 Excel 工作簿' })
  async statements(@Query() q: FormatQuery, @Res() reply: FastifyReply) {
    await send(reply, await statementsReport(this.pool, this.names), q.format);
  }
}
