import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_STATUSES } from './dto';

/**
 * Answer shapes of billing's endpoints, for the OpenAPI document only (the portal's and console's typed client is
 * generated from it). The controllers build the answers as plain objects; these classes describe them.
 */
export class TermPolicyView {
  @ApiProperty({ type: String, nullable: true, description: '入会截止日 MM-DD（此日及以后确认的新申请，缴费年度从次年1月1日起算）' }) lateJoinCutoff!: string | null;
}

export class QuoteView {
  @ApiProperty({ description: '会费（分/年）' }) feePerYearFen!: number;
  @ApiProperty({ description: '资格期限（年）' }) years!: number;
  @ApiProperty({ description: '应付金额（分）' }) amountDueFen!: number;
  @ApiProperty({ description: '会费标准版本' }) scheduleVersion!: string;
  @ApiProperty({ description: '会员资格' }) qualificationName!: string;
  @ApiProperty({ description: '人员规模' }) staffTierName!: string;
  @ApiProperty({ description: '待确认的占位会费' }) placeholder!: boolean;
  @ApiProperty({ description: '应付金额（大写）', example: '壹万捌仟元整' }) amountInWords!: string;
  @ApiProperty({ description: '缴费年度起始日（今天确认的新申请）' }) termStart!: string;
  @ApiProperty({ description: '资格截止日' }) termEnd!: string;
  @ApiProperty({ description: '缴费年度从次年1月1日起算' }) startsNextYear!: boolean;
  @ApiProperty({ description: '同 termEnd（旧字段名）' }) validityEnd!: string;
}

export class QualificationTierView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: '会费（分/年）' }) feePerYearFen!: number;
  @ApiProperty() placeholder!: boolean;
}

export class QualificationView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [QualificationTierView] }) tiers!: QualificationTierView[];
}

export class YearsView {
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
}

export class QualificationsView {
  @ApiProperty({ type: String, nullable: true }) scheduleVersion!: string | null;
  @ApiProperty({ type: TermPolicyView, nullable: true }) termPolicy!: TermPolicyView | null;
  @ApiProperty({ type: YearsView }) years!: YearsView;
  @ApiProperty({ type: [QualificationView] }) qualifications!: QualificationView[];
}

export class PayeeView {
  @ApiProperty({ description: '户名' }) accountName!: string;
  @ApiProperty({ description: '开户行' }) bankName!: string;
  @ApiProperty({ description: '账号' }) accountNumber!: string;
}

export class OrderView {
  @ApiProperty() orderId!: string;
  @ApiProperty() applicationId!: string;
  @ApiProperty() institutionId!: string;
  @ApiProperty() institutionName!: string;
  @ApiProperty() qualificationCode!: string;
  @ApiProperty() qualificationName!: string;
  @ApiProperty() staffTierCode!: string;
  @ApiProperty() staffTierName!: string;
  @ApiProperty() years!: number;
  @ApiProperty() termStart!: string;
  @ApiProperty() termEnd!: string;
  @ApiProperty({ description: '会费（分/年）' }) feePerYearFen!: number;
  @ApiProperty({ description: '应付金额（分）' }) amountDueFen!: number;
  @ApiProperty({ description: '已付金额（分）' }) amountPaidFen!: number;
  @ApiProperty({ description: '尚欠金额（分）' }) remainingFen!: number;
  @ApiProperty({ description: '多付金额（分）' }) creditFen!: number;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: (typeof ORDER_STATUSES)[number];
  @ApiProperty() scheduleVersion!: string;
  @ApiProperty({ description: '缴费识别码' }) paymentCode!: string;
  @ApiProperty({ description: '转账附言' }) transferRemark!: string;
  @ApiProperty({ description: '发票抬头' }) invoiceTitle!: string;
  @ApiProperty({ type: String, nullable: true, description: '统一社会信用代码' }) creditCode!: string | null;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: '付清日期' }) paidOn!: string | null;
  @ApiProperty({ type: PayeeView }) payee!: PayeeView;
}

export class OrderListView {
  @ApiProperty({ type: [OrderView] }) items!: OrderView[];
}

export class OrderInvoiceView {
  @ApiProperty() invoiceId!: string;
  @ApiProperty({ description: '发票号码' }) invoiceNumber!: string;
  @ApiProperty({ description: '票据种类' }) documentKind!: string;
  @ApiProperty({ description: '开具方式（本系统/外部上传）' }) source!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ description: '金额（分）' }) amountFen!: number;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: '红冲/更正的原发票' }) correctsInvoiceId!: string | null;
}

export class OrderDetailView extends OrderView {
  @ApiProperty({ type: [OrderInvoiceView] }) invoices!: OrderInvoiceView[];
}

export class InvoiceDocumentView {
  @ApiProperty({ enum: ['pdf', 'xml', 'ofd'] }) format!: string;
  @ApiProperty() documentId!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty({ description: '字节数' }) size!: number;
}

export class InvoiceView extends OrderInvoiceView {
  @ApiProperty() orderId!: string;
  @ApiProperty() institutionId!: string;
  @ApiProperty({ description: '购买方名称' }) buyerName!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: '购买方统一社会信用代码' }) buyerCreditCode?: string | null;
  @ApiProperty({ type: [InvoiceDocumentView] }) documents!: InvoiceDocumentView[];
}

export class InvoiceListView {
  @ApiProperty({ type: [InvoiceView] }) items!: InvoiceView[];
}
