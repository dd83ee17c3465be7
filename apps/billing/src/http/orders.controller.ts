import { Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, CONFIG, CurrentPrincipal, isStaff, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import type { BillingConfig } from '../config';
import { Invoices } from '../invoices/invoices';
import { fen, metadataFor } from '../shared';
import { OrdersQuery } from './dto';
import { readMultipart } from './multipart';
import { OrderDetailView, OrderListView } from './views.docs';

const ORDER_COLUMNS = `order_id, application_id, institution_id, institution_name, qualification_code, qualification_name, staff_tier_code, staff_tier_name, years,
  to_char(term_start, 'YYYY-MM-DD') as term_start, to_char(term_end, 'YYYY-MM-DD') as term_end, fee_per_year_fen, amount_due_fen, amount_paid_fen, credit_fen, status,
  schedule_version, payment_code, transfer_remark, invoice_title, credit_code, issued_at, to_char(paid_on, 'YYYY-MM-DD') as paid_on`;

export function orderView(r: Record<string, unknown>, config: BillingConfig) {
  const due = fen(r.amount_due_fen as string);
  const paid = fen(r.amount_paid_fen as string);
  return {
    orderId: r.order_id, applicationId: r.application_id, institutionId: r.institution_id, institutionName: r.institution_name,
    qualificationCode: r.qualification_code, qualificationName: r.qualification_name, staffTierCode: r.staff_tier_code, staffTierName: r.staff_tier_name,
    years: r.years, termStart: r.term_start, termEnd: r.term_end, feePerYearFen: fen(r.fee_per_year_fen as string), amountDueFen: due, amountPaidFen: paid,
    remainingFen: Math.max(0, due - paid), creditFen: fen(r.credit_fen as string), status: r.status, scheduleVersion: r.schedule_version,
    paymentCode: r.payment_code, transferRemark: r.transfer_remark, invoiceTitle: r.invoice_title, creditCode: r.credit_code, issuedAt: r.issued_at, paidOn: r.paid_on,
    payee: { accountName: config.PAYEE_ACCOUNT_NAME, bankName: config.PAYEE_BANK_NAME, accountNumber: config.PAYEE_ACCOUNT_NUMBER },
  };
}

/** 上传外部开具的发票 (multipart). */
class AttachInvoiceForm {
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'binary' }, description: '发票文件（PDF/OFD/XML）' }) files!: unknown[];
  @ApiPropertyOptional({ enum: ['vat_digital_invoice', 'dues_receipt'], default: 'vat_digital_invoice', description: '票据种类' }) documentKind?: string;
  @ApiPropertyOptional({ description: '发票号码（XML 数电票可不填，从文件读取）' }) invoiceNumber?: string;
}

class AttachedInvoiceView {
  @ApiProperty() invoiceId!: string;
  @ApiProperty() invoiceNumber!: string;
}

@ApiTags('orders')
@ApiBearerAuth()
@Controller('api/v1/billing/orders')
@UseGuards(JwtAuthGuard)
export class OrdersController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: BillingConfig,
    private readonly invoices: Invoices,
  ) {}

  /** Institutions see their own orders; staff see all, filtered by status or institution. */
  @Get()
  @ApiOkResponse({ type: OrderListView })
  async list(@Query() q: OrdersQuery, @CurrentPrincipal() p: Principal) {
    const where: string[] = [];
    const params: unknown[] = [];
    const institution = isStaff(p) ? q.institutionId : p.sub;
    if (institution) where.push(`institution_id = $${params.push(institution)}`);
    if (q.status) where.push(`status = $${params.push(q.status)}`);
    const sql = `select ${ORDER_COLUMNS} from billing_orders ${where.length ? `where ${where.join(' and ')}` : ''} order by issued_at desc limit ${q.limit ?? 100} offset ${q.offset ?? 0}`;
    const r = await this.pool.query(sql, params);
    return { items: r.rows.map((row) => orderView(row, this.config)) };
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderDetailView })
  async get(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new ApiError(404, 'NOT_FOUND', '缴费单不存在') })) id: string, @CurrentPrincipal() p: Principal) {
    const r = await this.pool.query(`select ${ORDER_COLUMNS} from billing_orders where order_id = $1`, [id]);
    const row = r.rows[0];
    // Another tenant's order is answered exactly like a missing one.
    if (!row || (!isStaff(p) && row.institution_id !== p.sub)) throw new ApiError(404, 'NOT_FOUND', '缴费单不存在');
    const invoices = await this.pool.query(`select invoice_id, invoice_number, document_kind, source, status, amount_fen, issued_at, corrects_invoice_id from billing_invoices where order_id = $1 order by issued_at`, [id]);
    return { ...orderView(row, this.config), invoices: invoices.rows.map((i) => ({ invoiceId: i.invoice_id, invoiceNumber: i.invoice_number, documentKind: i.document_kind, source: i.source, status: i.status, amountFen: fen(i.amount_fen), issuedAt: i.issued_at, correctsInvoiceId: i.corrects_invoice_id })) };
  }

  /** Finance attaches an invoice issued outside this system (PDF/OFD/XML; an XML 数电票 is checked against the order). */
  @Post(':id/invoices')
  @Roles('finance', 'super_admin')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: AttachInvoiceForm })
  @ApiCreatedResponse({ type: AttachedInvoiceView })
  async attachInvoice(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new ApiError(404, 'NOT_FOUND', '缴费单不存在') })) id: string, @Req() req: FastifyRequest, @CurrentPrincipal() p: Principal) {
    const { files, fields } = await readMultipart(req, this.config.UPLOAD_MAX_BYTES);
    if (files.length === 0) throw new ApiError(400, 'FILE_REQUIRED', '请上传发票文件');
    const kind = fields.documentKind ?? 'vat_digital_invoice';
    if (kind !== 'vat_digital_invoice' && kind !== 'dues_receipt') throw new ApiError(400, 'VALIDATION_FAILED', '票据类型须为 vat_digital_invoice 或 dues_receipt', [{ field: 'documentKind', rule: 'isIn', message: '票据类型无效' }]);
    return this.invoices.attachExternal(id, { kind, invoiceNumber: fields.invoiceNumber, files: files.map((f) => ({ filename: f.filename, content: f.content })) }, metadataFor(p.sub));
  }
}
