import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBase64, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { defineContract } from '../contract';
import { IsFen } from '../shared';

export const BILLING_TOPIC = 'billing.events.v1';

/** Five Crockford base32 characters and a check character (billing's makePaymentCode). */
const PAYMENT_CODE = /^[0-9A-HJKMNP-TV-Z]{5}[0-9A-HJKMNP-TV-Z*~$=U]$/;

export class PayeeV1 {
  @IsString() @MaxLength(100) accountName!: string;
  @IsString() @MaxLength(100) bankName!: string;
  @Matches(/^\d{8,32}$/) accountNumber!: string;
}

export class PaymentOrderIssuedV1 {
  @IsUUID() orderId!: string;
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 200) institutionName!: string;
  @IsFen() feePerYearFen!: number;
  @IsInt() @Min(1) @Max(10) years!: number;
  @IsFen() amountDueFen!: number;
  @IsString() @MaxLength(60) amountInWords!: string;
  @IsString() @MaxLength(40) scheduleVersion!: string;
  @ValidateNested() @Type(() => PayeeV1) payee!: PayeeV1;
  @IsString() @MaxLength(250) transferRemark!: string;
  @Matches(PAYMENT_CODE) paymentCode!: string;
  @IsISO8601() issuedAt!: string;
}

const exampleOrder: PaymentOrderIssuedV1 = {
  orderId: '3e1d2e3f-3333-4a55-9f77-2d1c1f7f0a05',
  applicationId: '7c1d2e3f-1111-4a55-9f77-2d1c1f7f0a03',
  institutionId: '0b7f6c1e-4a55-4c55-9f77-2d1c1f7f0a01',
  institutionName: '企业机构测试',
  feePerYearFen: 600000,
  years: 3,
  amountDueFen: 1800000,
  amountInWords: '壹万捌仟元整',
  scheduleVersion: '2026-01',
  payee: { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' },
  transferRemark: '企业机构测试+会费',
  paymentCode: '7K3M9Q',
  issuedAt: '2026-09-01T01:05:01.000Z',
};

export const PaymentOrderIssued = defineContract({ type: 'billing.PaymentOrderIssued', schemaVersion: 1, topic: BILLING_TOPIC, payload: PaymentOrderIssuedV1, example: exampleOrder });

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The term an order pays for, as membership's ApplicationSubmitted set it (Asia/Shanghai calendar dates).
 * `activeFromPayment`: a new membership (or an expired one restarting) is active from the day the payment arrives;
 * false for a renewal continuing a running term. `startsNextYear`: confirmed on or after the fee schedule's late-join
 * cut-off, the paid years start on 1 January of the next year (`termStart`) while the membership is active from payment.
 */
export class PaymentCoverageV1 {
  @IsIn(['new', 'renewal']) kind!: 'new' | 'renewal';
  @Matches(DATE) termStart!: string;
  @Matches(DATE) termEnd!: string;
  @IsBoolean() activeFromPayment!: boolean;
  @IsBoolean() startsNextYear!: boolean;
}

/**
 * v2 because the payment instructions must state the exact coverage dates of the term being paid, as the quote, the
 * payment page and the invoice do. Billing publishes only v2 from now on; v1 stays registered so messages already on
 * the topic still parse, and consumers read them through `upcastPaymentOrderIssuedV1` (coverage unknown: null).
 */
export class PaymentOrderIssuedV2 extends PaymentOrderIssuedV1 {
  /** Null only for an order announced as v1 (before billing recorded the term). */
  @ValidateIf((o: PaymentOrderIssuedV2) => o.coverage !== null) @IsObject() @ValidateNested() @Type(() => PaymentCoverageV1) coverage!: PaymentCoverageV1 | null;
}
export const PaymentOrderIssuedV2Contract = defineContract({
  type: 'billing.PaymentOrderIssued',
  schemaVersion: 2,
  topic: BILLING_TOPIC,
  payload: PaymentOrderIssuedV2,
  example: { ...exampleOrder, coverage: { kind: 'new', termStart: '2026-09-01', termEnd: '2028-12-31', activeFromPayment: true, startsNextYear: false } },
});

/** A v1 order as v2: v1 did not carry the term, so its coverage is unknown (null), never guessed. */
export function upcastPaymentOrderIssuedV1(data: PaymentOrderIssuedV1): PaymentOrderIssuedV2 {
  return { ...data, coverage: null };
}

export class PaymentOrderSettlementV1 {
  @IsUUID() orderId!: string;
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsFen() amountDueFen!: number;
  @IsFen() amountPaidFen!: number;
  @IsArray() @IsUUID('all', { each: true }) transferIds!: string[];
  @Matches(/^\d{4}-\d{2}-\d{2}$/) paidOn!: string;
  @IsISO8601() at!: string;
}

const exampleSettlement: PaymentOrderSettlementV1 = {
  orderId: exampleOrder.orderId,
  applicationId: exampleOrder.applicationId,
  institutionId: exampleOrder.institutionId,
  amountDueFen: 1800000,
  amountPaidFen: 1800000,
  transferIds: ['4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06'],
  paidOn: '2026-09-03',
  at: '2026-09-03T02:00:00.000Z',
};

export const PaymentOrderPaid = defineContract({ type: 'billing.PaymentOrderPaid', schemaVersion: 1, topic: BILLING_TOPIC, payload: PaymentOrderSettlementV1, example: exampleSettlement });
export const PaymentOrderPartiallyPaid = defineContract({
  type: 'billing.PaymentOrderPartiallyPaid',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: PaymentOrderSettlementV1,
  example: { ...exampleSettlement, amountPaidFen: 600000 },
});

export class OverpaymentRecordedV1 extends PaymentOrderSettlementV1 {
  @IsFen() creditFen!: number;
}
export const OverpaymentRecorded = defineContract({
  type: 'billing.OverpaymentRecorded',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: OverpaymentRecordedV1,
  example: { ...exampleSettlement, amountPaidFen: 1900000, creditFen: 100000 },
});

export class PaymentOrderCancelledV1 {
  @IsUUID() orderId!: string;
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @MaxLength(500) reason!: string;
  @IsISO8601() at!: string;
}
export const PaymentOrderCancelled = defineContract({
  type: 'billing.PaymentOrderCancelled',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: PaymentOrderCancelledV1,
  example: { orderId: exampleOrder.orderId, applicationId: exampleOrder.applicationId, institutionId: exampleOrder.institutionId, reason: '申请已取消', at: '2026-09-02T01:05:00.000Z' },
});

export class TransferV1 {
  @IsUUID() transferId!: string;
  @IsUUID() statementId!: string;
  @IsString() @MaxLength(100) bankReference!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) bookedOn!: string;
  @IsFen() amountFen!: number;
  @IsString() @MaxLength(200) payerName!: string;
  @IsString() @MaxLength(64) payerAccount!: string;
  @IsString() @MaxLength(500) remark!: string;
  @IsISO8601() at!: string;
}
const exampleTransfer: TransferV1 = {
  transferId: '4f1d2e3f-4444-4a55-9f77-2d1c1f7f0a06',
  statementId: '5a1d2e3f-5555-4a55-9f77-2d1c1f7f0a07',
  bankReference: 'BOB20260903000123',
  bookedOn: '2026-09-03',
  amountFen: 1800000,
  payerName: '企业机构测试',
  payerAccount: '6222020200112233445',
  remark: '企业机构测试＋ 会费',
  at: '2026-09-03T02:00:00.000Z',
};
export const TransferImported = defineContract({ type: 'billing.TransferImported', schemaVersion: 1, topic: BILLING_TOPIC, payload: TransferV1, example: exampleTransfer });
export const TransferUnmatched = defineContract({ type: 'billing.TransferUnmatched', schemaVersion: 1, topic: BILLING_TOPIC, payload: TransferV1, example: exampleTransfer });

