/**
 * The XLSX reader against crafted archives: sizes that lie, thousands of parts, deep XML, a flood of shared strings.
 * Each is refused with a Chinese message before exceljs sees it, and billing's memory does not grow with the bomb.
 */
import { statementXlsx } from '../../test-fixtures/statements/builders';
import { craftZip, repeated, zipEntries, type CraftedEntry } from '../../test-fixtures/statements/zip-crafting';
import { parseStatement } from './parse-statement';
import { parseInWorker, readXlsxRows } from './xlsx-reader';
import { XLSX_LIMITS } from './xlsx-guard';

const MB = 1024 * 1024;
const SHEET = 'xl/worksheets/sheet1.xml';
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** The test workbook repackaged, with parts replaced or added. */
async function workbookWith(parts: CraftedEntry[]): Promise<Buffer> {
  const names = new Set(parts.map((p) => p.name));
  const kept = (await zipEntries(await statementXlsx())).filter((e) => !names.has(e.name));
  return craftZip([...kept, ...parts]);
}

/** Refusal of `file`, with how much billing's resident memory grew while refusing it. */
async function refusal(file: Buffer): Promise<{ message: string; rssGrowth: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await parseStatement(file);
  } catch (e) {
    return { message: (e as Error).message, rssGrowth: Math.max(peak, process.memoryUsage().rss) - before };
  } finally {
    clearInterval(sampler);
  }
  throw new Error('the file was accepted');
}

function* bigSheet(rows: number): Iterable<Buffer> {
  yield Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${NS}"><sheetData>`);
  for (let r = 1; r <= rows; r++) {
    yield Buffer.from(`<row r="${r}"><c r="A${r}"><v>${r}</v></c><c r="B${r}"><v>${r * 2}</v></c><c r="C${r}"><v>${r * 3}</v></c><c r="D${r}"><v>${r * 5}</v></c></row>`);
  }
  yield Buffer.from('</sheetData></worksheet>');
}

describe('XLSX statement reader against crafted archives', () => {
  it('still reads a repackaged real workbook (the crafted archives are valid ZIPs)', async () => {
    const rows = await readXlsxRows(await workbookWith([]));
    expect(rows.map((r) => r.lineNumber)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(rows[5].cells[7]).toBe('吉林省图书馆会费');
  });

  it('refuses a part whose declared size lies (2 KB declared, 200 MB real), counting the bytes actually inflated', async () => {
    const bomb = await workbookWith([{ name: 'xl/media/image1.png', chunks: () => repeated(Buffer.alloc(MB), 200), declaredSize: 2048 }]);
    expect(bomb.length).toBeLessThan(MB);
    const { message, rssGrowth } = await refusal(bomb);
    expect(message).toBe('XLSX 文件实际解压超过 48 MB 的上限（约 12 万行）：请按月份拆分后分别导入，或导出为 CSV 格式');
    expect(rssGrowth).toBeLessThan(64 * MB);
  });

  it('refuses a worksheet whose declared size lies even when the archive total looks small', async () => {
    const rows = (function* () {
      yield Buffer.from(`<worksheet xmlns="${NS}"><sheetData>`);
      yield* repeated('<row><c><v>1</v></c></row>'.repeat(1000), 3000);
      yield Buffer.from('</sheetData></worksheet>');
    })();
    const bomb = await workbookWith([{ name: SHEET, chunks: () => rows, declaredSize: 1000 }]);
    const { message, rssGrowth } = await refusal(bomb);
    expect(message).toMatch(/^XLSX 文件实际解压超过 48 MB 的上限/);
    expect(rssGrowth).toBeLessThan(64 * MB);
  });

  it('refuses a part whose real size differs from the declared one, even below the limit', async () => {
    const lying = await workbookWith([{ name: 'docProps/custom.xml', chunks: () => repeated('<a/>', 1000), declaredSize: 10 }]);
    await expect(parseStatement(lying)).rejects.toThrow('XLSX 文件无法打开：文件可能已损坏');
  });

  it('refuses an archive with thousands of parts before inflating any', async () => {
    const many = Array.from({ length: 5000 }, (_, i): CraftedEntry => ({ name: `xl/media/p${i}.bin`, chunks: () => [Buffer.from('x')] }));
    const { message, rssGrowth } = await refusal(await workbookWith(many));
    expect(message).toMatch(/^XLSX 文件包含 50\d\d 个部件，超过 200 个的上限/);
    expect(rssGrowth).toBeLessThan(64 * MB);
  });

  it('refuses deeply nested XML in a worksheet', async () => {
    const deep = (function* () {
      yield Buffer.from(`<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>`);
      yield* repeated('<r>'.repeat(1000), 100);
      yield* repeated('</r>'.repeat(1000), 100);
      yield Buffer.from('</is></c></row></sheetData></worksheet>');
    })();
    const { message, rssGrowth } = await refusal(await workbookWith([{ name: SHEET, chunks: () => deep }]));
    expect(message).toBe(`XLSX 文件中 ${SHEET} 的 XML 嵌套超过 32 层：不是银行导出的对账单，请重新导出后再导入`);
    expect(rssGrowth).toBeLessThan(64 * MB);
  });

  it('refuses a DTD (entity expansion) in any XML part', async () => {
    const dtd = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]><sst>&a;</sst>';
    const { message } = await refusal(await workbookWith([{ name: 'xl/sharedStrings.xml', chunks: () => [Buffer.from(dtd)] }]));
    expect(message).toBe('XLSX 文件中 xl/sharedStrings.xml 含有 DTD 声明：不是银行导出的对账单，请重新导出后再导入');
  });

  it('refuses a sharedStrings part with more strings than the limit, though its bytes are within the size limit', async () => {
    const count = XLSX_LIMITS.maxSharedStrings + 100_000;
    const strings = (function* () {
      yield Buffer.from(`<sst xmlns="${NS}" count="${count}" uniqueCount="${count}">`);
      yield* repeated('<si><t>a</t></si>'.repeat(1000), count / 1000);
      yield Buffer.from('</sst>');
    })();
    const file = await workbookWith([{ name: 'xl/sharedStrings.xml', chunks: () => strings }]);
    const { message, rssGrowth } = await refusal(file);
    expect(message).toBe('XLSX 文件中的共享字符串超过 1000000 个的上限：请按月份拆分后分别导入，或导出为 CSV 格式');
    expect(rssGrowth).toBeLessThan(64 * MB);
  });

  it('parses in a worker whose heap is capped: a workbook within every archive limit is refused when it needs more', async () => {
    const file = await workbookWith([{ name: SHEET, chunks: () => bigSheet(30_000) }]);
    expect((await parseInWorker(file)).length).toBe(30_000);
    // The same small cap reads the ordinary statement: it is the big sheet, not the cap alone, that is refused.
    expect(await parseInWorker(await statementXlsx(), 24)).toHaveLength(6);
    await expect(parseInWorker(file, 24)).rejects.toThrow('XLSX 文件解析所需内存超过 24 MB 的上限：请按月份拆分后分别导入，或导出为 CSV 格式');
  });
});
