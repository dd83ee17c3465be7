import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { resolveCjkFontPath } from './cjk-font';
import { toChinaDateTime } from './china-time';
import { formatTaxRate, INVOICE_TITLES, type InvoiceDocument, type InvoiceParty } from './invoice-document';
import { invoiceQrText } from './invoice-qr';
import { formatYuan } from './money';
import { useFont } from './reused-fonts';

export interface InvoicePdfOptions {
  /** Override the embedded CJK font (TTF/OTF path). */
  readonly regularFontPath?: string;
  readonly boldFontPath?: string;
}

/** A rectangle in PDF points, origin top-left (pdfkit's coordinates). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where everything went, in points: the table's cells, the slot of each character of the vertical labels, and the box
 * each wrapped text block needed. Tests rasterise the PDF and hold the pixels to it.
 */
export interface InvoiceLayout {
  readonly page: { readonly width: number; readonly height: number };
  readonly cells: Readonly<Record<InvoiceCell, Rect>>;
  readonly labelGlyphs: Readonly<Record<'buyerLabel' | 'sellerLabel' | 'remarkLabel', readonly Rect[]>>;
  /** Each text block drawn inside a cell, with the height pdfkit measured for it. */
  readonly blocks: ReadonlyArray<{ readonly cell: InvoiceCell; readonly rect: Rect }>;
}

export type InvoiceCell = 'qr' | 'heading' | 'buyerLabel' | 'buyerBody' | 'sellerLabel' | 'sellerBody' | 'items' | 'totals' | 'remarkLabel' | 'remarkBody' | 'drawer';

type Pdf = PDFKit.PDFDocument;

const PAGE_WIDTH = 595.28; // A5 landscape; the page grows downwards when long names need the room
const MIN_PAGE_HEIGHT = 419.53;
const MARGIN = 28;
const LEFT = MARGIN;
const WIDTH = PAGE_WIDTH - 2 * MARGIN;
const INK = '#8b2500'; // the brownish red of printed Chinese invoices
const TEXT = '#000000';
const PAD = 5;
const LABEL_WIDTH = 22;
const LABEL_FONT_SIZE = 9;
const BODY_FONT_SIZE = 9;
const QR_SIZE = 58;
const BOX_TOP = MARGIN + QR_SIZE + 6;

interface Column {
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'right' | 'center';
}
const COLUMNS: readonly Column[] = [
  { title: '项目名称', width: 126, align: 'left' },
  { title: '规格型号', width: 120, align: 'left' },
  { title: '单位', width: 30, align: 'center' },
  { title: '数量', width: 34, align: 'right' },
  { title: '单价', width: 62, align: 'right' },
  { title: '金额', width: 66, align: 'right' },
  { title: '税率/征收率', width: 58, align: 'center' },
  { title: '税额', width: WIDTH - 496, align: 'right' },
];

/** The number's label is the same word the notification mail uses for it. */
export function invoiceNumberLabel(kind: InvoiceDocument['kind']): string {
  return kind === 'dues_receipt' ? '票据号码' : '发票号码';
}

function partyLabels(doc: InvoiceDocument): { buyer: string; seller: string } {
  return doc.kind === 'dues_receipt' ? { buyer: '交款人信息', seller: '收款单位信息' } : { buyer: '购买方信息', seller: '销售方信息' };
}

/** The party's fields as [label, value] paragraphs; optional ones only when known. */
function partyFields(party: InvoiceParty): Array<[string, string]> {
  const fields: Array<[string, string]> = [
    ['名称：', party.name],
    ['统一社会信用代码/纳税人识别号：', party.creditCode],
  ];
  if (party.address) fields.push(['地址、电话：', party.address]);
  if (party.bankAccount) fields.push(['开户银行及账号：', party.bankAccount]);
  return fields;
}

