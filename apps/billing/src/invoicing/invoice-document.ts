import { amountInWords as capitalAmount } from '@lsc/validation';

/** The printable/structured content of one invoice; rendering (PDF, XML) reads only this model. */

export type InvoiceKind = 'vat_digital_invoice' | 'dues_receipt';

/** Integer percent (0, 1, 3, 6, 13) or 'exempt' (免税, the usual case for membership dues). */
export type TaxRate = number | 'exempt';

export const INVOICE_TITLES: Readonly<Record<InvoiceKind, string>> = {
  vat_digital_invoice: '电子发票（普通发票）',
  dues_receipt: '社会团体会费票据',
};

export interface InvoiceParty {
  /** 名称 / 发票抬头 */
  readonly name: string;
  /** 统一社会信用代码 / 纳税人识别号 */
  readonly creditCode: string;
  /** 地址、电话 (optional on a 数电票; printed when known). */
  readonly address?: string;
  /** 开户银行及账号 (optional). */
  readonly bankAccount?: string;
}

/** 商品和服务税收分类编码 (19 digits) and its 简称, printed as *简称*项目名称. */
export interface TaxClassification {
  readonly code: string;
  readonly shortName: string;
}

export interface InvoiceItem {
  /** As printed: *简称*名称. */
  readonly name: string;
  readonly taxClassificationCode: string;
  readonly spec: string;
  readonly unit: string;
  readonly quantity: number;
  readonly unitPriceFen: number;
  readonly amountFen: number;
  readonly taxRate: TaxRate;
  readonly taxFen: number;
}

export interface InvoiceTotals {
  readonly amountFen: number;
  readonly taxFen: number;
  readonly totalFen: number;
  /** 价税合计（大写）, e.g. 壹万捌仟元整 */
  readonly totalInWords: string;
}

export interface InvoiceDocument {
  readonly number: string;
  /** ISO-8601 instant; shown in Asia/Shanghai. */
  readonly issuedAt: string;
  readonly kind: InvoiceKind;
  readonly buyer: InvoiceParty;
  readonly seller: InvoiceParty;
  readonly items: readonly InvoiceItem[];
  readonly totals: InvoiceTotals;
  readonly remark: string;
  /** 开票人 */
  readonly drawer: string;
}

export type InvoiceItemInput = Omit<InvoiceItem, 'amountFen' | 'taxFen'>;

export interface InvoiceDocumentInput {
  readonly number: string;
  readonly issuedAt: string;
  readonly kind: InvoiceKind;
  readonly buyer: InvoiceParty;
  readonly seller: InvoiceParty;
  readonly items: readonly InvoiceItemInput[];
  readonly remark: string;
  readonly drawer: string;
}

export type AmountInWords = (fen: number) => string;

export const SELLER_NAME = '中国图书馆学会';
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export class InvoiceDocumentError extends Error {
  override readonly name = 'InvoiceDocumentError';
}

/** Half-up rounding in integer arithmetic: amount × percent / 100. */
export function taxFor(amountFen: number, rate: TaxRate): number {
  if (rate === 'exempt') return 0;
  if (!Number.isInteger(rate) || rate < 0 || rate > 100) throw new InvoiceDocumentError(`税率无效：${rate}`);
  return Math.floor((amountFen * rate + 50) / 100);
}

function checkParty(role: string, party: InvoiceParty): void {
  if (party.name.trim() === '') throw new InvoiceDocumentError(`${role}名称不能为空`);
  if (!CREDIT_CODE.test(party.creditCode)) throw new InvoiceDocumentError(`${role}统一社会信用代码格式错误：${party.creditCode}`);
}

function buildItem(input: InvoiceItemInput, index: number): InvoiceItem {
  if (!/^\d{19}$/.test(input.taxClassificationCode)) throw new InvoiceDocumentError(`第 ${index + 1} 行税收分类编码应为 19 位数字：${input.taxClassificationCode}`);
  if (!Number.isInteger(input.quantity) || input.quantity < 1) throw new InvoiceDocumentError(`第 ${index + 1} 行数量必须为正整数`);
  if (!Number.isSafeInteger(input.unitPriceFen) || input.unitPriceFen < 0) throw new InvoiceDocumentError(`第 ${index + 1} 行单价必须为非负整数（分）`);
  const amountFen = input.unitPriceFen * input.quantity;
  return { ...input, amountFen, taxFen: taxFor(amountFen, input.taxRate) };
}

/** Computes line amounts, tax and totals; `amountInWords` is replaceable for callers with their own 大写 rules. */
export function buildInvoiceDocument(input: InvoiceDocumentInput, amountInWords: AmountInWords = capitalAmount): InvoiceDocument {
  if (input.items.length === 0) throw new InvoiceDocumentError('发票至少需要一行项目');
  if (Number.isNaN(Date.parse(input.issuedAt))) throw new InvoiceDocumentError(`开票时间无效：${input.issuedAt}`);
  checkParty('购买方', input.buyer);
  checkParty('销售方', input.seller);
  const items = input.items.map(buildItem);
  const amountFen = items.reduce((s, i) => s + i.amountFen, 0);
  const taxFen = items.reduce((s, i) => s + i.taxFen, 0);
  const totalFen = amountFen + taxFen;
  return { ...input, items, totals: { amountFen, taxFen, totalFen, totalInWords: amountInWords(totalFen) } };
}

/** Dues of a 社会团体 are exempt from VAT (财税〔2017〕90号 第八条); BillingConfig explains the classification. */
export const DUES_TAX_CLASSIFICATION: TaxClassification = { code: '3079900000000000000', shortName: '生活服务' };

/** The single line of a membership-dues invoice: *生活服务*单位会员会费, spec = qualification + term. */
export function duesItem(input: { qualificationName: string; termStart: string; termEnd: string; years: number; feePerYearFen: number; taxRate?: TaxRate; classification?: TaxClassification }): InvoiceItemInput {
  const classification = input.classification ?? DUES_TAX_CLASSIFICATION;
  return {
    name: `*${classification.shortName}*单位会员会费`,
    taxClassificationCode: classification.code,
    spec: `${input.qualificationName} ${input.termStart}至${input.termEnd}`,
    unit: '年',
    quantity: input.years,
    unitPriceFen: input.feePerYearFen,
    taxRate: input.taxRate ?? 'exempt',
  };
}

export function formatTaxRate(rate: TaxRate): string {
  return rate === 'exempt' ? '免税' : `${rate}%`;
}
