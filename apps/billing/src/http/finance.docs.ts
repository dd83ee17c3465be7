import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Answer shapes of the finance console's billing endpoints (statements, transfers, reports, fee schedule), for the
 * OpenAPI document only; the controllers build them as plain objects (transferView, enrichTransfers, report queries).
 */
export class OrderSummaryView {
  @ApiProperty() orderId!: string;
  @ApiProperty() institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() paymentCode!: string;
  @ApiProperty() transferRemark!: string;
  @ApiProperty({ description: '应付（分）' }) amountDueFen!: number;
  @ApiProperty({ description: '已付（分）' }) amountPaidFen!: number;
  @ApiProperty() status!: string;
  @ApiProperty({ description: '状态（中文）' }) statusLabel!: string;
  @ApiProperty({ description: '开单日期' }) issuedOn!: string;
}

export class CandidateView {
  @ApiProperty() orderId!: string;
  @ApiProperty({ description: '匹配得分 0–1' }) score!: number;
  @ApiProperty({ type: [String], description: '匹配理由（中文）' }) reasons!: string[];
  @ApiProperty({ type: OrderSummaryView, nullable: true }) order!: OrderSummaryView | null;
}

export class AllocationView {
  @ApiProperty() orderId!: string;
  @ApiProperty({ description: '分配金额（分）' }) amountFen!: number;
  @ApiProperty({ type: OrderSummaryView, nullable: true }) order!: OrderSummaryView | null;
}

/** One bank credit with its decision, explained (enrichTransfers). */
export class PendingAllocationView {
  @ApiProperty() orderId!: string;
  @ApiProperty({ description: '金额（分）' }) amountFen!: number;
}

export class PendingMatchView {
  @ApiProperty() matchId!: string;
  @ApiProperty({ type: [PendingAllocationView] }) allocations!: PendingAllocationView[];
  @ApiProperty({ description: '提交匹配的财务人员' }) proposedBy!: string;
  @ApiProperty() proposedAt!: string;
}

export class TransferView {
  @ApiProperty() transferId!: string;
  @ApiProperty() statementId!: string;
  @ApiProperty() lineNumber!: number;
  @ApiProperty({ type: String, nullable: true }) bankReference!: string | null;
  @ApiProperty({ description: '到账日期' }) bookedOn!: string;
  @ApiProperty({ description: '金额（分）' }) amountFen!: number;
  @ApiProperty() payerName!: string;
  @ApiProperty() payerAccount!: string;
  @ApiProperty({ description: '附言' }) remark!: string;
  @ApiProperty() status!: string;
  @ApiProperty() statusLabel!: string;
  @ApiProperty({ type: [CandidateView] }) candidates!: CandidateView[];
  @ApiProperty({ type: [String] }) notes!: string[];
  @ApiProperty({ type: [AllocationView] }) allocations!: AllocationView[];
  @ApiProperty({ type: String, nullable: true }) matchMode!: string | null;
  @ApiProperty() matchModeLabel!: string;
  @ApiProperty({ type: Number, nullable: true }) confidence!: number | null;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ type: String, nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) decidedByName!: string | null;
  @ApiProperty({ type: String, nullable: true }) decidedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: '非会费款项原因' }) setAsideReason?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) setAsideBy?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) setAsideByName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) setAsideAt?: string | null;
  @ApiPropertyOptional({ type: () => PendingMatchView, nullable: true, description: '双人复核：金额超过 FOUR_EYES_FEN 的匹配，待另一位财务人员审批（status = pending_approval）' })
  pendingMatch?: PendingMatchView | null;
}

export class TransferPageView {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [TransferView] }) items!: TransferView[];
}

export class TransferItemsView {
  @ApiProperty({ type: [TransferView] }) items!: TransferView[];
}

