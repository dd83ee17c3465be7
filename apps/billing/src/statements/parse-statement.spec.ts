import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { bankOfBeijingGbk, statementXlsx } from '../../test-fixtures/statements/builders';
import { craftZip, repeated, zipEntries } from '../../test-fixtures/statements/zip-crafting';
import { MAX_STATEMENT_LINES, parseStatement } from './parse-statement';
import { ColumnProfile, GENERIC_PROFILE } from './profiles';
import { StatementFormatError } from './types';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, '../../test-fixtures/statements', name));

describe('parseStatement', () => {
  it('reads a GBK Bank-of-Beijing CSV with a title block', async () => {
    const result = await parseStatement(bankOfBeijingGbk(), { filename: 'mingxi.csv' });
    expect(result).toMatchObject({
      format: 'csv',
      encoding: 'gb18030',
      profile: 'bank-of-beijing',
      accountNumber: '20000006591600105310002',
      openingBalanceFen: 100000000,
      closingBalanceFen: 102499000,
      balanceCheck: 'ok',
      rejected: [],
    });
    expect(result.lines).toHaveLength(4);
    expect(result.lines[0]).toMatchObject({
      lineNumber: 8,
      bookedOn: '2026-09-01',
      bookedAt: '2026-09-01T09:05:00+08:00',
      direction: 'credit',
      amountFen: 1800000,
      payerName: '北京市朝阳区图书馆',
      payerAccount: '6222020200112233445',
      payerBank: '中国工商银行北京朝阳支行',
      remark: '北京市朝阳区图书馆会费',
      bankReference: 'BOB202609010001',
    });
    expect(result.lines[1]).toMatchObject({ bookedAt: '2026-09-02T15:00:00+08:00', amountFen: 600000 });
    expect(result.lines[2]).toMatchObject({ direction: 'debit', amountFen: 1000, remark: '跨行汇款手续费' });
    // 附言 is empty here, so the payer's text sitting in 摘要 is used.
    expect(result.lines[3]).toMatchObject({ bookedOn: '2026-09-04', remark: '首都师范大学图书馆会费', payerName: '首都师范大学' });
  });

  it('reads a generic UTF-8 CSV with 交易金额 + 借贷标志, preferring 用途 over the bank’s 摘要', async () => {
    const result = await parseStatement(fixture('generic-utf8.csv'));
    expect(result).toMatchObject({ format: 'csv', encoding: 'utf-8', profile: 'generic', balanceCheck: 'not_available' });
    expect(result.lines.map((l) => [l.direction, l.amountFen, l.remark, l.bankReference])).toEqual([
      ['credit', 100000, '上海市徐汇区图书馆+会费', 'SN0001'],
      ['debit', 2000, '手续费', 'SN0002'],
      ['credit', 300000, '湖北省图书馆2026会费13912345678', 'SN0003'],
    ]);
    expect(result.lines[2].bookedAt).toBe('2026-09-02T15:00:00+08:00');
  });

  it('gives the same lines for the BOM variant and for a GBK re-encoding', async () => {
    const plain = await parseStatement(fixture('generic-utf8.csv'));
    const bom = await parseStatement(fixture('generic-bom.csv'));
    const gbk = await parseStatement(iconv.encode(fixture('generic-utf8.csv').toString('utf8'), 'gb18030'));
    expect(bom.lines).toEqual(plain.lines);
    expect(gbk.lines).toEqual(plain.lines);
    expect(gbk.encoding).toBe('gb18030');
  });

  it('reads an XLSX with Date cells, formulas, rich text and a signed amount column', async () => {
    const result = await parseStatement(await statementXlsx());
    expect(result).toMatchObject({ format: 'xlsx', openingBalanceFen: 20000000, closingBalanceFen: 20396450, balanceCheck: 'ok' });
    expect(result.lines.map((l) => [l.lineNumber, l.bookedOn, l.direction, l.amountFen, l.remark])).toEqual([
      [5, '2026-09-01', 'credit', 100000, '辽宁省图书馆会费'],
      [6, '2026-09-02', 'debit', 3550, '证书邮寄费'],
      [7, '2026-09-03', 'credit', 300000, '吉林省图书馆会费'],
    ]);
    expect(result.lines[0].bookedAt).toBe('2026-09-01T09:05:00+08:00');
  });

  it('refuses, before unpacking it, an XLSX that unpacks beyond what billing can hold (a zip bomb or an oversized statement)', async () => {
    // Built part by part (exceljs took over a minute to write it on a busy machine): a real workbook whose sheet
    // honestly declares 60 MB.
    const sheetXml = (function* () {
      yield Buffer.from('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>');
      yield* repeated(`<row><c t="inlineStr"><is><t>${'会费'.repeat(1000)}</t></is></c></row>`.repeat(100), 200);
      yield Buffer.from('</sheetData></worksheet>');
    })();
    const parts = (await zipEntries(await statementXlsx())).filter((e) => e.name !== 'xl/worksheets/sheet1.xml');
    const file = await craftZip([...parts, { name: 'xl/worksheets/sheet1.xml', chunks: () => sheetXml }]);
    expect(file.length).toBeLessThan(2 * 1024 * 1024);
    await expect(parseStatement(file)).rejects.toThrow(/XLSX 文件解压后为 \d+ MB，超过 48 MB 的上限.*请按月份拆分/);
  });

  it('refuses a CSV statement longer than MAX_STATEMENT_LINES before parsing it, and reads one at the limit', async () => {
    const row = (i: number) => `2026-09-01,R${i},1.00,,某单位,6222,货款`;
    const header = '交易日期,交易流水号,收入金额,支出金额,对方户名,对方账号,用途';
    const atLimit = [header, ...Array.from({ length: MAX_STATEMENT_LINES - 1 }, (_, i) => row(i))].join('\n');
    expect((await parseStatement(Buffer.from(atLimit))).lines).toHaveLength(MAX_STATEMENT_LINES - 1);
    await expect(parseStatement(Buffer.from(`${atLimit}\n${row(-1)}`))).rejects.toThrow(`对账单超过 ${MAX_STATEMENT_LINES} 行的上限：请按月份拆分后分别导入`);
  });

  it('reads camt.053 with OPBD/CLBD balances and debtor details', async () => {
    const result = await parseStatement(fixture('camt053.xml'), { contentType: 'application/xml' });
    expect(result).toMatchObject({
      format: 'camt053',
      accountNumber: '20000006591600105310002',
      openingBalanceFen: 50000000,
      closingBalanceFen: 51799029,
      balanceCheck: 'ok',
      rejected: [],
    });
    expect(result.lines[0]).toMatchObject({
      lineNumber: 1,
      bookedOn: '2026-09-03',
      bookedAt: '2026-09-03T10:15:00+08:00',
      amountFen: 1800029,
      payerName: '北京大学',
      payerAccount: '0200004509014412345',
      payerBank: '中国工商银行北京海淀支行',
      remark: '北京大学图书馆交纳中图学会会费',
      bankReference: 'BOB20260903000077',
    });
    expect(result.lines[1]).toMatchObject({ direction: 'debit', amountFen: 1000, remark: '账户管理费' });
  });

  it('rejects bad rows with line number and Chinese reason, keeping the rest', async () => {
    const result = await parseStatement(fixture('malformed.csv'));
    expect(result.accountNumber).toBe('110022334455');
    expect(result.rejected.map((r) => [r.lineNumber, r.reason])).toEqual([
      [5, '交易日期无法识别：2026-09-31'],
      [6, '收入金额无法识别：一千元'],
      [7, '缺少对方户名和附言，无法识别付款方'],
    ]);
    expect(result.rejected[0].raw).toContain('南开大学图书馆');
    expect(result.lines.map((l) => [l.lineNumber, l.direction, l.amountFen])).toEqual([
      [4, 'credit', 100000],
      [8, 'debit', 30000],
      [9, 'credit', 300000],
    ]);
  });

  it('reports a mismatch when opening + credits − debits ≠ closing', async () => {
    const result = await parseStatement(fixture('unbalanced.csv'));
    expect(result).toMatchObject({ openingBalanceFen: 1000000, closingBalanceFen: 1250000, balanceCheck: 'mismatch' });
    expect(result.lines).toHaveLength(2);
  });

  it('flags a running-balance column that skips money as a mismatch', async () => {
    const csv = ['交易日期,收入金额,支出金额,余额,对方户名,附言', '2026-09-01,100.00,,1100.00,甲图书馆,会费', '2026-09-02,100.00,,1300.00,乙图书馆,会费'].join('\n');
    expect((await parseStatement(Buffer.from(csv))).balanceCheck).toBe('mismatch');
    const newestFirst = ['交易日期,收入金额,支出金额,余额,对方户名,附言', '2026-09-02,100.00,,1200.00,乙图书馆,会费', '2026-09-01,100.00,,1100.00,甲图书馆,会费'].join('\n');
    expect(await parseStatement(Buffer.from(newestFirst))).toMatchObject({ balanceCheck: 'ok', openingBalanceFen: 100000, closingBalanceFen: 120000 });
  });

  it('gives identical rows distinct but re-import-stable content hashes', async () => {
    const csv = ['交易日期,交易金额,借贷标志,对方户名,附言', '2026-09-01,100.00,贷,甲图书馆,会费', '2026-09-01,100.00,贷,甲图书馆,会费'].join('\n');
    const first = await parseStatement(Buffer.from(csv));
    const again = await parseStatement(Buffer.from(csv));
    expect(first.lines[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.lines[0].contentHash).not.toBe(first.lines[1].contentHash);
    expect(again.lines.map((l) => l.contentHash)).toEqual(first.lines.map((l) => l.contentHash));
  });

  it('rejects rows whose direction flag is unknown', async () => {
    const csv = ['交易日期,交易金额,收支方向,对方户名,附言', '2026-09-01,100.00,？,甲图书馆,会费'].join('\n');
    const result = await parseStatement(Buffer.from(csv));
    expect(result.rejected).toEqual([{ lineNumber: 2, reason: '借贷标志无法识别：？', raw: '2026-09-01,100.00,？,甲图书馆,会费' }]);
  });

  it('accepts a custom profile as data, selected by name', async () => {
    const custom: ColumnProfile = {
      ...GENERIC_PROFILE,
      name: 'my-bank',
      signature: ['入账时间'],
      columns: { ...GENERIC_PROFILE.columns, date: ['入账时间'], payerName: ['汇款人'], remark: ['汇款留言'] },
    };
    const csv = ['入账时间,交易金额,借贷标志,汇款人,汇款留言', '2026-09-01,100.00,贷,甲图书馆,甲图书馆会费'].join('\n');
    const result = await parseStatement(Buffer.from(csv), { profiles: [custom], profile: 'my-bank' });
    expect(result.profile).toBe('my-bank');
    expect(result.lines[0]).toMatchObject({ payerName: '甲图书馆', remark: '甲图书馆会费' });
  });

  it('explains unreadable files in Chinese', async () => {
    await expect(parseStatement(Buffer.from('hello,world\n1,2'))).rejects.toThrow(StatementFormatError);
    await expect(parseStatement(Buffer.from('hello,world\n1,2'))).rejects.toThrow('未找到表头行');
    await expect(parseStatement(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]))).rejects.toThrow('不支持旧版 Excel');
    await expect(parseStatement(Buffer.from('<html></html>'))).rejects.toThrow('camt.053');
    await expect(parseStatement(Buffer.from('交易日期,交易金额,对方户名\n'), { profile: 'nope' })).rejects.toThrow('未知的银行格式配置');
  });
});
