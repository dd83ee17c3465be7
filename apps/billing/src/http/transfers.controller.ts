import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { PageLimit, PageOffset } from '@lsc/validation';
import { ApiError, CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { StaffDirectory } from '../imports/staff-directory';
import { parseAmountFen } from '../statements';
import { TransferSetAsideActions } from '../imports/transfer-set-aside-actions';
import { TransferFollowUps } from '../imports/transfer-follow-ups';
import { transferStream } from '../imports/transfer-actions';
import { PostgresEventStore } from '@lsc/event-sourcing';
import { enrichTransfers, orderSummaries } from './transfer-enrichment';
import { TRANSFER_COLUMNS, transferView } from './statements.controller';

const notFound = () => new ApiError(404, 'NOT_FOUND', '银行到账记录不存在');
const uuid = new ParseUUIDPipe({ exceptionFactory: notFound });

export const TRANSFER_STATUSES = ['matched', 'suggested', 'unmatched', 'rejected', 'set_aside'] as const;
import { FollowUpAnswerView, InstitutionSearchView, OrderSearchView, TransferDetailView, TransferPageView, TransferStatusView } from './finance.docs';

export class TransfersQuery {
  @ApiPropertyOptional({ enum: TRANSFER_STATUSES }) @IsOptional() @IsIn(TRANSFER_STATUSES, { message: '状态无效' }) status?: (typeof TRANSFER_STATUSES)[number];
  @ApiPropertyOptional({ description: '银行流水（导入批次）编号' }) @IsOptional() @IsUUID('all', { message: '流水ID无效' }) statementId?: string;
  @ApiPropertyOptional({ description: '付款人、附言或金额', maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100, { message: '搜索词不超过100字' }) q?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500 }) @PageLimit({ max: 500 }) limit?: number;
  @ApiPropertyOptional({ minimum: 0, default: 0 }) @PageOffset() offset?: number;
}
export class SetAsideDto {
  @ApiProperty() @IsString({ message: '请填写原因' }) @Length(1, 500, { message: '原因长度须为1-500字' }) reason!: string;
}
/** Only whom to ask: the credit's details come from billing's own record (a body with anything else is refused). */
export class FollowUpDto {
  @ApiProperty({ description: '要联系的单位编号' }) @IsUUID('all', { message: '请选择要联系的单位' }) institutionId!: string;
}
export class InstitutionSearchQuery {
  @ApiProperty({ description: '单位名称（部分即可）' }) @IsString({ message: '请输入单位名称' }) @Length(1, 100, { message: '单位名称长度须为1-100字' }) q!: string;
}
export class OrderSearchQuery {
  @ApiProperty({ description: '单位名称、缴费码或金额（元）' }) @IsString({ message: '请输入单位名称、缴费码或金额' }) @Length(1, 100, { message: '搜索词长度须为1-100字' }) q!: string;
}

const X = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The console's view of bank credits: every credit with its decision and explanation, a credit's audit history,
 * 非会费款项 (set aside / undo), and finding an order by name, payment code or amount for a manual match.
 */
