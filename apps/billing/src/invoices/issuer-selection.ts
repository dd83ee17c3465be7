import type { BillingConfig } from '../config';
import { BuiltInInvoiceIssuer, type InvoiceIssuer } from './invoice-issuer';

/**
 * The InvoiceIssuer adapter INVOICE_ISSUER names (docs/adr/0002). `local` is the only one built so far; a tax-platform
 * adapter is added here as another case and BillingConfig then accepts its name.
 */
export function createInvoiceIssuer(c: BillingConfig): InvoiceIssuer {
  switch (c.INVOICE_ISSUER) {
    case 'local':
      return new BuiltInInvoiceIssuer({
        seller: {
          name: c.SELLER_NAME,
          creditCode: c.SELLER_CREDIT_CODE,
          ...(c.SELLER_ADDRESS.trim() ? { address: c.SELLER_ADDRESS.trim() } : {}),
          bankAccount: `${c.PAYEE_BANK_NAME} ${c.PAYEE_ACCOUNT_NUMBER}`,
        },
        provinceCode: c.INVOICE_PROVINCE_CODE,
        channel: c.INVOICE_CHANNEL,
        drawer: c.INVOICE_DRAWER.trim(),
        demo: c.INVOICE_DEMO,
      });
  }
}
