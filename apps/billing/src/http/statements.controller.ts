import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, CONFIG, currentCorrelationId, CurrentPrincipal, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import type { BillingConfig } from '../config';
import { ImportJobs } from '../imports/jobs/import-jobs';
import { StatementImportWorker } from '../imports/jobs/import-worker';
import { TransferActions } from '../imports/transfer-actions';
import { fen } from '../shared';
import { StaffDirectory } from '../imports/staff-directory';
import { ConfirmDto, ManualMatchDto, RejectDto, RejectProposalDto, ReverseMatchDto } from './dto';
import { enrichTransfers } from './transfer-enrichment';
import { readMultipart } from './multipart';
import { ImportJobView, StatementDetailView, StatementListView, StatementUploadDoc, TransferDecisionView, TransferItemsView } from './finance.docs';

const notFound = () => new ApiError(404, 'NOT_FOUND', '请求的资源不存在');
const uuid = new ParseUUIDPipe({ exceptionFactory: notFound });

export const transferView = (t: Record<string, unknown>) => ({
  transferId: t.transfer_id, statementId: t.statement_id, lineNumber: t.line_number, bankReference: t.bank_reference, bookedOn: t.booked_on, amountFen: fen(t.amount_fen as string),
  payerName: t.payer_name, payerAccount: t.payer_account, remark: t.remark, status: t.status, candidates: t.candidates, notes: t.notes, allocations: t.allocations,
  matchMode: t.match_mode, confidence: t.confidence === null ? null : Number(t.confidence), reasons: t.reasons, decidedBy: t.decided_by, decidedAt: t.decided_at,
  /** 双人复核: the match waiting for a second finance user (allocations, proposedBy, proposedAt), else null. */
  pendingMatch: t.pending_match ?? null,
});
export const TRANSFER_COLUMNS = `transfer_id, statement_id, line_number, bank_reference, to_char(booked_on, 'YYYY-MM-DD') as booked_on, amount_fen, payer_name, payer_account, remark,
  status, candidates, notes, allocations, match_mode, confidence, reasons, decided_by, decided_at, pending_match`;