@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller('api/v1/billing')
@UseGuards(JwtAuthGuard)
@Roles('finance', 'super_admin')
export class TransfersController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly staff: StaffDirectory,
    private readonly setAsideActions: TransferSetAsideActions,
    private readonly store: PostgresEventStore,
    private readonly followUps: TransferFollowUps,
  ) {}

  private readonly names = (actors: Iterable<string | null | undefined>) => this.staff.names(actors);

  @Get('transfers')
  @ApiOkResponse({ type: TransferPageView })
  async list(@Query() q: TransfersQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status) where.push(`status = $${params.push(q.status)}`);
    if (q.statementId) where.push(`statement_id = $${params.push(q.statementId)}`);
    if (q.q?.trim()) where.push(`(payer_name ilike $${params.push(`%${X(q.q.trim())}%`)} or remark ilike $${params.length} or payer_account like $${params.length})`);
    const filter = where.length ? `where ${where.join(' and ')}` : '';
    const [rows, count] = await Promise.all([
      this.pool.query(`select ${TRANSFER_COLUMNS}, set_aside_reason, set_aside_by, set_aside_at from billing_transfers ${filter} order by booked_on desc, line_number limit $${params.length + 1} offset $${params.length + 2}`, [...params, q.limit ?? 50, q.offset ?? 0]),
      this.pool.query<{ n: string }>(`select count(*) as n from billing_transfers ${filter}`, params),
    ]);
    return { total: Number(count.rows[0]!.n), items: await enrichTransfers(this.pool, this.names, rows.rows.map(withSetAside)) };
  }

  @Get('transfers/:id')
  @ApiOkResponse({ type: TransferDetailView })
  async get(@Param('id', uuid) id: string) {
    const r = await this.pool.query(`select ${TRANSFER_COLUMNS}, set_aside_reason, set_aside_by, set_aside_at from billing_transfers where transfer_id = $1`, [id]);
    if (!r.rows[0]) throw notFound();
    const [view] = await enrichTransfers(this.pool, this.names, [withSetAside(r.rows[0])]);
    const events = await this.store.readStream(transferStream(id));
    const names = await this.staff.names(events.map((e) => e.metadata?.actor as string));
    const history = events.map((e) => ({ type: e.type, at: e.metadata?.occurredAt ?? null, actor: e.metadata?.actor ?? null, actorName: names.get(e.metadata?.actor as string) ?? e.metadata?.actor ?? null, data: e.data }));
    return { ...view, history };
  }

  /** 非会费款项: out of the review queue and the unmatched report, reversible. */
  @Post('transfers/:id/set-aside')
  @HttpCode(200)
  @ApiOkResponse({ type: TransferStatusView })
  setAside(@Param('id', uuid) id: string, @Body() body: SetAsideDto, @CurrentPrincipal() p: Principal) {
    return this.setAsideActions.setAside(id, body.reason, p.sub);
  }

  @Post('transfers/:id/set-aside/undo')
  @HttpCode(200)
  @ApiOkResponse({ type: TransferStatusView })
  undoSetAside(@Param('id', uuid) id: string, @Body() body: SetAsideDto, @CurrentPrincipal() p: Principal) {
    return this.setAsideActions.undo(id, body.reason, p.sub);
  }

  /**
   * Follow-up e-mail to an institution about an unmatched credit (the mail comes from the society's address, so finance
   * only): notification mails billing's record of the credit with the payer's account masked.
   */
  @Post('transfers/:id/follow-ups')
  @Roles('finance')
  @ApiCreatedResponse({ type: FollowUpAnswerView })
  followUp(@Param('id', uuid) id: string, @Body() body: FollowUpDto, @CurrentPrincipal() p: Principal) {
    return this.followUps.request(id, body.institutionId, p.sub);
  }

  /** Institutions billing knows (applicants and members), by name: whom a follow-up can go to. */
  @Get('institution-search')
  @ApiOkResponse({ type: InstitutionSearchView })
  async searchInstitutions(@Query() q: InstitutionSearchQuery) {
    const r = await this.pool.query<{ institution_id: string; name: string }>(
      `select institution_id, name from billing_institutions where name ilike $1 order by name limit 20`,
      [`%${X(q.q.trim())}%`],
    );
    return { items: r.rows.map((x) => ({ institutionId: x.institution_id, name: x.name })) };
  }

  /** Orders still open for a manual match, found by institution name, payment code or amount (元, e.g. 1800 or 1800.00). */
  @Get('order-search')
  @ApiOkResponse({ type: OrderSearchView })
  async searchOrders(@Query() q: OrderSearchQuery) {
    const text = q.q.trim();
    // 元 typed by a clerk, parsed by integer arithmetic (the statement importer's parser): 0.29 is 29 fen, never 28.
    const parsed = parseAmountFen(text);
    const amount = parsed !== null && parsed > 0 ? parsed : null;
    const r = await this.pool.query<{ order_id: string }>(
      `select order_id from billing_orders where status in ('unpaid', 'partially_paid')
         and (institution_name ilike $1 or upper(payment_code) = upper($2) or ($3::bigint is not null and (amount_due_fen = $3 or amount_due_fen - amount_paid_fen = $3)))
       order by issued_at desc limit 20`,
      [`%${X(text)}%`, text, amount],
    );
    const orders = await orderSummaries(this.pool, r.rows.map((x) => x.order_id));
    return { items: r.rows.map((x) => orders.get(x.order_id)!) };
  }
}

function withSetAside(row: Record<string, unknown>) {
  return { ...transferView(row), setAsideReason: row.set_aside_reason ?? null, setAsideBy: row.set_aside_by ?? null, setAsideAt: row.set_aside_at ?? null };
}
