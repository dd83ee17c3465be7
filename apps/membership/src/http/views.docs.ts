import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CodeNameView, CoverageView } from './dto';

/**
 * Answer shapes of membership's endpoints, for the OpenAPI document only (the portal's and console's typed client is
 * generated from it). The answers are built as plain objects in views.ts and read-models.ts; these classes describe them.
 */
const APPLICATION_STATUSES = ['draft', 'submitted', 'awaiting_payment', 'paid', 'cancelled'];
const MEMBERSHIP_STATUSES = ['none', 'pending_payment', 'active', 'grace', 'expired', 'cancelled', 'payment_reversed'];

export class RegionView {
  @ApiProperty() provinceCode!: string;
  @ApiProperty() provinceName!: string;
  @ApiProperty() cityCode!: string;
  @ApiProperty() cityName!: string;
  @ApiProperty() districtCode!: string;
  @ApiProperty() districtName!: string;
}

export class MailingAddressView {
  @ApiProperty({ description: '签收人' }) recipient!: string;
  @ApiProperty({ description: '手机号码' }) mobile!: string;
  @ApiPropertyOptional({ description: '电话' }) landline?: string;
  @ApiProperty({ type: RegionView, description: '收货地址（省/市/区）' }) region!: RegionView;
  @ApiProperty({ description: '详细地址' }) street!: string;
  @ApiProperty({ description: '邮编' }) postcode!: string;
}

export class PayeeView {
  @ApiProperty({ description: '户名' }) accountName!: string;
  @ApiProperty({ description: '开户行' }) bankName!: string;
  @ApiProperty({ description: '账号' }) accountNumber!: string;
}

/** 支付信息 once billing issued the order. */
export class PaymentOrderView {
  @ApiProperty() orderId!: string;
  @ApiProperty({ description: '应付金额（分）' }) amountDueFen!: number;
  @ApiProperty({ description: '应付金额（大写）' }) amountDueInWords!: string;
  @ApiProperty({ example: '银行转账' }) method!: string;
  @ApiProperty({ type: PayeeView }) payee!: PayeeView;
  @ApiProperty({ description: '转账附言：<机构名称>+会费' }) transferRemark!: string;
  @ApiProperty({ description: '缴费识别码' }) paymentCode!: string;
}

/** 申请信息 / 支付信息 (applicationView). */
export class ApplicationView {
  @ApiProperty() applicationId!: string;
  @ApiProperty() institutionId!: string;
  @ApiProperty({ enum: ['new', 'renewal'], description: '新入会/续费' }) kind!: 'new' | 'renewal';
  @ApiProperty({ enum: APPLICATION_STATUSES }) status!: 'draft' | 'submitted' | 'awaiting_payment' | 'paid' | 'cancelled';
  @ApiProperty({ description: '单位名称' }) institutionName!: string;
  @ApiProperty({ description: '机构性质' }) organisationType!: string;
  @ApiProperty({ type: CodeNameView, description: '人员规模' }) staffTier!: CodeNameView;
  @ApiProperty({ type: CodeNameView, description: '会员资格' }) qualification!: CodeNameView;
  @ApiProperty({ description: '会费（分/年）' }) feePerYearFen!: number;
  @ApiProperty({ description: '资格期限（年）' }) years!: number;
  @ApiProperty({ description: '应付金额（分）' }) amountDueFen!: number;
  @ApiProperty({ description: '应付金额（大写）' }) amountDueInWords!: string;
  @ApiProperty() scheduleVersion!: string;
  @ApiProperty({ description: '会费为待确认的占位数值' }) feeIsPlaceholder!: boolean;
  @ApiPropertyOptional({ description: '续费时的会员资格编号' }) membershipId?: string;
  @ApiProperty({ description: '资格日期起（未缴费前为预计）' }) termStart!: string;
  @ApiProperty({ description: '资格日期止' }) termEnd!: string;
  @ApiProperty({ type: CoverageView }) coverage!: CoverageView;
  @ApiProperty() startedAt!: string;
  @ApiPropertyOptional({ type: MailingAddressView, description: '寄送地址（确认后）' }) mailingAddress?: MailingAddressView;
  @ApiPropertyOptional({ description: '发票抬头' }) invoiceTitle?: string;
  @ApiPropertyOptional({ description: '统一社会信用代码' }) creditCode?: string;
  @ApiPropertyOptional() submittedAt?: string;
  @ApiPropertyOptional({ type: [String], description: '提示（如信用代码与机构性质不符）' }) warnings?: string[];
  @ApiPropertyOptional({ type: PaymentOrderView }) paymentOrder?: PaymentOrderView;
  @ApiPropertyOptional({ description: '到账日期' }) paidOn?: string;
  @ApiPropertyOptional() cancelledAt?: string;
  @ApiPropertyOptional() cancelReason?: string;
}