export class TransferHistoryEntryView {
  @ApiProperty() type!: string;
  @ApiProperty({ type: String, nullable: true }) at!: string | null;
  @ApiProperty({ type: String, nullable: true }) actor!: string | null;
  @ApiProperty({ type: String, nullable: true }) actorName!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class TransferDetailView extends TransferView {
  @ApiProperty({ type: [TransferHistoryEntryView] }) history!: TransferHistoryEntryView[];
}

export class TransferDecisionOrderView {
  @ApiProperty() orderId!: string;
  @ApiProperty() status!: string;
}

export class TransferDecisionView {
  @ApiProperty() transferId!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [TransferDecisionOrderView] }) orders!: TransferDecisionOrderView[];
}

export class TransferStatusView {
  @ApiProperty() transferId!: string;
  @ApiProperty() status!: string;
}

export class OrderSearchView {
  @ApiProperty({ type: [OrderSummaryView] }) items!: OrderSummaryView[];
}

export class RejectedLineView {
  @ApiProperty() lineNumber!: number;
  @ApiProperty({ description: '未导入原因（中文）' }) reason!: string;
  @ApiPropertyOptional() field?: string;
  @ApiPropertyOptional() raw?: string;
}

export class ImportSummaryView {
  @ApiProperty() statementId!: string;
  @ApiPropertyOptional() filename?: string;
  @ApiProperty() format!: string;
  @ApiProperty() profile!: string;
  @ApiProperty({ description: '余额核对结果' }) balanceCheck!: string;
  @ApiProperty({ description: '余额核对不符' }) flagged!: boolean;
  @ApiProperty() lines!: number;
  @ApiProperty() credits!: number;
  @ApiProperty() newCredits!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() debitsIgnored!: number;
  @ApiProperty({ type: [RejectedLineView] }) rejected!: RejectedLineView[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'camt.053：文件中每张对账单及其余额核对' }) statements?: Array<Record<string, unknown>>;
  @ApiProperty() autoMatched!: number;
  @ApiProperty() suggested!: number;
  @ApiProperty() unmatched!: number;
}

export class StatementRowView {
  @ApiProperty() statementId!: string;
  @ApiProperty() filename!: string;
  @ApiProperty() format!: string;
  @ApiProperty() profile!: string;
  @ApiProperty() balanceCheck!: string;
  @ApiProperty() flagged!: boolean;
  @ApiProperty() lines!: number;
  @ApiProperty() credits!: number;
  @ApiProperty() newCredits!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() debitsIgnored!: number;
  @ApiProperty() rejectedCount!: number;
  @ApiProperty() autoMatched!: number;
  @ApiProperty() suggested!: number;
  @ApiProperty() unmatched!: number;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty() uploadedAt!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty() size!: number;
}

export class StatementListView {
  @ApiProperty({ type: [StatementRowView] }) items!: StatementRowView[];
}

export class StatementBalanceView {
  @ApiProperty() check!: string;
  @ApiProperty() flagged!: boolean;
  @ApiProperty({ type: Number, nullable: true }) openingFen!: number | null;
  @ApiProperty({ type: Number, nullable: true }) closingFen!: number | null;
}

export class StatementDetailView {
  @ApiProperty() statementId!: string;
  @ApiProperty() filename!: string;
  @ApiProperty() format!: string;
  @ApiProperty() profile!: string;
  @ApiProperty({ type: String, nullable: true }) encoding!: string | null;
  @ApiProperty({ type: String, nullable: true }) accountNumber!: string | null;
  @ApiProperty({ type: StatementBalanceView }) balance!: StatementBalanceView;
  @ApiProperty() lines!: number;
  @ApiProperty() credits!: number;
  @ApiProperty() newCredits!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() debitsIgnored!: number;
  @ApiProperty() autoMatched!: number;
  @ApiProperty() suggested!: number;
  @ApiProperty() unmatched!: number;
  @ApiProperty({ type: [RejectedLineView] }) rejected!: RejectedLineView[];
  @ApiProperty() uploadedBy!: string;
  @ApiProperty() uploadedAt!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: '各行到账（未附加订单信息）' }) rows!: Array<Record<string, unknown>>;
}