class Layout {
  readonly cells = {} as Record<InvoiceCell, Rect>;
  readonly labelGlyphs = { buyerLabel: [] as Rect[], sellerLabel: [] as Rect[], remarkLabel: [] as Rect[] };
  readonly blocks: Array<{ cell: InvoiceCell; rect: Rect }> = [];
}

/** Height of a paragraph of `text` at `width` with the current font; CJK text wraps at any character. */
const measure = (pdf: Pdf, text: string, width: number): number => pdf.heightOfString(text, { width });

/** Label then value as one wrapped paragraph (label in ink, value in black); returns its height. */
function fieldParagraph(pdf: Pdf, label: string, value: string, x: number, y: number, width: number): number {
  pdf.font('regular').fontSize(BODY_FONT_SIZE);
  const height = measure(pdf, label + value, width);
  pdf.fillColor(INK).text(label, x, y, { width, continued: true }).fillColor(TEXT).text(value);
  return height;
}

function partyBodyHeight(pdf: Pdf, party: InvoiceParty, width: number): number {
  pdf.font('regular').fontSize(BODY_FONT_SIZE);
  return partyFields(party).reduce((sum, [label, value]) => sum + measure(pdf, label + value, width) + 4, -4);
}

/**
 * A vertical label (购买方信息, 备注) one character per slot, centred in its cell: each character is placed on its own,
 * so no line wrapping or line gap can push the last ones below the cell (they used to spill into the item table).
 */
function drawVerticalLabel(pdf: Pdf, layout: Layout, name: 'buyerLabel' | 'sellerLabel' | 'remarkLabel', text: string, cell: Rect): void {
  pdf.font('regular').fontSize(LABEL_FONT_SIZE).fillColor(INK);
  const chars = [...text];
  const glyphHeight = pdf.currentLineHeight(true);
  const step = Math.min(glyphHeight + 4, (cell.height - 2 * PAD) / chars.length);
  const top = cell.y + (cell.height - step * chars.length) / 2;
  chars.forEach((char, i) => {
    const slot = { x: cell.x, y: top + i * step, width: cell.width, height: step };
    // pdfkit puts the line box's top at y; the glyph's ink sits in the middle of that box.
    pdf.text(char, cell.x, slot.y + (step - glyphHeight) / 2, { width: cell.width, align: 'center', lineBreak: false });
    layout.labelGlyphs[name].push(slot);
  });
}

function drawHeader(pdf: Pdf, doc: InvoiceDocument, layout: Layout): void {
  const qrText = invoiceQrText(doc);
  layout.cells.qr = { x: LEFT, y: MARGIN, width: QR_SIZE, height: QR_SIZE };
  if (qrText !== null) {
    const qr = QRCode.create(qrText, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const module = QR_SIZE / size;
    pdf.save().fillColor(TEXT);
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) if (qr.modules.get(row, col)) pdf.rect(LEFT + col * module, MARGIN + row * module, module, module);
    }
    pdf.fill().restore();
  }
  const title = INVOICE_TITLES[doc.kind];
  pdf.font('bold').fontSize(18).fillColor(INK).text(title, LEFT, MARGIN + 10, { width: WIDTH, align: 'center', lineBreak: false });
  const titleWidth = pdf.widthOfString(title);
  const x0 = LEFT + (WIDTH - titleWidth) / 2;
  const y = MARGIN + 38;
  pdf.moveTo(x0, y).lineTo(x0 + titleWidth, y).moveTo(x0, y + 2.5).lineTo(x0 + titleWidth, y + 2.5).lineWidth(0.6).strokeColor(INK).stroke();
  const infoX = LEFT + WIDTH - 165;
  layout.cells.heading = { x: infoX, y: MARGIN + 8, width: 165, height: 34 };
  pdf.font('regular').fontSize(BODY_FONT_SIZE);
  pdf.fillColor(INK).text(`${invoiceNumberLabel(doc.kind)}：`, infoX, MARGIN + 10, { continued: true }).fillColor(TEXT).text(doc.number);
  pdf.fillColor(INK).text('开票日期：', infoX, MARGIN + 26, { continued: true }).fillColor(TEXT).text(toChinaDateTime(doc.issuedAt).chineseDate);
}