/** GET /applications/{id} and the mailing-address change also say whether 修改寄送地址 is still allowed. */
export class ApplicationDetailView extends ApplicationView {
  @ApiProperty({ description: '证书寄出前可修改寄送地址' }) mailingAddressChangeable!: boolean;
}

export class ApplicationSummaryView {
  @ApiProperty() applicationId!: string;
  @ApiProperty() institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty({ enum: ['new', 'renewal'] }) kind!: 'new' | 'renewal';
  @ApiProperty({ enum: APPLICATION_STATUSES }) status!: string;
  @ApiProperty({ type: CodeNameView }) qualification!: CodeNameView;
  @ApiProperty() staffTierName!: string;
  @ApiProperty() organisationType!: string;
  @ApiProperty() years!: number;
  @ApiProperty() feePerYearFen!: number;
  @ApiProperty() amountDueFen!: number;
  @ApiProperty() termStart!: string;
  @ApiProperty() termEnd!: string;
  @ApiPropertyOptional({ type: PaymentOrderView }) paymentOrder?: PaymentOrderView;
  @ApiPropertyOptional() paidOn?: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class ApplicationListView {
  @ApiProperty({ type: [ApplicationSummaryView] }) items!: ApplicationSummaryView[];
}

export class ConfirmationDefaultsView {
  @ApiProperty({ description: '签收人' }) recipient!: string;
  @ApiProperty() mobile!: string;
  @ApiProperty() landline!: string;
  @ApiProperty({ type: RegionView, nullable: true }) region!: RegionView | null;
  @ApiProperty() street!: string;
  @ApiProperty() postcode!: string;
  @ApiProperty({ description: '发票抬头' }) invoiceTitle!: string;
  @ApiProperty({ description: '统一社会信用代码' }) creditCode!: string;
  @ApiProperty({ enum: ['last_confirmation', 'registration'], description: '上次确认的申请信息 / 注册资料' }) source!: 'last_confirmation' | 'registration';
  @ApiPropertyOptional() sourceApplicationId?: string;
}

export class TermView {
  @ApiProperty() applicationId!: string;
  @ApiProperty({ enum: ['new', 'renewal'] }) kind!: string;
  @ApiProperty() years!: number;
  @ApiProperty() paidOn!: string;
  @ApiProperty() validFrom!: string;
  @ApiProperty() validTo!: string;
  @ApiPropertyOptional({ description: '该期缴费已冲回，不再有效' }) paymentReversed?: boolean;
}

export class CertificateMailingView {
  @ApiProperty() applicationId!: string;
  @ApiProperty({ description: '承运商' }) carrier!: string;
  @ApiProperty({ description: '运单号' }) trackingNumber!: string;
  @ApiProperty() mailedAt!: string;
}

export class MembershipHistoryView {
  @ApiProperty({ type: [TermView] }) terms!: TermView[];
  @ApiProperty({ type: [CertificateMailingView] }) certificates!: CertificateMailingView[];
}

export class CurrentTermView {
  @ApiProperty() validFrom!: string;
  @ApiProperty() validTo!: string;
}

export class RenewedTermView extends CurrentTermView {
  @ApiProperty() applicationId!: string;
  @ApiProperty() years!: number;
  @ApiProperty() paidOn!: string;
}

/**
 * 我的会员资格. `status: 'none'` (not yet a member, nothing applied for) and `'pending_payment'` (an open application,
 * no membership yet) carry only institutionId, history and pendingApplicationId; the rest exists once a membership does.
 */
export class MembershipView {
  @ApiProperty({ enum: MEMBERSHIP_STATUSES, description: 'none 尚未申请；pending_payment 待缴费；active 有效；grace 宽限期；expired 已过期；cancelled 已取消；payment_reversed 缴费已冲回' })
  status!: 'none' | 'pending_payment' | 'active' | 'grace' | 'expired' | 'cancelled' | 'payment_reversed';
  @ApiProperty() institutionId!: string;
  @ApiPropertyOptional() membershipId?: string;
  @ApiPropertyOptional({ description: '会员编号' }) memberNumber?: string;
  @ApiPropertyOptional({ description: '入会日期' }) memberSince?: string;
  @ApiPropertyOptional({ type: CodeNameView }) qualification?: CodeNameView;
  @ApiPropertyOptional({ description: '当前资格起' }) validFrom?: string;
  @ApiPropertyOptional({ description: '已缴资格止' }) validTo?: string;
  @ApiPropertyOptional({ type: CurrentTermView, description: '今天所在的资格期' }) currentTerm?: CurrentTermView;
  @ApiPropertyOptional({ type: RenewedTermView, description: '已续费、尚未开始的资格期' }) renewedTerm?: RenewedTermView;
  @ApiPropertyOptional({ description: '会员证书待寄送' }) certificateDue?: boolean;
  @ApiPropertyOptional({ description: '进行中的申请（新入会或续费）' }) pendingApplicationId?: string;
  @ApiProperty({ type: MembershipHistoryView }) history!: MembershipHistoryView;
}

export class HistoryEntryView {
  @ApiProperty({ description: '全局位置（字符串形式的整数）' }) position!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() streamType!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: '事件类型' }) type!: string;
  @ApiProperty() at!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) actor?: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class HistoryView {
  @ApiProperty({ type: [HistoryEntryView] }) items!: HistoryEntryView[];
}