export class StatementUploadDoc {
  @ApiProperty({ type: 'string', format: 'binary', description: '银行流水文件（CSV/XLSX/camt.053）' }) file!: unknown;
  @ApiPropertyOptional({ description: '银行格式配置（不填则自动识别）' }) profile?: string;
}

// Reports (format=json; format=xlsx answers the same report as a workbook).
export class ReceivableRowView {
  @ApiProperty() orderId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() paymentCode!: string;
  @ApiProperty() status!: string;
  @ApiProperty() statusLabel!: string;
  @ApiProperty() amountDueFen!: number;
  @ApiProperty() amountPaidFen!: number;
  @ApiProperty() outstandingFen!: number;
  @ApiProperty() issuedOn!: string;
  @ApiProperty() ageDays!: number;
  @ApiProperty() ageBucket!: string;
}
export class PaymentRowView {
  @ApiProperty() transferId!: string;
  @ApiProperty() bookedOn!: string;
  @ApiProperty() payerName!: string;
  @ApiProperty() amountFen!: number;
  @ApiProperty() mode!: string;
  @ApiProperty() modeLabel!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty() allocatedFen!: number;
  @ApiProperty() institutionName!: string;
  @ApiProperty({ type: String, nullable: true }) decidedByName!: string | null;
}
export class UnmatchedRowView {
  @ApiProperty() transferId!: string;
  @ApiProperty() bookedOn!: string;
  @ApiProperty() payerName!: string;
  @ApiProperty() payerAccount!: string;
  @ApiProperty() remark!: string;
  @ApiProperty() amountFen!: number;
  @ApiProperty() status!: string;
  @ApiProperty() statusLabel!: string;
  @ApiProperty() ageDays!: number;
}
export class StatementReportRowView {
  @ApiProperty() statementId!: string;
  @ApiProperty() filename!: string;
  @ApiProperty() uploadedAt!: string;
  @ApiProperty() uploadedByName!: string;
  @ApiProperty() balanceCheckLabel!: string;
  @ApiProperty() lines!: number;
  @ApiProperty() newCredits!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() autoMatched!: number;
  @ApiProperty() suggested!: number;
  @ApiProperty() unmatched!: number;
}
const TOTALS = { type: 'object', additionalProperties: { type: 'number' }, description: '合计列（分或条数）' } as const;
export class ReceivablesReportView {
  @ApiProperty() title!: string;
  @ApiProperty({ type: [ReceivableRowView] }) items!: ReceivableRowView[];
  @ApiProperty(TOTALS) totals!: Record<string, number>;
}
export class PaymentsReportView {
  @ApiProperty() title!: string;
  @ApiProperty({ type: [PaymentRowView] }) items!: PaymentRowView[];
  @ApiProperty(TOTALS) totals!: Record<string, number>;
}
export class UnmatchedReportView {
  @ApiProperty() title!: string;
  @ApiProperty({ type: [UnmatchedRowView] }) items!: UnmatchedRowView[];
  @ApiProperty(TOTALS) totals!: Record<string, number>;
}
export class StatementsReportView {
  @ApiProperty() title!: string;
  @ApiProperty({ type: [StatementReportRowView] }) items!: StatementReportRowView[];
  @ApiProperty(TOTALS) totals!: Record<string, number>;
}
export class AgeBucketView {
  @ApiProperty() bucket!: string;
  @ApiProperty() count!: number;
  @ApiProperty() outstandingFen!: number;
}
export class ReceivablesByAgeView {
  @ApiProperty({ type: [AgeBucketView] }) items!: AgeBucketView[];
}
export class IncomePeriodView {
  @ApiProperty({ description: '日期或月份' }) period!: string;
  @ApiProperty() amountFen!: number;
  @ApiProperty() count!: number;
}
export class IncomeView {
  @ApiProperty({ enum: ['day', 'month'] }) unit!: 'day' | 'month';
  @ApiProperty({ type: [IncomePeriodView] }) items!: IncomePeriodView[];
}
export class MatchRateRowView {
  @ApiProperty() statementId!: string;
  @ApiProperty() filename!: string;
  @ApiProperty() uploadedAt!: string;
  @ApiProperty() auto!: number;
  @ApiProperty() manual!: number;
  @ApiProperty() open!: number;
  @ApiProperty() setAside!: number;
}
export class MatchRateView {
  @ApiProperty({ type: [MatchRateRowView] }) items!: MatchRateRowView[];
}

