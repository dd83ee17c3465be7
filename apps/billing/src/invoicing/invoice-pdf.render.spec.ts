import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import sharp from 'sharp';
import type { InvoiceDocument } from './invoice-document';
import { sampleInvoice } from './invoice.fixture';
import { renderInvoicePdfWithLayout, type InvoiceCell, type InvoiceLayout, type Rect } from './invoice-pdf';

/**
 * The invoice rendered to pixels (poppler's pdftoppm) and held to the layout the renderer reports: every character of
 * the vertical labels (购买方信息, 销售方信息, 备注) inside its cell, nothing of them below it, and no text crossing a
 * rule of the table — for a normal invoice, a 200-character buyer name and long addresses.
 */
const PDFTOPPM = process.env.PDFTOPPM ?? '/usr/bin/pdftoppm';
const DPI = 144;
const SCALE = DPI / 72;

interface Image {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

async function rasterise(pdf: Buffer): Promise<Image> {
  if (!existsSync(PDFTOPPM)) {
    throw new Error(`pdftoppm not found at ${PDFTOPPM}: this test renders the invoice with poppler. Install poppler-utils (apt-get install poppler-utils) or set PDFTOPPM.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'invoice-png-'));
  try {
    writeFileSync(join(dir, 'invoice.pdf'), pdf);
    execFileSync(PDFTOPPM, ['-r', String(DPI), '-png', '-singlefile', join(dir, 'invoice.pdf'), join(dir, 'invoice')]);
    const { data, info } = await sharp(readFileSync(join(dir, 'invoice.png'))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type PixelKind = 'white' | 'ink' | 'dark' | 'other';
function kindAt(img: Image, px: number, py: number): PixelKind {
  const i = (py * img.width + px) * 3;
  const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
  if (r > 235 && g > 235 && b > 235) return 'white';
  if (r - b > 50 && r - g > 25) return 'ink'; // the brownish red of labels and rules, anti-aliased edges included
  if (Math.max(r, g, b) - Math.min(r, g, b) < 40 && Math.max(r, g, b) < 180) return 'dark'; // black text (faint edges are 'other')
  return 'other';
}

/** Pixels of the given kinds inside a rectangle given in points, shrunk by `inset` points on every side. */
function pixelsIn(img: Image, rect: Rect, kinds: readonly PixelKind[], inset = 0): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  const x0 = Math.ceil((rect.x + inset) * SCALE);
  const x1 = Math.floor((rect.x + rect.width - inset) * SCALE);
  const y0 = Math.ceil((rect.y + inset) * SCALE);
  const y1 = Math.floor((rect.y + rect.height - inset) * SCALE);
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) if (kinds.includes(kindAt(img, x, y))) found.push([x, y]);
  }
  return found;
}

const inside = (inner: Rect, outer: Rect, tolerance = 0.01): boolean =>
  inner.x >= outer.x - tolerance && inner.y >= outer.y - tolerance && inner.x + inner.width <= outer.x + outer.width + tolerance && inner.y + inner.height <= outer.y + outer.height + tolerance;

const base = sampleInvoice();
const LONG_NAME = `${'甲乙丙丁戊己庚辛壬癸'.repeat(19)}研究院图书馆终`;
const LONG_ADDRESS = `${'新疆维吾尔自治区伊犁哈萨克自治州伊宁市解放路'.repeat(4)}一号院 0999-8123456`;
const cases: Array<[string, InvoiceDocument]> = [
  ['a normal invoice', base],
  ['a 200-character buyer name', { ...base, buyer: { ...base.buyer, name: LONG_NAME } }],
  [
    'long addresses and bank accounts on both sides',
    {
      ...base,
      buyer: { ...base.buyer, name: LONG_NAME, address: LONG_ADDRESS, bankAccount: `中国工商银行股份有限公司伊犁哈萨克自治州分行营业部 ${'6'.repeat(19)}` },
      seller: { ...base.seller, address: LONG_ADDRESS, bankAccount: '北京银行白石桥支行 20000006591600105310002' },
      remark: `${base.remark}；${'长备注'.repeat(120)}`,
    },
  ],
  ['a dues receipt (交款人信息 / 收款单位信息, no QR code)', sampleInvoice('dues_receipt')],
];

describe.each(cases)('invoice PDF rendered to pixels: %s', (_name, doc) => {
  let layout: InvoiceLayout;
  let img: Image;
  let text: string;
  let pages: number;

  beforeAll(async () => {
    const rendered = await renderInvoicePdfWithLayout(doc);
    layout = rendered.layout;
    img = await rasterise(rendered.pdf);
    ({ text, numpages: pages } = await pdfParse(rendered.pdf));
  }, 60_000);

  it('is one page with the whole buyer name and address on it', () => {
    expect(pages).toBe(1);
    expect(img.width).toBe(Math.round(layout.page.width * SCALE));
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain(doc.buyer.name);
    if (doc.buyer.address) expect(flat).toContain(doc.buyer.address.replace(/\s+/g, ''));
  });

  it.each(['buyerLabel', 'sellerLabel', 'remarkLabel'] as const)('%s: every character drawn inside its cell, nothing of it outside', (label) => {
    const cell = layout.cells[label];
    const glyphs = layout.labelGlyphs[label];
    expect(glyphs.length).toBe(label === 'remarkLabel' ? 2 : doc.kind === 'dues_receipt' && label === 'sellerLabel' ? 6 : 5);
    for (const slot of glyphs) {
      expect(inside(slot, cell)).toBe(true);
      // The character is really there: ink inside its slot.
      expect(pixelsIn(img, slot, ['ink']).length).toBeGreaterThan(20);
    }
    // Inside the cell (rules excluded) there is nothing but the characters in their slots.
    const column = { x: cell.x, y: cell.y, width: cell.width, height: cell.height };
    const stray = pixelsIn(img, column, ['ink', 'dark', 'other'], 1.5).filter(([x, y]) => !glyphs.some((s) => x >= s.x * SCALE && x <= (s.x + s.width) * SCALE && y >= s.y * SCALE && y <= (s.y + s.height) * SCALE));
    expect(stray).toEqual([]);
    // Directly below the cell, in the same column, nothing up to where the next row's text begins: the old layout put
    // 信 and 息 across the rule there, over the item table.
    const below = { x: cell.x, y: cell.y + cell.height, width: cell.width, height: 5 };
    expect(pixelsIn(img, below, ['ink', 'dark', 'other'], 1.5)).toEqual([]);
  });

  it('wraps every text block inside its cell and no text crosses a rule of the table', () => {
    for (const block of layout.blocks) expect([block.cell, inside(block.rect, layout.cells[block.cell], 0.5)]).toEqual([block.cell, true]);
    const textCells: InvoiceCell[] = ['qr', 'heading', 'buyerBody', 'sellerBody', 'items', 'totals', 'remarkBody', 'drawer'];
    // Black text only where a text cell is (everything else is white, label ink or rules).
    const darkOutside: Array<[number, number]> = [];
    for (let y = 0; y < img.height; y += 1) {
      for (let x = 0; x < img.width; x += 1) {
        if (kindAt(img, x, y) !== 'dark') continue;
        const [px, py] = [x / SCALE, y / SCALE];
        if (!textCells.some((c) => { const r = layout.cells[c]; return px >= r.x && px <= r.x + r.width && py >= r.y && py <= r.y + r.height; })) darkOutside.push([x, y]);
      }
    }
    expect(darkOutside.slice(0, 10)).toEqual([]);
    // A wrapped name that ran out of its cell would cross these rules: the party row's bottom, its middle and label rules.
    const buyer = layout.cells.buyerBody;
    const seller = layout.cells.sellerBody;
    const rules: Rect[] = [
      { x: layout.cells.buyerLabel.x, y: buyer.y + buyer.height - 1, width: seller.x + seller.width - layout.cells.buyerLabel.x, height: 2 },
      { x: buyer.x + buyer.width - 1, y: buyer.y, width: 2, height: buyer.height },
      { x: buyer.x - 1, y: buyer.y, width: 2, height: buyer.height },
      { x: seller.x - 1, y: seller.y, width: 2, height: seller.height },
    ];
    for (const rule of rules) expect(pixelsIn(img, rule, ['dark'])).toEqual([]);
  });

  it('carries the QR code of a 数电票 (none on a dues receipt)', () => {
    const dark = pixelsIn(img, layout.cells.qr, ['dark']).length;
    const area = layout.cells.qr.width * layout.cells.qr.height * SCALE * SCALE;
    if (doc.kind === 'vat_digital_invoice') expect(dark / area).toBeGreaterThan(0.3);
    else expect(dark).toBe(0);
  });
});