export class CertificateStatusView {
  @ApiProperty() due!: boolean;
  @ApiPropertyOptional() applicationId?: string;
  @ApiPropertyOptional({ type: MailingAddressView }) mailingAddress?: MailingAddressView;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '最近一次寄送（承运商、运单号、时间）' }) lastMailing?: Record<string, unknown>;
}

/** A row of the staff search and of the certificate lists. */
export class StaffMembershipView {
  @ApiProperty() membershipId!: string;
  @ApiProperty() institutionId!: string;
  @ApiPropertyOptional() institutionName?: string;
  @ApiPropertyOptional({ type: RegionView }) institutionRegion?: RegionView;
  @ApiProperty({ type: String, nullable: true }) memberNumber!: string | null;
  @ApiProperty({ enum: MEMBERSHIP_STATUSES }) status!: string;
  @ApiPropertyOptional({ type: CodeNameView }) qualification?: CodeNameView;
  @ApiProperty({ type: String, nullable: true }) memberSince!: string | null;
  @ApiProperty({ type: String, nullable: true }) validFrom!: string | null;
  @ApiProperty({ type: String, nullable: true }) validTo!: string | null;
  @ApiPropertyOptional({ type: CurrentTermView }) currentTerm?: CurrentTermView;
  @ApiPropertyOptional({ type: RenewedTermView }) renewedTerm?: RenewedTermView;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, nullable: true, description: '历次开通' }) terms!: Array<Record<string, unknown>> | null;
  @ApiProperty({ type: CertificateStatusView }) certificate!: CertificateStatusView;
}

export class MembershipSearchView {
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty({ type: [StaffMembershipView] }) items!: StaffMembershipView[];
}

export class CertificateListView {
  @ApiProperty({ type: [StaffMembershipView] }) items!: StaffMembershipView[];
}

export class CertificateMailedView {
  @ApiProperty() membershipId!: string;
  @ApiProperty({ type: String, nullable: true }) memberNumber!: string | null;
  @ApiProperty() carrier!: string;
  @ApiProperty() trackingNumber!: string;
}

export class StatusOverriddenView {
  @ApiProperty() membershipId!: string;
  @ApiProperty({ enum: MEMBERSHIP_STATUSES }) status!: string;
}

export class LifecycleRunView {
  @ApiProperty({ description: '运行日期（上海时间）' }) on!: string;
  @ApiProperty({ description: '检查的会员资格数' }) examined!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: '各类事件的条数' }) events!: Record<string, number>;
  @ApiProperty() failed!: number;
}
