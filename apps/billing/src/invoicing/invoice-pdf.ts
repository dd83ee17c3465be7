import PDFDocument from 'pdfkit';
import { resolveCjkFontPath } from './cjk-font';
import { toChinaDateTime } from './china-time';
import { formatTaxRate, INVOICE_TITLES, type InvoiceDocument } from './invoice-document';
import { formatYuan } from './money';
import { useFont } from './reused-fonts';

export interface InvoicePdfOptions {
  /** Override the embedded CJK font (TTF/OTF path). */
  readonly regularFontPath?: string;
  readonly boldFontPath?: string;
}

type Pdf = PDFKit.PDFDocument;

const PAGE = { width: 595.28, height: 419.53 }; // A5 landscape
const MARGIN = 28;
const LEFT = MARGIN;
const WIDTH = PAGE.width - 2 * MARGIN;
const INK = '#8b2500'; // the brownish red of printed Chinese invoices
const TEXT = '#000000';

interface Column {
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'right' | 'center';
}
const COLUMNS: readonly Column[] = [
  { title: '项目名称', width: 128, align: 'left' },
  { title: '规格型号', width: 118, align: 'left' },
  { title: '单位', width: 30, align: 'center' },
  { title: '数量', width: 34, align: 'right' },
  { title: '单价', width: 62, align: 'right' },
  { title: '金额', width: 66, align: 'right' },
  { title: '税率', width: 46, align: 'center' },
  { title: '税额', width: WIDTH - 484, align: 'right' },
];

const PAD = 4;

function labels(doc: InvoiceDocument): { buyer: string; seller: string } {
  return doc.kind === 'dues_receipt' ? { buyer: '交款人信息', seller: '收款单位信息' } : { buyer: '购买方信息', seller: '销售方信息' };
}

function drawHeader(pdf: Pdf, doc: InvoiceDocument): number {
  const issued = toChinaDateTime(doc.issuedAt);
  pdf.font('bold').fontSize(18).fillColor(INK).text(INVOICE_TITLES[doc.kind], LEFT, MARGIN, { width: WIDTH, align: 'center' });
  const titleWidth = pdf.widthOfString(INVOICE_TITLES[doc.kind]);
  const x0 = LEFT + (WIDTH - titleWidth) / 2;
  const y = MARGIN + 26;
  pdf.moveTo(x0, y).lineTo(x0 + titleWidth, y).moveTo(x0, y + 2.5).lineTo(x0 + titleWidth, y + 2.5).lineWidth(0.6).strokeColor(INK).stroke();
  const infoX = LEFT + WIDTH - 170;
  pdf.font('regular').fontSize(9).fillColor(INK).text('发票号码：', infoX, MARGIN + 4, { continued: true }).fillColor(TEXT).text(doc.number);
  pdf.fillColor(INK).text('开票日期：', infoX, MARGIN + 18, { continued: true }).fillColor(TEXT).text(issued.chineseDate);
  return MARGIN + 40;
}

function drawParty(pdf: Pdf, x: number, y: number, width: number, height: number, label: string, party: InvoiceDocument['buyer']): void {
  const labelWidth = 18;
  pdf.moveTo(x + labelWidth, y).lineTo(x + labelWidth, y + height).stroke();
  pdf.font('regular').fontSize(9).fillColor(INK).text(label.split('').join('\n'), x + 4, y + 5, { width: labelWidth - 6, align: 'center', lineGap: -3 });
  const tx = x + labelWidth + PAD;
  const tw = width - labelWidth - 2 * PAD;
  pdf.fillColor(INK).text('名称：', tx, y + 16, { width: tw, continued: true }).fillColor(TEXT).text(party.name);
  pdf.fillColor(INK).text('统一社会信用代码/纳税人识别号：', tx, y + 42, { width: tw, continued: true }).fillColor(TEXT).text(party.creditCode);
}

function cellHeight(pdf: Pdf, text: string, width: number): number {
  return pdf.heightOfString(text, { width: width - 2 * PAD });
}

function drawRow(pdf: Pdf, y: number, cells: readonly string[], color: string): number {
  const height = Math.max(16, ...cells.map((c, i) => cellHeight(pdf, c, COLUMNS[i].width) + 6));
  let x = LEFT;
  cells.forEach((text, i) => {
    const col = COLUMNS[i];
    pdf.fillColor(color).text(text, x + PAD, y + 3, { width: col.width - 2 * PAD, align: col.align });
    x += col.width;
  });
  return y + height;
}