function drawParties(pdf: Pdf, doc: InvoiceDocument, layout: Layout): number {
  const half = WIDTH / 2;
  const bodyWidth = half - LABEL_WIDTH - 2 * PAD;
  const labels = partyLabels(doc);
  pdf.font('regular').fontSize(LABEL_FONT_SIZE);
  const labelNeed = Math.max([...labels.buyer].length, [...labels.seller].length) * (pdf.currentLineHeight(true) + 1) + 2 * PAD;
  const height = Math.max(72, labelNeed, partyBodyHeight(pdf, doc.buyer, bodyWidth) + 2 * PAD + 4, partyBodyHeight(pdf, doc.seller, bodyWidth) + 2 * PAD + 4);
  const sides = [
    { x: LEFT, party: doc.buyer, label: labels.buyer, labelCell: 'buyerLabel', bodyCell: 'buyerBody' },
    { x: LEFT + half, party: doc.seller, label: labels.seller, labelCell: 'sellerLabel', bodyCell: 'sellerBody' },
  ] as const;
  for (const side of sides) {
    const labelRect = { x: side.x, y: BOX_TOP, width: LABEL_WIDTH, height };
    const bodyRect = { x: side.x + LABEL_WIDTH, y: BOX_TOP, width: half - LABEL_WIDTH, height };
    layout.cells[side.labelCell] = labelRect;
    layout.cells[side.bodyCell] = bodyRect;
    pdf.moveTo(side.x + LABEL_WIDTH, BOX_TOP).lineTo(side.x + LABEL_WIDTH, BOX_TOP + height).stroke();
    drawVerticalLabel(pdf, layout, side.labelCell, side.label, labelRect);
    // Fields are spread over the cell like the tax platform's layout, top-aligned when they fill it.
    let y = BOX_TOP + PAD + 2;
    for (const [label, value] of partyFields(side.party)) {
      const x = bodyRect.x + PAD;
      const h = fieldParagraph(pdf, label, value, x, y, bodyWidth);
      layout.blocks.push({ cell: side.bodyCell, rect: { x, y, width: bodyWidth, height: h } });
      y += h + 4;
    }
  }
  pdf.moveTo(LEFT + half, BOX_TOP).lineTo(LEFT + half, BOX_TOP + height).stroke();
  pdf.moveTo(LEFT, BOX_TOP + height).lineTo(LEFT + WIDTH, BOX_TOP + height).stroke();
  return BOX_TOP + height;
}

function itemCells(line: InvoiceDocument['items'][number]): string[] {
  return [
    line.name,
    line.spec,
    line.unit,
    String(line.quantity),
    formatYuan(line.unitPriceFen, true),
    formatYuan(line.amountFen, true),
    formatTaxRate(line.taxRate),
    line.taxRate === 'exempt' ? '***' : formatYuan(line.taxFen, true),
  ];
}

function drawRow(pdf: Pdf, layout: Layout, y: number, cells: readonly string[], color: string, align?: Column['align']): number {
  const height = Math.max(16, ...cells.map((c, i) => measure(pdf, c, COLUMNS[i].width - 2 * PAD) + 6));
  let x = LEFT;
  cells.forEach((text, i) => {
    const col = COLUMNS[i];
    const width = col.width - 2 * PAD;
    pdf.fillColor(color).text(text, x + PAD, y + 3, { width, align: align ?? col.align });
    layout.blocks.push({ cell: 'items', rect: { x: x + PAD, y: y + 3, width, height: measure(pdf, text, width) } });
    x += col.width;
  });
  return y + height;
}

