import type PDFDocument from 'pdfkit';
import { loadFont } from './cjk-font';

type Pdf = InstanceType<typeof PDFDocument>;
type EmbeddedFontClass = new (document: Pdf, font: unknown, id: string) => unknown;

/** The parts of pdfkit 0.17's font mixin this module relies on; checked at run time, see useFont. */
interface PdfkitFontInternals {
  _fontFamilies?: Record<string, unknown>;
  _fontCount?: number;
  _font?: { constructor: EmbeddedFontClass; font?: unknown };
}

interface ParsedFont {
  readonly wrapper: EmbeddedFontClass;
  readonly font: unknown;
}

const parsed = new Map<string, ParsedFont>();
let parses = 0;

/**
 * Makes `pdf.font(name)` use the font file at `path`, parsing that file once per process instead of once per document.
 *
 * pdfkit hands every document's font buffer to fontkit afresh, and fontkit then decodes the tables it needs (cmap,
 * hmtx, loca, GSUB/GPOS) again; for a 10 MB CJK font that was most of an invoice's CPU. The parsed fontkit font is
 * only read while laying out and subsetting, so one can serve every document; what must be new per document is
 * pdfkit's wrapper around it (subset, widths, resource id). pdfkit does not export that wrapper, so the first document
 * opens the font the documented way and its wrapper's class and parsed font are kept; later documents get a new
 * wrapper put into the family cache that `pdf.font(name)` consults first. Should a pdfkit upgrade change those
 * internals, every document simply opens the font itself again (slower, same output) — see reused-fonts.spec.ts.
 */
export function useFont(pdf: Pdf, name: string, path: string): void {
  const internals = pdf as unknown as PdfkitFontInternals;
  const known = parsed.get(path);
  if (known && internals._fontFamilies && typeof internals._fontCount === 'number') {
    internals._fontCount += 1;
    internals._fontFamilies[name] = new known.wrapper(pdf, known.font, `F${internals._fontCount}`);
    return;
  }
  pdf.registerFont(name, loadFont(path));
  pdf.font(name);
  parses += 1;
  const opened = internals._font;
  if (opened && opened.font !== undefined && internals._fontFamilies?.[name] === opened) parsed.set(path, { wrapper: opened.constructor, font: opened.font });
}

/** How many times a font file has been parsed in this process (for tests and diagnostics). */
export const fontParses = (): number => parses;