/** The settled order a transfer most likely pays a second time: scored as if it were still due. */
export class PossibleDuplicateV2 {
  @IsUUID() orderId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 200) institutionName!: string;
  @Matches(PAYMENT_CODE) paymentCode!: string;
  @IsFen() amountDueFen!: number;
  @IsNumber() @Min(0) @Max(1) confidence!: number;
}

/**
 * v2 because finance tooling reading the topic needs to know why no order took the transfer and, when it repeats a
 * recently settled order's payment, which order, without parsing the unmatched inbox's note text. Billing publishes
 * only v2 from now on; v1 stays registered so messages already on the topic still parse.
 */
export class TransferUnmatchedV2 extends TransferV1 {
  /** The reconciler's notes as the unmatched inbox shows them (Chinese, for finance staff). */
  @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(500, { each: true }) notes!: string[];
  @IsOptional() @ValidateNested() @Type(() => PossibleDuplicateV2) possibleDuplicateOf?: PossibleDuplicateV2;
}
export const TransferUnmatchedV2Contract = defineContract({
  type: 'billing.TransferUnmatched',
  schemaVersion: 2,
  topic: BILLING_TOPIC,
  payload: TransferUnmatchedV2,
  example: {
    ...exampleTransfer,
    notes: ['可能为已结清订单的重复付款：企业机构测试（缴费码 7K3M9Q，应付 18,000.00元，匹配度 97%），请核实后退款或结转'],
    possibleDuplicateOf: {
      orderId: exampleOrder.orderId,
      institutionId: exampleOrder.institutionId,
      institutionName: exampleOrder.institutionName,
      paymentCode: exampleOrder.paymentCode,
      amountDueFen: exampleOrder.amountDueFen,
      confidence: 0.97,
    },
  },
});

