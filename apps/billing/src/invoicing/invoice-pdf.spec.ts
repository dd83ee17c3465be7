import pdfParse from 'pdf-parse/lib/pdf-parse.js';
import { sampleInvoice } from './invoice.fixture';
import { renderInvoicePdf } from './invoice-pdf';

describe('renderInvoicePdf', () => {
  it('renders a one-page PDF whose extracted text carries the legal content', async () => {
    const doc = sampleInvoice();
    const timed = async (): Promise<[Buffer, number]> => {
      const started = process.hrtime.bigint();
      const out = await renderInvoicePdf(doc);
      return [out, Number(process.hrtime.bigint() - started) / 1e6];
    };
    const [pdf, coldMs] = await timed();
    const [, warmMs] = await timed();
    process.stdout.write(`invoice PDF: ${pdf.length} bytes, cold ${coldMs.toFixed(0)} ms (font read + parse), warm ${warmMs.toFixed(0)} ms\n`);

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, numpages } = await pdfParse(pdf);
    const flat = text.replace(/\s+/g, '');
    expect(numpages).toBe(1);
    for (const expected of ['电子发票（普通发票）', '企业机构测试', '91350100M000100Y43', '壹万捌仟元整', '26112000000000000001', '中国图书馆学会', '¥18,000.00', '2026年09月03日', '免税', '李会计', '*生活服务*单位会员会费', '发票号码']) {
      expect(flat).toContain(expected);
    }
    // Subsetting keeps the file small although the source font is 10 MB (it was ~110 KB with the CFF font).
    expect(pdf.length).toBeLessThan(60_000);
  });

  it('renders characters outside GB 2312 that institution names contain (no missing glyphs)', async () => {
    // 堃 and 镕 are GBK-only, 䶮 is CJK Extension A (GB 18030): a GB 2312 font drops them to .notdef,
    // and the extracted text then lacks them.
    const base = sampleInvoice();
    const doc = { ...base, buyer: { ...base.buyer, name: '堃镕䶮研究院图书馆' } };
    const { text } = await pdfParse(await renderInvoicePdf(doc));
    expect(text.replace(/\s+/g, '')).toContain('堃镕䶮研究院图书馆');
  });

  it('titles a dues receipt as 社会团体会费票据', async () => {
    const { text } = await pdfParse(await renderInvoicePdf(sampleInvoice('dues_receipt')));
    expect(text.replace(/\s+/g, '')).toContain('社会团体会费票据');
    expect(text).not.toContain('电子发票');
    // The number is named as the notification mail names it for a receipt.
    expect(text).toContain('票据号码');
    expect(text).not.toContain('发票号码');
  });

  it('rejects when the font cannot be loaded', async () => {
    await expect(renderInvoicePdf(sampleInvoice(), { regularFontPath: '/nonexistent/font.otf' })).rejects.toThrow(/ENOENT/);
  });
});
