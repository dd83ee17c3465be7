import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import { sampleInvoice } from './invoice.fixture';
import { renderInvoicePdf } from './invoice-pdf';
import { fontParses } from './reused-fonts';

describe('fonts reused across invoices', () => {
  it('parses each font file once per process, and a reused font renders byte-identical documents', async () => {
    const doc = sampleInvoice();
    const first = await renderInvoicePdf(doc);
    const parsesAfterFirst = fontParses();
    const second = await renderInvoicePdf(doc);
    const third = await renderInvoicePdf(sampleInvoice('dues_receipt'));
    expect(parsesAfterFirst).toBeGreaterThanOrEqual(1);
    expect(fontParses()).toBe(parsesAfterFirst); // the fast path was taken: pdfkit's internals are as expected
    expect(second.equals(first)).toBe(true);
    expect(third.equals(first)).toBe(false);
  });

  it('gives every document its own subset: glyphs of an earlier invoice do not leak into, or go missing from, a later one', async () => {
    const base = sampleInvoice();
    const a = await renderInvoicePdf({ ...base, buyer: { ...base.buyer, name: '甲乙丙丁图书馆' } });
    const b = await renderInvoicePdf({ ...base, buyer: { ...base.buyer, name: '堃镕䶮研究院图书馆' } });
    const textA = (await pdfParse(a)).text.replace(/\s+/g, '');
    const textB = (await pdfParse(b)).text.replace(/\s+/g, '');
    expect(textA).toContain('甲乙丙丁图书馆');
    expect(textB).toContain('堃镕䶮研究院图书馆');
    expect(textB).not.toContain('甲乙丙丁');
    expect(b.length).toBeLessThan(60_000);
  });
});
