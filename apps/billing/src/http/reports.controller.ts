import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import { PG_POOL } from '@lsc/messaging';
import { JwtAuthGuard, Roles } from '@lsc/service-kit';
import { FormatQuery, PeriodQuery } from './dto';

type Row = Record<string, string | number | null>;
interface Report {
  title: string;
  columns: Array<{ key: string; header: string }>;
  rows: Row[];
}

async function send(reply: FastifyReply, report: Report, format: 'json' | 'xlsx' | undefined): Promise<void> {
  if (format !== 'xlsx') {
    void reply.send({ title: report.title, items: report.rows });
    return;
  }
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(report.title);
  sheet.columns = report.columns.map((c) => ({ header: c.header, key: c.key, width: 20 }));
  for (const r of report.rows) sheet.addRow(r);
  const buffer = Buffer.from(await book.xlsx.writeBuffer());
  void reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(report.title)}.xlsx`)
    .send(buffer);
}

/** Finance reports; money columns stay integer fen (…Fen) in JSON and in the spreadsheet. */
@Controller('api/v1/billing/reports')
@UseGuards(JwtAuthGuard)
@Roles('finance', 'super_admin')
export class ReportsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('receivables')
  async receivables(@Query() q: FormatQuery, @Res() reply: FastifyReply) {
    const r = await this.pool.query(`select order_id as "orderId", institution_name as "institutionName", payment_code as "paymentCode", status, amount_due_fen::float8 as "amountDueFen",
        amount_paid_fen::float8 as "amountPaidFen", (amount_due_fen - amount_paid_fen)::float8 as "outstandingFen", to_char(issued_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as "issuedOn",
        (current_date - (issued_at at time zone 'Asia/Shanghai')::date) as "ageDays"
        from billing_orders where status in ('unpaid', 'partially_paid') order by issued_at`);
    await send(reply, { title: '应收会费', columns: [['orderId', '缴费单'], ['institutionName', '单位名称'], ['paymentCode', '缴费码'], ['status', '状态'], ['amountDueFen', '应付(分)'], ['amountPaidFen', '已付(分)'], ['outstandingFen', '未付(分)'], ['issuedOn', '开单日期'], ['ageDays', '账龄(天)']].map(([key, header]) => ({ key, header })), rows: r.rows }, q.format);
  }

  @Get('payments')
  async payments(@Query() q: PeriodQuery, @Res() reply: FastifyReply) {
    const r = await this.pool.query(
      `select t.transfer_id as "transferId", to_char(t.booked_on, 'YYYY-MM-DD') as "bookedOn", t.payer_name as "payerName", t.amount_fen::float8 as "amountFen", t.match_mode as "mode",
              a->>'orderId' as "orderId", (a->>'amountFen')::float8 as "allocatedFen", o.institution_name as "institutionName", t.decided_by as "decidedBy"
         from billing_transfers t cross join lateral jsonb_array_elements(t.allocations) a left join billing_orders o on o.order_id = (a->>'orderId')::uuid
        where t.status = 'matched' and ($1::date is null or t.booked_on >= $1::date) and ($2::date is null or t.booked_on <= $2::date) order by t.booked_on, t.line_number`,
      [q.from ?? null, q.to ?? null],
    );
    await send(reply, { title: '到账明细', columns: [['bookedOn', '到账日期'], ['payerName', '付款人'], ['amountFen', '到账金额(分)'], ['institutionName', '单位名称'], ['orderId', '缴费单'], ['allocatedFen', '分配金额(分)'], ['mode', '匹配方式'], ['decidedBy', '确认人'], ['transferId', '到账ID']].map(([key, header]) => ({ key, header })), rows: r.rows }, q.format);
  }

  @Get('unmatched-transfers')
  async unmatched(@Query() q: FormatQuery, @Res() reply: FastifyReply) {
    const r = await this.pool.query(`select transfer_id as "transferId", to_char(booked_on, 'YYYY-MM-DD') as "bookedOn", payer_name as "payerName", payer_account as "payerAccount", remark,
        amount_fen::float8 as "amountFen", status, (current_date - booked_on) as "ageDays" from billing_transfers where status in ('unmatched', 'rejected', 'suggested') order by booked_on`);
    await send(reply, { title: '未匹配到账', columns: [['bookedOn', '到账日期'], ['payerName', '付款人'], ['payerAccount', '付款账号'], ['remark', '附言'], ['amountFen', '金额(分)'], ['status', '状态'], ['ageDays', '账龄(天)'], ['transferId', '到账ID']].map(([key, header]) => ({ key, header })), rows: r.rows }, q.format);
  }

  @Get('statements')
  async statements(@Query() q: FormatQuery, @Res() reply: FastifyReply) {
    const r = await this.pool.query(`select statement_id as "statementId", filename, to_char(uploaded_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as "uploadedAt", uploaded_by as "uploadedBy",
        balance_check as "balanceCheck", line_count as "lines", new_credit_count as "newCredits", duplicate_count as "duplicates", jsonb_array_length(rejected) as "rejected",
        auto_matched as "autoMatched", suggested, unmatched from billing_statements order by uploaded_at desc`);
    await send(reply, { title: '流水导入记录', columns: [['uploadedAt', '导入时间'], ['filename', '文件名'], ['uploadedBy', '导入人'], ['balanceCheck', '余额核对'], ['lines', '行数'], ['newCredits', '新到账'], ['duplicates', '重复'], ['rejected', '拒绝行'], ['autoMatched', '自动匹配'], ['suggested', '待确认'], ['unmatched', '未匹配'], ['statementId', '流水ID']].map(([key, header]) => ({ key, header })), rows: r.rows }, q.format);
  }
}
