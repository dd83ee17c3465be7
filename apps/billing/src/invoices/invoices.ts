import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { InvoiceIssued, InvoiceReversed, type InvoiceIssuedV1 } from '@lsc/contracts';
import { DomainError, PostgresEventStore, withTransaction, type CommandMetadata } from '@lsc/event-sourcing';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, CONFIG } from '@lsc/service-kit';
import { amountInWords } from '@lsc/validation';
import type { BillingConfig } from '../config';
import { checkInvoiceAgainstOrder, duesItem, InvoiceXmlError, parseUploadedInvoiceXml, type InvoiceKind } from '../invoicing';
import { fen } from '../shared';
import { INVOICE_ISSUER, type InvoiceIssuer, type IssuedFile } from './invoice-issuer';

export const invoiceStream = (invoiceId: string): string => `invoice-${invoiceId}`;

interface OrderRow {
  order_id: string;
  application_id: string;
  institution_id: string;
  qualification_name: string;
  term_start: string;
  term_end: string;
  years: number;
  fee_per_year_fen: string;
  amount_due_fen: string;
  invoice_title: string;
  credit_code: string;
  paid_on: string | null;
  payment_code: string;
}

const FILE_TYPES: Record<string, { format: 'pdf' | 'xml' | 'ofd'; contentType: string }> = {
  pdf: { format: 'pdf', contentType: 'application/pdf' },
  xml: { format: 'xml', contentType: 'application/xml' },
  ofd: { format: 'ofd', contentType: 'application/ofd' },
};

