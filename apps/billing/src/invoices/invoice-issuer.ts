import type { PoolClient } from 'pg';
import { afterTransaction } from '@lsc/event-sourcing';
import { buildInvoiceDocument, formatInvoiceNumber, renderInvoicePdf, renderInvoiceXml, type InvoiceDocument, type InvoiceItemInput, type InvoiceKind, type InvoiceParty } from '../invoicing';
import { NumberReservations } from './number-reservations';

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
 * The port to whoever issues e-invoices (docs/adr/0002). The built-in issuer (INVOICE_ISSUER=local, the default)
 * numbers and renders them itself; a tax-platform (乐企/税务数字账户) adapter would implement the same port and return
 * the platform's number and files. `client` is the transaction the invoice is recorded in.
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
  /** A demo deployment: every document says in its 备注 that it was rendered locally and is no tax invoice. */
  readonly demo?: boolean;
}

/** Appended to the 备注 of every document a demo deployment issues. */
export const DEMO_REMARK = '【演示】本票据由会员系统本地生成，未经税务机关发票平台开具，不作报销或记账凭证';

export type InvoiceRenderer = (doc: InvoiceDocument) => Promise<IssuedFile[]>;

const renderBoth: InvoiceRenderer = async (doc) => [
  { format: 'pdf', contentType: 'application/pdf', content: await renderInvoicePdf(doc) },
  { format: 'xml', contentType: 'application/xml', content: Buffer.from(renderInvoiceXml(doc), 'utf8') },
];

/** Attempts at claiming a predicted number before rendering under the counter lock (the old, always-correct way). */
const OPTIMISTIC_ATTEMPTS = 5;

/**
 * Numbers come from a counter row bumped in the caller's transaction: a rolled-back issuance returns its number, so
 * the series has no gaps (a PostgreSQL sequence would leave them). The number is printed on the documents, yet the
 * slow part (the PDF) is rendered BEFORE the counter row is locked: the next number is predicted, rendered, and then
 * claimed with a conditional bump (`last_value = predicted - 1`). If another issuer took it meanwhile the bump updates
 * nothing (no lock kept) and we predict again; only after several lost races is the document rendered under the lock.
 * The lock is therefore held from the bump to the caller's commit, not for renders.
 *
 * Concurrent issuers in this process predict past each other's numbers (NumberReservations) and each claims once the
 * lower numbers' transactions have ended, so under load each invoice is rendered once. Predicting from the committed
 * value alone rendered 371 documents for 200 invoices in `bench -- flow`, the losers waiting ~39 ms on the row lock
 * before rendering again.
 */
export class BuiltInInvoiceIssuer implements InvoiceIssuer {
  private readonly reservations = new NumberReservations();

  constructor(
    private readonly settings: BuiltInIssuerSettings,
    private readonly render: InvoiceRenderer = renderBoth,
  ) {}

  async issue(request: InvoiceRequest, client: PoolClient): Promise<IssuedInvoice> {
    const issueYear = Number(new Date(Date.parse(request.issuedAt) + 8 * 3_600_000).toISOString().slice(0, 4));
    const series = `${String(issueYear % 100).padStart(2, '0')}${this.settings.provinceCode}${this.settings.channel}`;
    const documentFor = (sequence: number) => {
      const number = formatInvoiceNumber({ issueYear, provinceCode: this.settings.provinceCode, channel: this.settings.channel, sequence });
      const remark = this.settings.demo ? [request.remark, DEMO_REMARK].filter((part) => part !== '').join('；') : request.remark;
      return buildInvoiceDocument({ number, issuedAt: request.issuedAt, kind: request.kind, buyer: request.buyer, seller: this.settings.seller, items: request.items, remark, drawer: this.settings.drawer });
    };
    let rendered: { sequence: number; doc: InvoiceDocument; files: IssuedFile[] } | undefined;
    for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
      const current = await client.query<{ last_value: string }>('select last_value from billing_invoice_counters where series = $1', [series]);
      // A series' first invoice (once a year) creates the row under its lock, below: inserting a placeholder here would
      // make every other issuer wait for this transaction anyway.
      if (current.rowCount === 0) break;
      const reservation = this.reservations.reserve(series, Number(current.rows[0].last_value));
      let claimed = false;
      try {
        const predicted = reservation.number;
        // A retry that predicts the number it already rendered (its predecessor was slow, not taken) reuses the files.
        if (rendered?.sequence !== predicted) {
          const doc = documentFor(predicted);
          rendered = { sequence: predicted, doc, files: await this.render(doc) };
        }
        // The lower numbers' transactions commit (the bump below then matches) or give their numbers back.
        await this.reservations.predecessorsEnded(reservation);
        // Waits only while another issuer that already bumped commits or rolls back; then re-checks the value.
        const bump = await client.query('update billing_invoice_counters set last_value = $2 where series = $1 and last_value = $3', [series, predicted, predicted - 1]);
        claimed = bump.rowCount === 1;
      } finally {
        // Claimed: the number stays reserved until the caller's transaction ends (its commit makes it the committed
        // value; its rollback gives it back). Outside a withTransaction the outcome is not known here, so it goes now.
        if (!claimed || !afterTransaction(client, () => reservation.release())) reservation.release();
      }
      if (claimed) return issued(rendered.doc, rendered.files);
    }
    const r = await client.query<{ last_value: string }>(
      `insert into billing_invoice_counters (series, last_value) values ($1, 1)
       on conflict (series) do update set last_value = billing_invoice_counters.last_value + 1 returning last_value`,
      [series],
    );
    const doc = documentFor(Number(r.rows[0].last_value));
    return issued(doc, await this.render(doc));
  }
}

const issued = (doc: InvoiceDocument, files: IssuedFile[]): IssuedInvoice => ({ number: doc.number, amountFen: doc.totals.totalFen, amountInWords: doc.totals.totalInWords, files });