export class FeeEntryView {
  @ApiProperty() qualificationCode!: string;
  @ApiProperty() qualificationName!: string;
  @ApiProperty() tierCode!: string;
  @ApiProperty() tierName!: string;
  @ApiProperty({ description: '会费（分/年）' }) feePerYearFen!: number;
  @ApiPropertyOptional() placeholder?: boolean;
}
export class ScheduleTermPolicyView {
  @ApiProperty({ type: String, nullable: true }) lateJoinCutoff!: string | null;
}
export class ScheduleVersionView {
  @ApiProperty() versionId!: string;
  @ApiProperty() effectiveFrom!: string;
  @ApiProperty({ type: [FeeEntryView] }) entries!: FeeEntryView[];
  @ApiProperty({ type: ScheduleTermPolicyView }) termPolicy!: ScheduleTermPolicyView;
}
export class FeeScheduleView {
  @ApiProperty({ description: '今天（上海时间）' }) today!: string;
  @ApiProperty({ type: String, nullable: true, description: '生效中的版本' }) inEffect!: string | null;
  @ApiProperty({ type: [ScheduleVersionView] }) versions!: ScheduleVersionView[];
}

export class ImportProgressView {
  @ApiProperty({ type: Number, nullable: true, description: '文件总行数（解析完成前为 null）' }) totalLines!: number | null;
  @ApiProperty({ description: '已解析行数' }) parsedLines!: number;
  @ApiProperty({ type: Number, nullable: true, description: '入账（贷方）行数' }) creditLines!: number | null;
  @ApiProperty({ description: '已入库行数' }) persistedLines!: number;
  @ApiProperty({ description: '已自动匹配行数' }) matchedLines!: number;
  @ApiProperty({ description: '进度百分比（0–100；100 时结果已保存）' }) percent!: number;
}

export class ImportFailureView {
  @ApiProperty({ example: 'STATEMENT_UNREADABLE' }) code!: string;
  @ApiProperty({ description: '中文原因' }) message!: string;
}

/** A statement import running in billing's background worker: the upload answers 202 with it, the progress route with its state. */
export class ImportJobView {
  @ApiProperty() importId!: string;
  @ApiProperty({ description: '流水编号（与导入编号相同）' }) statementId!: string;
  @ApiProperty() filename!: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) state!: 'queued' | 'running' | 'done' | 'failed';
  @ApiProperty({ type: ImportProgressView }) progress!: ImportProgressView;
  @ApiProperty({ type: ImportSummaryView, nullable: true, description: '完成后的导入结果' }) result!: ImportSummaryView | null;
  @ApiProperty({ type: ImportFailureView, nullable: true }) error!: ImportFailureView | null;
  @ApiProperty() attempts!: number;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
}

export class FollowUpView {
  @ApiProperty() followUpId!: string;
  @ApiProperty() transferId!: string;
  @ApiProperty() institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() bankReference!: string;
  @ApiProperty() bookedOn!: string;
  @ApiProperty({ description: '金额（分）' }) amountFen!: number;
  @ApiProperty() payerName!: string;
  @ApiProperty({ description: '付款账号，只留末4位（****3445）' }) payerAccountMasked!: string;
  @ApiProperty() remark!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty() at!: string;
}

export class FollowUpAnswerView {
  @ApiProperty({ description: 'false：此前已就同一笔到账联系过该单位，不再重复发信' }) created!: boolean;
  @ApiProperty({ type: FollowUpView }) followUp!: FollowUpView;
}

export class InstitutionHitView {
  @ApiProperty() institutionId!: string;
  @ApiProperty() name!: string;
}

export class InstitutionSearchView {
  @ApiProperty({ type: [InstitutionHitView] }) items!: InstitutionHitView[];
}