export class MatchAllocationV1 {
  @IsUUID() orderId!: string;
  @IsFen() amountFen!: number;
}
export class PaymentMatchedV1 {
  @IsUUID() matchId!: string;
  @IsUUID() transferId!: string;
  @ValidateNested({ each: true }) @Type(() => MatchAllocationV1) @ArrayMinSize(1) allocations!: MatchAllocationV1[];
  @IsIn(['auto', 'manual']) mode!: 'auto' | 'manual';
  @IsNumber() @Min(0) @Max(1) confidence!: number;
  @IsArray() @IsString({ each: true }) reasons!: string[];
  @IsOptional() @IsString() @MaxLength(100) actor?: string;
  @IsISO8601() at!: string;
}
export const PaymentMatched = defineContract({
  type: 'billing.PaymentMatched',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: PaymentMatchedV1,
  example: {
    matchId: '6b1d2e3f-6666-4a55-9f77-2d1c1f7f0a08',
    transferId: exampleTransfer.transferId,
    allocations: [{ orderId: exampleOrder.orderId, amountFen: 1800000 }],
    mode: 'auto',
    confidence: 0.97,
    reasons: ['金额一致', '户名相似 100%', '附言与单位名称一致'],
    at: '2026-09-03T02:00:00.000Z',
  },
});

export class InvoiceDocumentRefV1 {
  @IsIn(['pdf', 'xml', 'ofd']) format!: 'pdf' | 'xml' | 'ofd';
  @IsString() @MaxLength(200) documentId!: string;
  @IsString() @MaxLength(100) contentType!: string;
  @Matches(/^[0-9a-f]{64}$/) sha256!: string;
  @IsInt() @Min(1) @Max(2 * 1024 * 1024) size!: number;
  /** The document itself (base64), so notification can attach it without calling billing (services share nothing but events). */
  @IsOptional() @IsBase64() contentBase64?: string;
}
export class InvoiceIssuedV1 {
  @IsUUID() invoiceId!: string;
  @Matches(/^\d{20}$|^[A-Za-z0-9-]{4,40}$/) invoiceNumber!: string;
  @IsIn(['vat_digital_invoice', 'dues_receipt']) documentKind!: 'vat_digital_invoice' | 'dues_receipt';
  @IsUUID() orderId!: string;
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 200) buyerName!: string;
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/) buyerCreditCode!: string;
  @IsFen() amountFen!: number;
  @IsString() @MaxLength(60) amountInWords!: string;
  @ValidateNested({ each: true }) @Type(() => InvoiceDocumentRefV1) @ArrayMinSize(1) documents!: InvoiceDocumentRefV1[];
  @IsOptional() @IsUUID() correctsInvoiceId?: string;
  @IsISO8601() issuedAt!: string;
}
export const InvoiceIssued = defineContract({
  type: 'billing.InvoiceIssued',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: InvoiceIssuedV1,
  example: {
    invoiceId: '7c1d2e3f-7777-4a55-9f77-2d1c1f7f0a09',
    invoiceNumber: '26112000000000000001',
    documentKind: 'vat_digital_invoice',
    orderId: exampleOrder.orderId,
    applicationId: exampleOrder.applicationId,
    institutionId: exampleOrder.institutionId,
    buyerName: '企业机构测试',
    buyerCreditCode: '91350100M000100Y43',
    amountFen: 1800000,
    amountInWords: '壹万捌仟元整',
    documents: [
      { format: 'pdf', documentId: 'invoices/26112000000000000001.pdf', contentType: 'application/pdf', sha256: 'a'.repeat(64), size: 48213 },
      { format: 'xml', documentId: 'invoices/26112000000000000001.xml', contentType: 'application/xml', sha256: 'b'.repeat(64), size: 2311 },
    ],
    issuedAt: '2026-09-03T02:00:05.000Z',
  },
});