@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller('api/v1/billing')
@UseGuards(JwtAuthGuard)
@Roles('finance', 'super_admin')
export class StatementsController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: BillingConfig,
    private readonly jobs: ImportJobs,
    private readonly worker: StatementImportWorker,
    private readonly actions: TransferActions,
    private readonly staff: StaffDirectory,
  ) {}

  private readonly names = (actors: Iterable<string | null | undefined>) => this.staff.names(actors);

  /**
   * Stores the file and answers at once (202): a 100,000-line statement takes longer to reconcile than a request may
   * stay open. The worker (imports/jobs) imports it; GET statement-imports/:id reports its progress and result.
   */
  @Post('statements')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: StatementUploadDoc })
  @ApiAcceptedResponse({ type: ImportJobView, description: '文件已保存，导入在后台进行；用 GET statement-imports/{id} 查看进度与结果（无法识别的文件以 state=failed、error.code=STATEMENT_UNREADABLE 结束）' })
  async upload(@Req() req: FastifyRequest, @CurrentPrincipal() p: Principal) {
    const { files, fields } = await readMultipart(req, this.config.UPLOAD_MAX_BYTES);
    const file = files.find((f) => f.field === 'file') ?? files[0];
    if (!file || file.content.length === 0) throw new ApiError(400, 'FILE_REQUIRED', '请上传银行流水文件', [{ field: 'file', rule: 'required', message: '请上传银行流水文件' }]);
    const importId = randomUUID();
    await this.jobs.enqueue({ importId, content: file.content, filename: file.filename, contentType: file.mimetype, profile: fields.profile || undefined, actor: p.sub, correlationId: currentCorrelationId() });
    this.worker.wake();
    return (await this.jobs.view(importId))!;
  }

  /** The import's state and progress (lines parsed, persisted, auto-matched of the total); its result once done. */
  @Get('statement-imports/:id')
  @ApiOkResponse({ type: ImportJobView })
  async importProgress(@Param('id', uuid) id: string) {
    const view = await this.jobs.view(id);
    if (!view) throw notFound();
    return view;
  }

  @Get('statements')
  @ApiOkResponse({ type: StatementListView })
  async list() {
    const r = await this.pool.query(`select statement_id, filename, format, profile, balance_check, line_count, credit_count, new_credit_count, duplicate_count, debit_count,
        jsonb_array_length(rejected) as rejected_count, auto_matched, suggested, unmatched, uploaded_by, uploaded_at, sha256, size from billing_statements order by uploaded_at desc limit 200`);
    return { items: r.rows.map((s) => ({ statementId: s.statement_id, filename: s.filename, format: s.format, profile: s.profile, balanceCheck: s.balance_check, flagged: s.balance_check === 'mismatch', lines: s.line_count, credits: s.credit_count, newCredits: s.new_credit_count, duplicates: s.duplicate_count, debitsIgnored: s.debit_count, rejectedCount: s.rejected_count, autoMatched: s.auto_matched, suggested: s.suggested, unmatched: s.unmatched, uploadedBy: s.uploaded_by, uploadedAt: s.uploaded_at, sha256: s.sha256, size: s.size })) };
  }

  @Get('statements/:id')
  @ApiOkResponse({ type: StatementDetailView })
  async get(@Param('id', uuid) id: string) {
    const r = await this.pool.query(`select statement_id, filename, format, profile, encoding, account_number, opening_balance_fen, closing_balance_fen, balance_check, line_count, credit_count,
        new_credit_count, duplicate_count, debit_count, rejected, auto_matched, suggested, unmatched, uploaded_by, uploaded_at, sha256, size from billing_statements where statement_id = $1`, [id]);
    const s = r.rows[0];
    if (!s) throw notFound();
    const rows = await this.pool.query(`select ${TRANSFER_COLUMNS} from billing_transfers where statement_id = $1 order by line_number`, [id]);
    return {
      statementId: s.statement_id, filename: s.filename, format: s.format, profile: s.profile, encoding: s.encoding, accountNumber: s.account_number,
      balance: { check: s.balance_check, flagged: s.balance_check === 'mismatch', openingFen: s.opening_balance_fen === null ? null : fen(s.opening_balance_fen), closingFen: s.closing_balance_fen === null ? null : fen(s.closing_balance_fen) },
      lines: s.line_count, credits: s.credit_count, newCredits: s.new_credit_count, duplicates: s.duplicate_count, debitsIgnored: s.debit_count,
      autoMatched: s.auto_matched, suggested: s.suggested, unmatched: s.unmatched, rejected: s.rejected, uploadedBy: s.uploaded_by, uploadedAt: s.uploaded_at, sha256: s.sha256, size: s.size,
      rows: rows.rows.map(transferView),
    };
  }

  /** Suggestions to confirm, and (双人复核) matches above FOUR_EYES_FEN waiting for a second finance user's approval. */
  @Get('review-queue')
  @ApiOkResponse({ type: TransferItemsView })
  async reviewQueue() {
    const r = await this.pool.query(`select ${TRANSFER_COLUMNS} from billing_transfers where status in ('suggested', 'pending_approval') order by booked_on, line_number limit 500`);
    return { items: await enrichTransfers(this.pool, this.names, r.rows.map(transferView)) };
  }

  @Get('unmatched-transfers')
  @ApiOkResponse({ type: TransferItemsView })
  async unmatched() {
    const r = await this.pool.query(`select ${TRANSFER_COLUMNS} from billing_transfers where status in ('unmatched', 'rejected') order by booked_on, line_number limit 500`);
    return { items: await enrichTransfers(this.pool, this.names, r.rows.map(transferView)) };
  }

  @Post('transfers/:id/confirmation')
  @ApiCreatedResponse({ type: TransferDecisionView })
  confirm(@Param('id', uuid) id: string, @Body() body: ConfirmDto, @CurrentPrincipal() p: Principal) {
    return this.actions.confirm(id, body.orderId, p.sub);
  }

  @Post('transfers/:id/rejection')
  @ApiCreatedResponse({ type: TransferDecisionView })
  reject(@Param('id', uuid) id: string, @Body() body: RejectDto, @CurrentPrincipal() p: Principal) {
    return this.actions.reject(id, body.reason, p.sub);
  }

  @Post('transfers/:id/manual-match')
  @ApiCreatedResponse({ type: TransferDecisionView })
  manualMatch(@Param('id', uuid) id: string, @Body() body: ManualMatchDto, @CurrentPrincipal() p: Principal) {
    return this.actions.matchManually(id, body.allocations.map((a) => ({ orderId: a.orderId, amountFen: a.amountFen })), p.sub);
  }

  /** 双人复核: a second finance user (not the proposer) approves a pending match above FOUR_EYES_FEN; it is booked now. */
  @Post('transfers/:id/approval')
  @Roles('finance')
  @ApiCreatedResponse({ type: TransferDecisionView })
  approve(@Param('id', uuid) id: string, @CurrentPrincipal() p: Principal) {
    return this.actions.approve(id, p.sub);
  }

  /** 双人复核: the second finance user sends the proposal back; the credit returns to the queue as it was. */
  @Post('transfers/:id/approval-rejection')
  @Roles('finance')
  @ApiCreatedResponse({ type: TransferDecisionView })
  rejectProposal(@Param('id', uuid) id: string, @Body() body: RejectProposalDto, @CurrentPrincipal() p: Principal) {
    return this.actions.rejectProposal(id, body.reason, p.sub);
  }

  /** Finance undoes a confirmed (automatic or manual) match: the orders go back to what remains paid (billing.PaymentReversed). */
  @Post('transfers/:id/reversal')
  @ApiCreatedResponse({ type: TransferDecisionView })
  reverse(@Param('id', uuid) id: string, @Body() body: ReverseMatchDto, @CurrentPrincipal() p: Principal) {
    return this.actions.reverse(id, body.reason, p.sub);
  }
}
