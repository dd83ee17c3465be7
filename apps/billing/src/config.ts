import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { Transform } from 'class-transformer';
import { IsCreditCode } from '@lsc/validation';
import { BILLING_TOPIC, IDENTITY_TOPIC, MEMBERSHIP_TOPIC } from '@lsc/contracts';
import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';
import { LSC_PAYEE } from './domain/payment-order';

export class BillingConfig extends BaseServiceConfig {
  /** The society's receiving account printed on every payment order (guide step 7) and on the invoice as the seller's bank. */
  @IsString() @MinLength(1) PAYEE_ACCOUNT_NAME = LSC_PAYEE.accountName;
  @IsString() @MinLength(1) PAYEE_BANK_NAME = LSC_PAYEE.bankName;
  // Corporate account numbers carry no public check digit (unlike UnionPay card numbers' Luhn digit): only the form is checked.
  @Matches(/^\d{8,32}$/, { message: 'PAYEE_ACCOUNT_NUMBER（收款账号）须为 8–32 位数字' }) PAYEE_ACCOUNT_NUMBER = LSC_PAYEE.accountNumber;

  /**
   * Seller on issued invoices. The default credit code is the society's code as far as known here, with its correct
   * check character; production sets the one on the society's registration certificate (deploy/k8s/overlays/prod).
   */
  @IsString() @MinLength(1) SELLER_NAME = '中国图书馆学会';
  @IsCreditCode('SELLER_CREDIT_CODE（销售方统一社会信用代码）') SELLER_CREDIT_CODE = '51100000500000138Q';
  /** 地址、电话 printed in the seller's cell; empty prints none. */
  @IsString() @MaxLength(200) SELLER_ADDRESS = '北京市海淀区中关村南大街33号';
  @Matches(/^\d{2}$/) INVOICE_PROVINCE_CODE = '11';
  @Matches(/^\d$/) INVOICE_CHANNEL = '2';
  @IsIn(['vat_digital_invoice', 'dues_receipt']) INVOICE_KIND: 'vat_digital_invoice' | 'dues_receipt' = 'vat_digital_invoice';
  /** 开票人: the person who issues invoices, as the tax platform records it; a department is refused. */
  @IsDrawerName() INVOICE_DRAWER = '王立新';
  /**
   * 商品和服务税收分类编码 and its 简称 (printed as *简称*项目名称). Dues of a 社会团体 are a service exempt from VAT
   * (财税〔2017〕90号 第八条), so they sit under 生活服务 → 其他生活服务 (3079900000000000000), not under 6 (不征税项目,
   * which is for receipts that are no sale at all). Finance confirms the code with its tax office.
   */
  @Matches(/^\d{19}$/, { message: 'INVOICE_TAX_CLASSIFICATION_CODE（税收分类编码）须为 19 位数字' }) INVOICE_TAX_CLASSIFICATION_CODE = '3079900000000000000';
  @Matches(/^[\u4e00-\u9fff]{2,10}$/, { message: 'INVOICE_TAX_CLASSIFICATION_NAME（税收分类简称）须为 2–10 个汉字' }) INVOICE_TAX_CLASSIFICATION_NAME = '生活服务';
  /** Who issues invoices (docs/adr/0002): `local` numbers and renders them here; a tax-platform adapter would be another value. */
  @IsIn(['local'], { message: 'INVOICE_ISSUER（开票方式）只能是 local（本地开具）；税务平台接口尚未接入' }) INVOICE_ISSUER = 'local' as const;
  /** A demo deployment says in every invoice's 备注 that the document was rendered locally and is no tax invoice. */
  @IsBoolean() INVOICE_DEMO = true;

  /**
   * Finance's auto-confirm level, in percent (env values are integers): a match is booked without a human only at or
   * above it and with no close runner-up. 90 is the reconciler's own default.
   */
  @IsInt() @Min(50) @Max(100) RECONCILE_AUTO_THRESHOLD_PERCENT = 90;

  /**
   * 双人复核 limit in fen: when set, a credit above it is booked only after a second, different finance user approves
   * (manual confirmations and matches become proposals; imports never book it automatically). Unset: immediate.
   */
  // Optional, so no numeric default tells loadConfig to convert: digits are turned into a number here.
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsOptional() @IsInt({ message: 'FOUR_EYES_FEN must be a whole number of fen (分)' }) @Min(1) FOUR_EYES_FEN?: number;

  /** Upload limit for statements and external invoices. */
  @IsInt() @Min(1024) UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

  /** Topics are configurable only so tests can use their own; production keeps the contract names. */
  @IsString() IDENTITY_TOPIC = IDENTITY_TOPIC;
  @IsString() MEMBERSHIP_TOPIC = MEMBERSHIP_TOPIC;
  @IsString() BILLING_TOPIC = BILLING_TOPIC;
}

export const loadBillingConfig = (env: NodeJS.ProcessEnv = process.env): BillingConfig =>
  loadConfig(BillingConfig, { SERVICE_NAME: 'billing', HTTP_PORT: 3003, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/billing' }, env);

const DEPARTMENT = /(部|办公室|中心|委员会|学会|协会|公司|会计|出纳)$|财务/;
const PERSON_NAME = /^(?:[\u4e00-\u9fff]{2,6}(?:·[\u4e00-\u9fff]{1,6})?|[A-Za-z][A-Za-z .'-]{1,39})$/;

/** 开票人 must be a person's name (2–6 汉字, a 少数民族 name with ·, or a Latin name), never a department such as 财务部. */
function IsDrawerName(): PropertyDecorator {
  return ValidateBy({
    name: 'isDrawerName',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && PERSON_NAME.test(value.trim()) && !DEPARTMENT.test(value.trim()),
      defaultMessage: () => 'INVOICE_DRAWER（开票人）须为开票人员的姓名（如 王立新），不能是部门名称（如 财务部）',
    },
  });
}