export class FeeEntryV1 {
  @IsString() @Length(1, 40) qualificationCode!: string;
  @IsString() @Length(1, 100) qualificationName!: string;
  @IsString() @Length(1, 40) tierCode!: string;
  @IsString() @Length(1, 100) tierName!: string;
  @IsFen() feePerYearFen!: number;
}
/** Finance published a fee-schedule version (effective-dated); quotes and new orders use it from `effectiveFrom`. */
export class FeeScheduleVersionPublishedV1 {
  @IsString() @Length(1, 40) versionId!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) effectiveFrom!: string;
  @ValidateNested({ each: true }) @Type(() => FeeEntryV1) @ArrayMinSize(1) entries!: FeeEntryV1[];
  @IsString() @MaxLength(100) publishedBy!: string;
  @IsISO8601() publishedAt!: string;
}
export const FeeScheduleVersionPublished = defineContract({
  type: 'billing.FeeScheduleVersionPublished',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: FeeScheduleVersionPublishedV1,
  example: {
    versionId: '2027-01',
    effectiveFrom: '2027-01-01',
    entries: [
      { qualificationCode: 'enterprise', qualificationName: '企业会员', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 600000 },
      { qualificationCode: 'unit', qualificationName: '单位会员', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 100000 },
    ],
    publishedBy: 'finance-1',
    publishedAt: '2026-12-01T02:00:00.000Z',
  },
});

/** An entry of a v2 announcement: whether its fee is still an invented figure awaiting finance's decision. */
export class FeeEntryV2 extends FeeEntryV1 {
  @IsBoolean() placeholder!: boolean;
}
/**
 * The version's term policy: applications confirmed on or after `lateJoinCutoff` (month-day, Asia/Shanghai) start
 * their paid term on 1 January of the next year; null: no cut-off (the term starts on the payment day).
 */
export class TermPolicyV1 {
  @IsOptional() @Matches(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/) lateJoinCutoff!: string | null;
}
/**
 * v2 because consumers must know which fees are placeholders (not to be offered as real) and the version's term
 * policy (December joiners). Billing publishes only v2 from now on; v1 stays registered so messages already on the
 * topic still parse (consumers read a v1 entry as confirmed and a v1 version as having no cut-off).
 */
export class FeeScheduleVersionPublishedV2 {
  @IsString() @Length(1, 40) versionId!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) effectiveFrom!: string;
  @ValidateNested({ each: true }) @Type(() => FeeEntryV2) @ArrayMinSize(1) entries!: FeeEntryV2[];
  @ValidateNested() @Type(() => TermPolicyV1) termPolicy!: TermPolicyV1;
  @IsString() @MaxLength(100) publishedBy!: string;
  @IsISO8601() publishedAt!: string;
}
export const FeeScheduleVersionPublishedV2Contract = defineContract({
  type: 'billing.FeeScheduleVersionPublished',
  schemaVersion: 2,
  topic: BILLING_TOPIC,
  payload: FeeScheduleVersionPublishedV2,
  example: {
    versionId: '2027-01',
    effectiveFrom: '2027-01-01',
    entries: [
      { qualificationCode: 'enterprise', qualificationName: '企业会员', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 600000, placeholder: false },
      { qualificationCode: 'council', qualificationName: '理事单位（特级会员）', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 1000000, placeholder: true },
    ],
    termPolicy: { lateJoinCutoff: '12-01' },
    publishedBy: 'finance-1',
    publishedAt: '2026-12-01T02:00:00.000Z',
  },
});

/**
 * Finance corrected one fee of a version that is not in effect yet (a version in effect is never edited: a new one is
 * published). The version as announced by FeeScheduleVersionPublished is stale from here on for this entry, and the
 * entry is no longer a placeholder (a fee finance has set is confirmed).
 */