function drawItems(pdf: Pdf, doc: InvoiceDocument, layout: Layout, top: number): number {
  pdf.font('regular').fontSize(8);
  // Column titles are centred as on the tax platform's layout.
  let y = drawRow(pdf, layout, top, COLUMNS.map((c) => c.title), INK, 'center');
  for (const line of doc.items) y = drawRow(pdf, layout, y, itemCells(line), TEXT);
  y = Math.max(y + 6, top + 70);
  pdf.font('bold').fontSize(BODY_FONT_SIZE).fillColor(INK).text('合　　计', LEFT + PAD, y, { width: COLUMNS[0].width - 2 * PAD, align: 'center' });
  const amountX = LEFT + COLUMNS.slice(0, 5).reduce((s, c) => s + c.width, 0);
  pdf.font('regular').fillColor(TEXT).text(`¥${formatYuan(doc.totals.amountFen, true)}`, amountX + PAD, y, { width: COLUMNS[5].width - 2 * PAD, align: 'right' });
  const taxX = amountX + COLUMNS[5].width + COLUMNS[6].width;
  pdf.text(`¥${formatYuan(doc.totals.taxFen, true)}`, taxX + PAD, y, { width: COLUMNS[7].width - 2 * PAD, align: 'right' });
  const bottom = y + 18;
  layout.cells.items = { x: LEFT, y: top, width: WIDTH, height: bottom - top };
  return bottom;
}

function drawTotals(pdf: Pdf, doc: InvoiceDocument, layout: Layout, y: number): number {
  const height = 24;
  const labelWidth = 118;
  pdf.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).stroke();
  pdf.moveTo(LEFT + labelWidth, y).lineTo(LEFT + labelWidth, y + height).stroke();
  pdf.font('regular').fontSize(BODY_FONT_SIZE).fillColor(INK).text('价税合计（大写）', LEFT, y + 7, { width: labelWidth, align: 'center' });
  // ⊗ marks the start of the amount in words on printed invoices, so nothing can be written in front of it.
  pdf.font('bold').fillColor(TEXT).text(`⊗${doc.totals.totalInWords}`, LEFT + labelWidth + PAD * 2, y + 7);
  pdf.font('regular').fillColor(INK).text('（小写）', LEFT + WIDTH - 170, y + 7, { continued: true }).font('bold').fillColor(TEXT).text(`¥${formatYuan(doc.totals.totalFen, true)}`);
  layout.cells.totals = { x: LEFT, y, width: WIDTH, height };
  return y + height;
}

function drawRemark(pdf: Pdf, doc: InvoiceDocument, layout: Layout, y: number): number {
  const width = WIDTH - LABEL_WIDTH - 2 * PAD;
  pdf.font('regular').fontSize(BODY_FONT_SIZE);
  const textHeight = measure(pdf, doc.remark, width);
  const height = Math.max(52, textHeight + 2 * PAD + 4);
  pdf.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).stroke();
  pdf.moveTo(LEFT + LABEL_WIDTH, y).lineTo(LEFT + LABEL_WIDTH, y + height).stroke();
  const labelRect = { x: LEFT, y, width: LABEL_WIDTH, height };
  layout.cells.remarkLabel = labelRect;
  layout.cells.remarkBody = { x: LEFT + LABEL_WIDTH, y, width: WIDTH - LABEL_WIDTH, height };
  drawVerticalLabel(pdf, layout, 'remarkLabel', '备注', labelRect);
  pdf.font('regular').fontSize(BODY_FONT_SIZE).fillColor(TEXT).text(doc.remark, LEFT + LABEL_WIDTH + PAD, y + PAD + 2, { width });
  layout.blocks.push({ cell: 'remarkBody', rect: { x: LEFT + LABEL_WIDTH + PAD, y: y + PAD + 2, width, height: textHeight } });
  return y + height;
}