function drawItems(pdf: Pdf, doc: InvoiceDocument, top: number): number {
  pdf.font('regular').fontSize(8);
  let y = drawRow(pdf, top, COLUMNS.map((c) => c.title), INK);
  for (const item of doc.items) {
    y = drawRow(
      pdf,
      y,
      [item.name, item.spec, item.unit, String(item.quantity), formatYuan(item.unitPriceFen, true), formatYuan(item.amountFen, true), formatTaxRate(item.taxRate), item.taxRate === 'exempt' ? '***' : formatYuan(item.taxFen, true)],
      TEXT,
    );
  }
  y = Math.max(y + 6, top + 70);
  pdf.font('bold').fontSize(9).fillColor(INK).text('合　　计', LEFT + PAD, y, { width: COLUMNS[0].width, align: 'center' });
  const amountX = LEFT + COLUMNS.slice(0, 5).reduce((s, c) => s + c.width, 0);
  pdf.font('regular').fillColor(TEXT).text(`¥${formatYuan(doc.totals.amountFen, true)}`, amountX + PAD, y, { width: COLUMNS[5].width - 2 * PAD, align: 'right' });
  const taxX = amountX + COLUMNS[5].width + COLUMNS[6].width;
  pdf.text(`¥${formatYuan(doc.totals.taxFen, true)}`, taxX + PAD, y, { width: COLUMNS[7].width - 2 * PAD, align: 'right' });
  return y + 16;
}

function drawTotals(pdf: Pdf, doc: InvoiceDocument, y: number): number {
  pdf.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).stroke();
  pdf.font('regular').fontSize(9).fillColor(INK).text('价税合计（大写）', LEFT + PAD, y + 7);
  pdf.font('bold').fillColor(TEXT).text(doc.totals.totalInWords, LEFT + 100, y + 7);
  pdf.font('regular').fillColor(INK).text('（小写）', LEFT + WIDTH - 170, y + 7, { continued: true }).font('bold').fillColor(TEXT).text(`¥${formatYuan(doc.totals.totalFen, true)}`);
  return y + 24;
}

function drawRemark(pdf: Pdf, doc: InvoiceDocument, y: number, bottom: number): void {
  pdf.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).stroke();
  pdf.moveTo(LEFT + 18, y).lineTo(LEFT + 18, bottom).stroke();
  pdf.font('regular').fontSize(9).fillColor(INK).text('备\n\n注', LEFT + 4, y + 6, { width: 12, align: 'center', lineGap: -1.5 });
  pdf.fillColor(TEXT).text(doc.remark, LEFT + 18 + PAD, y + 6, { width: WIDTH - 18 - 2 * PAD, height: bottom - y - 8, ellipsis: true });
}

function draw(pdf: Pdf, doc: InvoiceDocument): void {
  const boxTop = drawHeader(pdf, doc);
  const partyHeight = 70;
  const bottom = PAGE.height - MARGIN - 16;
  pdf.lineWidth(0.8).strokeColor(INK);
  pdf.rect(LEFT, boxTop, WIDTH, bottom - boxTop).stroke();
  pdf.moveTo(LEFT + WIDTH / 2, boxTop).lineTo(LEFT + WIDTH / 2, boxTop + partyHeight).stroke();
  const { buyer, seller } = labels(doc);
  drawParty(pdf, LEFT, boxTop, WIDTH / 2, partyHeight, buyer, doc.buyer);
  drawParty(pdf, LEFT + WIDTH / 2, boxTop, WIDTH / 2, partyHeight, seller, doc.seller);
  pdf.moveTo(LEFT, boxTop + partyHeight).lineTo(LEFT + WIDTH, boxTop + partyHeight).stroke();
  const afterItems = drawItems(pdf, doc, boxTop + partyHeight);
  const afterTotals = drawTotals(pdf, doc, afterItems);
  drawRemark(pdf, doc, afterTotals, bottom);
  pdf.font('regular').fontSize(9).fillColor(INK).text('开票人：', LEFT + PAD, bottom + 5, { continued: true }).fillColor(TEXT).text(doc.drawer);
}

/** Renders one invoice as a single A5-landscape page with the CJK font embedded (subset) by pdfkit. */
export function renderInvoicePdf(doc: InvoiceDocument, options: InvoicePdfOptions = {}): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const pdf = new PDFDocument({
      size: [PAGE.width, PAGE.height],
      margin: 0, // positions are absolute; a bottom margin would push the drawer line onto a second page
      autoFirstPage: true,
      // No default font: pdfkit would otherwise read and parse Helvetica's AFM file for every document (~5 ms each here),
      // and every text call below names one of the embedded CJK fonts anyway.
      font: null as unknown as string,
      info: { Title: `${INVOICE_TITLES[doc.kind]} ${doc.number}`, Author: doc.seller.name, Subject: doc.buyer.name, CreationDate: new Date(doc.issuedAt) },
    });
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    try {
      useFont(pdf, 'regular', options.regularFontPath ?? resolveCjkFontPath('Regular'));
      useFont(pdf, 'bold', options.boldFontPath ?? resolveCjkFontPath('Bold'));
      draw(pdf, doc);
      pdf.end();
    } catch (error) {
      reject(error);
    }
  });
}
