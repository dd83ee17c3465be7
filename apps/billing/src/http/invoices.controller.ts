import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiParam, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { ApiError, CurrentPrincipal, isStaff, JwtAuthGuard, Roles, type Principal } from '@lsc/service-kit';
import { Invoices } from '../invoices/invoices';
import { fen, metadataFor } from '../shared';
import { ReissueDto } from './dto';
import { InvoiceListView } from './views.docs';

/** 红冲重开: the new invoice and the one it corrects. */
class ReissuedView {
  @ApiProperty() invoiceId!: string;
  @ApiProperty() correctsInvoiceId!: string;
}

const notFound = () => new ApiError(404, 'NOT_FOUND', '发票不存在');

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('api/v1/billing/invoices')
@UseGuards(JwtAuthGuard)
export class InvoicesController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly invoices: Invoices,
  ) {}

  @Get()
  @ApiOkResponse({ type: InvoiceListView })
  async list(@CurrentPrincipal() p: Principal) {
    const staff = isStaff(p);
    const r = await this.pool.query(
      `select i.invoice_id, i.invoice_number, i.document_kind, i.source, i.order_id, i.institution_id, i.buyer_name, i.buyer_credit_code, i.amount_fen, i.status, i.corrects_invoice_id, i.issued_at,
              coalesce((select jsonb_agg(jsonb_build_object('format', d.format, 'documentId', d.document_id, 'contentType', d.content_type, 'sha256', d.sha256, 'size', d.size)) from billing_invoice_documents d where d.invoice_id = i.invoice_id), '[]') as documents
         from billing_invoices i ${staff ? '' : 'where i.institution_id = $1'} order by i.issued_at desc limit 500`,
      staff ? [] : [p.sub],
    );
    return { items: r.rows.map((i) => ({ invoiceId: i.invoice_id, invoiceNumber: i.invoice_number, documentKind: i.document_kind, source: i.source, orderId: i.order_id, institutionId: i.institution_id, buyerName: i.buyer_name, buyerCreditCode: i.buyer_credit_code, amountFen: fen(i.amount_fen), status: i.status, correctsInvoiceId: i.corrects_invoice_id, issuedAt: i.issued_at, documents: i.documents })) };
  }

  @Get(':id/documents/:format')
  @ApiParam({ name: 'format', enum: ['pdf', 'xml', 'ofd'] })
  @ApiProduces('application/pdf', 'application/xml', 'application/ofd')
  @ApiOkResponse({ description: '发票文件（附件下载）', schema: { type: 'string', format: 'binary' } })
  async document(@Param('id', new ParseUUIDPipe({ exceptionFactory: notFound })) id: string, @Param('format') format: string, @CurrentPrincipal() p: Principal, @Res() reply: FastifyReply) {
    if (!['pdf', 'xml', 'ofd'].includes(format)) throw notFound();
    const r = await this.pool.query<{ institution_id: string; invoice_number: string; content: Buffer; content_type: string; sha256: string }>(
      `select i.institution_id, i.invoice_number, d.content, d.content_type, d.sha256 from billing_invoices i join billing_invoice_documents d on d.invoice_id = i.invoice_id where i.invoice_id = $1 and d.format = $2`,
      [id, format],
    );
    const doc = r.rows[0];
    if (!doc || (!isStaff(p) && doc.institution_id !== p.sub)) throw notFound();
    void reply
      .header('content-type', doc.content_type)
      .header('content-disposition', `attachment; filename="${doc.invoice_number}.${format}"`)
      .header('x-content-sha256', doc.sha256)
      .send(doc.content);
  }

  @Post(':id/reissue')
  @ApiCreatedResponse({ type: ReissuedView })
  @Roles('finance', 'super_admin')
  reissue(@Param('id', new ParseUUIDPipe({ exceptionFactory: notFound })) id: string, @Body() body: ReissueDto, @CurrentPrincipal() p: Principal) {
    return this.invoices.reissue(id, body.reason, metadataFor(p.sub));
  }
}
