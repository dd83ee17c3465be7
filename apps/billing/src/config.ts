import { IsIn, IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BILLING_TOPIC, IDENTITY_TOPIC, MEMBERSHIP_TOPIC } from '@lsc/contracts';
import { BaseServiceConfig, loadConfig } from '@lsc/service-kit';
import { LSC_PAYEE } from './domain/payment-order';

export class BillingConfig extends BaseServiceConfig {
  /** The society's receiving account printed on every payment order (guide step 7). */
  @IsString() @MinLength(1) PAYEE_ACCOUNT_NAME = LSC_PAYEE.accountName;
  @IsString() @MinLength(1) PAYEE_BANK_NAME = LSC_PAYEE.bankName;
  @Matches(/^\d{8,32}$/) PAYEE_ACCOUNT_NUMBER = LSC_PAYEE.accountNumber;

  /** Seller on issued invoices. The credit code is a placeholder until finance supplies the society's real USCC. */
  @IsString() @MinLength(1) SELLER_NAME = '中国图书馆学会';
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/) SELLER_CREDIT_CODE = '51100000500000138A';
  @Matches(/^\d{2}$/) INVOICE_PROVINCE_CODE = '11';
  @Matches(/^\d$/) INVOICE_CHANNEL = '2';
  @IsIn(['vat_digital_invoice', 'dues_receipt']) INVOICE_KIND: 'vat_digital_invoice' | 'dues_receipt' = 'vat_digital_invoice';
  @IsString() @MinLength(1) INVOICE_DRAWER = '财务部';

  /**
   * Finance's auto-confirm level, in percent (env values are integers): a match is booked without a human only at or
   * above it and with no close runner-up. 90 is the reconciler's own default.
   */
  @IsInt() @Min(50) @Max(100) RECONCILE_AUTO_THRESHOLD_PERCENT = 90;

  /** Upload limit for statements and external invoices. */
  @IsInt() @Min(1024) UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

  /** Topics are configurable only so tests can use their own; production keeps the contract names. */
  @IsString() IDENTITY_TOPIC = IDENTITY_TOPIC;
  @IsString() MEMBERSHIP_TOPIC = MEMBERSHIP_TOPIC;
  @IsString() BILLING_TOPIC = BILLING_TOPIC;
}

export const loadBillingConfig = (env: NodeJS.ProcessEnv = process.env): BillingConfig =>
  loadConfig(BillingConfig, { SERVICE_NAME: 'billing', HTTP_PORT: 3003, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/billing' }, env);
