import type { PoolClient } from 'pg';
import { buildInvoiceDocument, formatInvoiceNumber, renderInvoicePdf, renderInvoiceXml, type InvoiceItemInput, type InvoiceKind, type InvoiceParty } from '../invoicing';

export interface InvoiceRequest {
  readonly kind: InvoiceKind;
  readonly issuedAt: string;
  readonly buyer: InvoiceParty;
  readonly items: readonly InvoiceItemInput[];
  readonly remark: string;
}

export interface IssuedFile {
  readonly format: 'pdf' | 'xml' | 'ofd';
  readonly contentType: string;
  readonly content: Buffer;
}

export interface IssuedInvoice {
  readonly number: string;
  readonly amountFen: number;
  readonly amountInWords: string;
  readonly files: readonly IssuedFile[];
}

/**
 * The port to whoever issues e-invoices. The built-in issuer numbers and renders them itself; a tax-platform
 * (乐企/税务数字账户) adapter would implement the same port. `client` is the transaction the invoice is recorded in.
 */
export interface InvoiceIssuer {
  issue(request: InvoiceRequest, client: PoolClient): Promise<IssuedInvoice>;
}
export const INVOICE_ISSUER = Symbol('INVOICE_ISSUER');

export interface BuiltInIssuerSettings {
  readonly seller: InvoiceParty;
  readonly provinceCode: string;
  readonly channel: string;
  readonly drawer: string;
}

/**
 * Numbers come from a counter row bumped in the caller's transaction: the row lock serialises issuers and a rolled-back
 * issuance returns its number, so the series has no gaps (a PostgreSQL sequence would leave them).
 */
export class BuiltInInvoiceIssuer implements InvoiceIssuer {
  constructor(private readonly settings: BuiltInIssuerSettings) {}

  async issue(request: InvoiceRequest, client: PoolClient): Promise<IssuedInvoice> {
    const issueYear = Number(new Date(Date.parse(request.issuedAt) + 8 * 3_600_000).toISOString().slice(0, 4));
    const series = `${String(issueYear % 100).padStart(2, '0')}${this.settings.provinceCode}${this.settings.channel}`;
    const r = await client.query<{ last_value: string }>(
      `insert into billing_invoice_counters (series, last_value) values ($1, 1)
       on conflict (series) do update set last_value = billing_invoice_counters.last_value + 1 returning last_value`,
      [series],
    );
    const number = formatInvoiceNumber({ issueYear, provinceCode: this.settings.provinceCode, channel: this.settings.channel, sequence: Number(r.rows[0].last_value) });
    const doc = buildInvoiceDocument({ number, issuedAt: request.issuedAt, kind: request.kind, buyer: request.buyer, seller: this.settings.seller, items: request.items, remark: request.remark, drawer: this.settings.drawer });
    const pdf = await renderInvoicePdf(doc);
    const xml = Buffer.from(renderInvoiceXml(doc), 'utf8');
    return {
      number,
      amountFen: doc.totals.totalFen,
      amountInWords: doc.totals.totalInWords,
      files: [
        { format: 'pdf', contentType: 'application/pdf', content: pdf },
        { format: 'xml', contentType: 'application/xml', content: xml },
      ],
    };
  }
}