/** E-invoices for paid orders: issued through the InvoiceIssuer port, uploaded by finance, or re-issued (红冲). */
@Injectable()
export class Invoices {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    @Inject(INVOICE_ISSUER) private readonly issuer: InvoiceIssuer,
    @Inject(CONFIG) private readonly config: BillingConfig,
  ) {}

  private async order(client: PoolClient, orderId: string): Promise<OrderRow> {
    const r = await client.query<OrderRow>(
      `select order_id, application_id, institution_id, qualification_name, to_char(term_start, 'YYYY-MM-DD') as term_start, to_char(term_end, 'YYYY-MM-DD') as term_end, years,
              fee_per_year_fen, amount_due_fen, invoice_title, credit_code, to_char(paid_on, 'YYYY-MM-DD') as paid_on, payment_code
         from billing_orders where order_id = $1 for update`,
      [orderId],
    );
    if (!r.rows[0]) throw new DomainError('ORDER_NOT_FOUND', '缴费单不存在');
    return r.rows[0];
  }

  /** billing.PaymentOrderPaid → the dues invoice, once per order (an invoice already on file, issued or uploaded, wins). */
  async issueForPaidOrder(orderId: string, metadata: CommandMetadata, client: PoolClient): Promise<string | undefined> {
    const order = await this.order(client, orderId);
    const existing = await client.query('select 1 from billing_invoices where order_id = $1 and status = $2', [orderId, 'valid']);
    if (existing.rowCount) return undefined;
    return this.issueNew(client, order, metadata);
  }

  private async issueNew(client: PoolClient, order: OrderRow, metadata: CommandMetadata, correctsInvoiceId?: string): Promise<string> {
    const kind = this.config.INVOICE_KIND;
    const issued = await this.issuer.issue(
      {
        kind,
        issuedAt: metadata.now,
        buyer: { name: order.invoice_title, creditCode: order.credit_code },
        items: [duesItem({ qualificationName: order.qualification_name, termStart: order.term_start, termEnd: order.term_end, years: order.years, feePerYearFen: fen(order.fee_per_year_fen), classification: { code: this.config.INVOICE_TAX_CLASSIFICATION_CODE, shortName: this.config.INVOICE_TAX_CLASSIFICATION_NAME } })],
        remark: `缴费单 ${order.payment_code}；银行转账${order.paid_on ? ` ${order.paid_on}` : ''}${correctsInvoiceId ? '；红冲后重开' : ''}`,
      },
      client,
    );
    const invoiceId = randomUUID();
    await this.record(client, { invoiceId, number: issued.number, kind, source: 'issued', order, amountFen: issued.amountFen, files: issued.files, correctsInvoiceId, metadata });
    return invoiceId;
  }

  private async record(
    client: PoolClient,
    x: { invoiceId: string; number: string; kind: InvoiceKind; source: 'issued' | 'uploaded'; order: OrderRow; amountFen: number; files: readonly IssuedFile[]; correctsInvoiceId?: string; metadata: CommandMetadata; buyerName?: string; buyerCreditCode?: string },
  ): Promise<void> {
    const buyerName = x.buyerName ?? x.order.invoice_title;
    const buyerCreditCode = x.buyerCreditCode ?? x.order.credit_code;
    try {
      await client.query(
        `insert into billing_invoices (invoice_id, invoice_number, document_kind, source, order_id, institution_id, buyer_name, buyer_credit_code, amount_fen, status, corrects_invoice_id, issued_at, issued_by)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,'valid',$10,$11,$12)`,
        [x.invoiceId, x.number, x.kind, x.source, x.order.order_id, x.order.institution_id, buyerName, buyerCreditCode, x.amountFen, x.correctsInvoiceId ?? null, x.metadata.now, x.metadata.actor],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new DomainError('INVOICE_NUMBER_EXISTS', '该发票号码已登记', { invoiceNumber: x.number });
      throw err;
    }
    const documents: InvoiceIssuedV1['documents'] = [];
    for (const f of x.files) {
      const sha256 = createHash('sha256').update(f.content).digest('hex');
      const documentId = `invoices/${x.number}.${f.format}`;
      await client.query(`insert into billing_invoice_documents (document_id, invoice_id, format, content_type, content, sha256, size) values ($1,$2,$3,$4,$5,$6,$7)`, [
        documentId, x.invoiceId, f.format, f.contentType, f.content, sha256, f.content.length,
      ]);
      documents.push({ format: f.format, documentId, contentType: f.contentType, sha256, size: f.content.length, contentBase64: f.content.toString('base64') });
    }
    const data: InvoiceIssuedV1 = {
      invoiceId: x.invoiceId,
      invoiceNumber: x.number,
      documentKind: x.kind,
      orderId: x.order.order_id,
      applicationId: x.order.application_id,
      institutionId: x.order.institution_id,
      buyerName,
      buyerCreditCode,
      amountFen: x.amountFen,
      amountInWords: amountInWords(x.amountFen),
      documents,
      ...(x.correctsInvoiceId ? { correctsInvoiceId: x.correctsInvoiceId } : {}),
      issuedAt: x.metadata.now,
    };
    // The domain event keeps the facts and the documents' hashes; the bytes live in billing_invoice_documents.
    const eventData = { ...data, source: x.source, documents: documents.map(({ contentBase64: _omit, ...ref }) => ref) };
    await this.store.append(invoiceStream(x.invoiceId), 'invoice', 'no_stream', [{ eventId: randomUUID(), type: 'InvoiceRecorded', schemaVersion: 1, data: eventData, metadata: { correlationId: x.metadata.correlationId, actor: x.metadata.actor, occurredAt: x.metadata.now } }], {
      client,
      outbox: [{ topic: this.config.BILLING_TOPIC, key: x.order.order_id, event: { eventId: randomUUID(), streamId: x.invoiceId, occurredAt: x.metadata.now, correlationId: x.metadata.correlationId, type: InvoiceIssued.type, schemaVersion: 1, data } }],
    });
  }

  /** Finance attaches an invoice issued elsewhere; an uploaded 数电票 XML must agree with the order before it is accepted. */
  async attachExternal(orderId: string, input: { kind: InvoiceKind; invoiceNumber?: string; files: Array<{ filename: string; content: Buffer }> }, metadata: CommandMetadata): Promise<{ invoiceId: string; invoiceNumber: string }> {
    return withTransaction(this.pool, async (client) => {
      const order = await this.order(client, orderId);
      const files: IssuedFile[] = input.files.map((f) => {
        const ext = /\.([A-Za-z]+)$/.exec(f.filename)?.[1]?.toLowerCase() ?? '';
        const type = FILE_TYPES[ext];
        if (!type) throw new ApiError(415, 'UNSUPPORTED_INVOICE_FILE', `不支持的发票文件类型：${f.filename}（仅限 PDF、OFD、XML）`);
        return { ...type, content: f.content };
      });
      if (new Set(files.map((f) => f.format)).size !== files.length) throw new ApiError(400, 'DUPLICATE_INVOICE_FILE', '同一格式的发票文件只能上传一个');
      let number = input.invoiceNumber?.trim();
      const xml = files.find((f) => f.format === 'xml');
      if (xml) {
        let parsed;
        try {
          parsed = parseUploadedInvoiceXml(xml.content);
        } catch (err) {
          if (err instanceof InvoiceXmlError) throw new ApiError(422, 'INVOICE_XML_INVALID', err.message, err.problems.map((p) => ({ field: 'file', rule: 'invoiceXml', message: p })));
          throw err;
        }
        const mismatches = checkInvoiceAgainstOrder(parsed, { buyerName: order.invoice_title, creditCode: order.credit_code, amountFen: fen(order.amount_due_fen) });
        if (mismatches.length > 0) throw new ApiError(422, 'INVOICE_MISMATCH', `发票与缴费单不符：${mismatches.map((m) => m.message).join('；')}`, mismatches.map((m) => ({ field: m.field, rule: 'matchesOrder', message: m.message })));
        number = parsed.invoiceNumber;
      }
      if (!number || !/^\d{20}$|^[A-Za-z0-9-]{4,40}$/.test(number)) throw new ApiError(400, 'INVOICE_NUMBER_REQUIRED', '请填写发票/票据号码（或上传数电票 XML）');
      const invoiceId = randomUUID();
      await this.record(client, { invoiceId, number, kind: input.kind, source: 'uploaded', order, amountFen: fen(order.amount_due_fen), files, metadata });
      return { invoiceId, invoiceNumber: number };
    });
  }

  /** 红冲重开: the original is marked reversed (audited with the reason) and a new invoice names it in correctsInvoiceId. */
  async reissue(invoiceId: string, reason: string, metadata: CommandMetadata): Promise<{ invoiceId: string; correctsInvoiceId: string }> {
    return withTransaction(this.pool, async (client) => {
      const r = await client.query<{ order_id: string; status: string; invoice_number: string }>('select order_id, status, invoice_number from billing_invoices where invoice_id = $1 for update', [invoiceId]);
      const original = r.rows[0];
      if (!original) throw new DomainError('INVOICE_NOT_FOUND', '发票不存在');
      if (original.status !== 'valid') throw new DomainError('INVOICE_ALREADY_REVERSED', '该发票已红冲，不能重复红冲');
      const text = reason.trim();
      if (!text) throw new DomainError('INVALID_REASON', '请填写红冲原因');
      await client.query(`update billing_invoices set status = 'reversed' where invoice_id = $1`, [invoiceId]);
      const order = await this.order(client, original.order_id);
      const newId = await this.issueNew(client, order, metadata, invoiceId);
      const reversed = { invoiceId, invoiceNumber: original.invoice_number, reason: text, reversedBy: metadata.actor, at: metadata.now };
      // Published in the same transaction: the buyer's copy of the original is void, the new one follows as InvoiceIssued.
      const outbox = [
        {
          topic: this.config.BILLING_TOPIC,
          key: invoiceId,
          event: {
            eventId: randomUUID(),
            streamId: invoiceStream(invoiceId),
            occurredAt: metadata.now,
            correlationId: metadata.correlationId,
            type: InvoiceReversed.type,
            schemaVersion: InvoiceReversed.schemaVersion,
            data: { ...reversed, reversedBy: metadata.actor.slice(0, 100), orderId: order.order_id, applicationId: order.application_id, institutionId: order.institution_id, replacedByInvoiceId: newId },
          },
        },
      ];
      await this.store.append(invoiceStream(invoiceId), 'invoice', 'any', [{ eventId: randomUUID(), type: 'InvoiceReversed', schemaVersion: 1, data: { ...reversed, replacedByInvoiceId: newId }, metadata: { correlationId: metadata.correlationId, actor: metadata.actor, occurredAt: metadata.now } }], { client, outbox });
      return { invoiceId: newId, correctsInvoiceId: invoiceId };
    });
  }
}