/** Measures and draws; the page is as tall as the content (at least A5). */
function draw(pdf: Pdf, doc: InvoiceDocument, layout: Layout): void {
  pdf.lineWidth(0.8).strokeColor(INK);
  drawHeader(pdf, doc, layout);
  pdf.lineWidth(0.8).strokeColor(INK);
  const afterParties = drawParties(pdf, doc, layout);
  const afterItems = drawItems(pdf, doc, layout, afterParties);
  const afterTotals = drawTotals(pdf, doc, layout, afterItems);
  const bottom = drawRemark(pdf, doc, layout, afterTotals);
  pdf.rect(LEFT, BOX_TOP, WIDTH, bottom - BOX_TOP).stroke();
  pdf.font('regular').fontSize(BODY_FONT_SIZE).fillColor(INK).text('开票人：', LEFT + PAD, bottom + 6, { continued: true }).fillColor(TEXT).text(doc.drawer);
  layout.cells.drawer = { x: LEFT, y: bottom + 2, width: WIDTH, height: 20 };
}

function openFonts(pdf: Pdf, options: InvoicePdfOptions): void {
  useFont(pdf, 'regular', options.regularFontPath ?? resolveCjkFontPath('Regular'));
  useFont(pdf, 'bold', options.boldFontPath ?? resolveCjkFontPath('Bold'));
}

/** Drawing space below the visible page; the page is cut to the content's height afterwards. */
const CANVAS_HEIGHT = 2_000;

/**
 * Renders one invoice as a single page (A5 landscape, taller when long names need it) with the CJK font embedded (subset).
 * The height is known only once everything is laid out, so the page is drawn on a tall canvas and its MediaBox then
 * keeps the top part: one pass instead of a measuring dry run (which doubled the render time).
 */
export function renderInvoicePdfWithLayout(doc: InvoiceDocument, options: InvoicePdfOptions = {}): Promise<{ pdf: Buffer; layout: InvoiceLayout }> {
  return new Promise((resolve, reject) => {
    try {
      const pdf = new PDFDocument({
        size: [PAGE_WIDTH, CANVAS_HEIGHT],
        margin: 0, // positions are absolute; a bottom margin would push the drawer line onto a second page
        autoFirstPage: true,
        // No default font: pdfkit would otherwise read and parse Helvetica's AFM file for every document (~5 ms each here),
        // and every text call names one of the embedded CJK fonts anyway.
        font: null as unknown as string,
        info: { Title: `${INVOICE_TITLES[doc.kind]} ${doc.number}`, Author: doc.seller.name, Subject: doc.buyer.name, CreationDate: new Date(doc.issuedAt) },
      });
      const chunks: Buffer[] = [];
      const layout = new Layout();
      let height = MIN_PAGE_HEIGHT;
      pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
      pdf.on('end', () => resolve({ pdf: Buffer.concat(chunks), layout: { page: { width: PAGE_WIDTH, height }, cells: layout.cells, labelGlyphs: layout.labelGlyphs, blocks: layout.blocks } }));
      pdf.on('error', reject);
      openFonts(pdf, options);
      draw(pdf, doc, layout);
      const drawer = layout.cells.drawer;
      height = Math.max(MIN_PAGE_HEIGHT, drawer.y + drawer.height + MARGIN - 6);
      if (height > CANVAS_HEIGHT) throw new Error(`发票内容过长，无法排入一页（需要 ${Math.ceil(height)} pt）`);
      // PDF space is bottom-up: the top `height` points of the canvas.
      (pdf.page as unknown as { dictionary: { data: { MediaBox: number[] } } }).dictionary.data.MediaBox = [0, CANVAS_HEIGHT - height, PAGE_WIDTH, CANVAS_HEIGHT];
      pdf.end();
    } catch (error) {
      reject(error);
    }
  });
}

export async function renderInvoicePdf(doc: InvoiceDocument, options: InvoicePdfOptions = {}): Promise<Buffer> {
  return (await renderInvoicePdfWithLayout(doc, options)).pdf;
}