export class FeeChangedV1 {
  @IsString() @Length(1, 40) versionId!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) effectiveFrom!: string;
  @ValidateNested() @Type(() => FeeEntryV1) entry!: FeeEntryV1;
  @IsFen() previousFeePerYearFen!: number;
  @IsString() @Length(1, 500) reason!: string;
  @IsString() @MaxLength(100) changedBy!: string;
  @IsISO8601() changedAt!: string;
}
export const FeeChanged = defineContract({
  type: 'billing.FeeChanged',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: FeeChangedV1,
  example: {
    versionId: '2027-01',
    effectiveFrom: '2027-01-01',
    entry: { qualificationCode: 'enterprise', qualificationName: '企业会员', tierCode: '1-30', tierName: '1-30人', feePerYearFen: 500000 },
    previousFeePerYearFen: 600000,
    reason: '理事会决议调整企业会员会费',
    changedBy: 'finance-1',
    changedAt: '2026-12-05T02:00:00.000Z',
  },
});

/** Finance reversed a payment applied to an order (a wrong match): the order is back to what remains paid. */
export class PaymentReversedV1 {
  @IsUUID() orderId!: string;
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsUUID() transferId!: string;
  @IsFen() amountFen!: number;
  @IsFen() amountDueFen!: number;
  @IsFen() amountPaidFen!: number;
  @IsIn(['unpaid', 'partially_paid', 'paid', 'overpaid']) status!: 'unpaid' | 'partially_paid' | 'paid' | 'overpaid';
  @IsString() @Length(1, 500) reason!: string;
  @IsString() @MaxLength(100) reversedBy!: string;
  @IsISO8601() at!: string;
}
export const PaymentReversed = defineContract({
  type: 'billing.PaymentReversed',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: PaymentReversedV1,
  example: {
    orderId: exampleOrder.orderId,
    applicationId: exampleOrder.applicationId,
    institutionId: exampleOrder.institutionId,
    transferId: exampleTransfer.transferId,
    amountFen: 1800000,
    amountDueFen: 1800000,
    amountPaidFen: 0,
    status: 'unpaid',
    reason: '匹配错误：该笔到账属于同名的另一单位',
    reversedBy: 'finance-1',
    at: '2026-09-04T02:00:00.000Z',
  },
});

/** 红冲: an invoice was reversed; when re-issued, the new invoice follows as InvoiceIssued with correctsInvoiceId. */
export class InvoiceReversedV1 {
  @IsUUID() invoiceId!: string;
  @Matches(/^\d{20}$|^[A-Za-z0-9-]{4,40}$/) invoiceNumber!: string;
  @IsUUID() orderId!: string;
  @IsUUID() applicationId!: string;
  @IsUUID() institutionId!: string;
  @IsString() @Length(1, 500) reason!: string;
  @IsString() @MaxLength(100) reversedBy!: string;
  @IsOptional() @IsUUID() replacedByInvoiceId?: string;
  @IsISO8601() at!: string;
}
export const InvoiceReversed = defineContract({
  type: 'billing.InvoiceReversed',
  schemaVersion: 1,
  topic: BILLING_TOPIC,
  payload: InvoiceReversedV1,
  example: {
    invoiceId: '7c1d2e3f-7777-4a55-9f77-2d1c1f7f0a09',
    invoiceNumber: '26112000000000000001',
    orderId: exampleOrder.orderId,
    applicationId: exampleOrder.applicationId,
    institutionId: exampleOrder.institutionId,
    reason: '购买方名称有误，红冲后重开',
    reversedBy: 'finance-1',
    replacedByInvoiceId: '8d1d2e3f-8888-4a55-9f77-2d1c1f7f0a10',
    at: '2026-09-05T02:00:00.000Z',
  },
});

export const billingContracts = [
  PaymentOrderIssued,
  PaymentOrderIssuedV2Contract,
  PaymentOrderPaid,
  PaymentOrderPartiallyPaid,
  OverpaymentRecorded,
  PaymentOrderCancelled,
  TransferImported,
  TransferUnmatched,
  TransferUnmatchedV2Contract,
  PaymentMatched,
  InvoiceIssued,
  FeeScheduleVersionPublished,
  FeeScheduleVersionPublishedV2Contract,
  FeeChanged,
  PaymentReversed,
  InvoiceReversed,
] as const;
