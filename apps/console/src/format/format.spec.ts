import { describe, expect, it } from 'vitest';
import { checkAllocations } from './allocation';
import { incomeByMonthOption, matchPercent, matchRateOption, receivablesByAgeOption } from './charts';
import { ageInDays, shanghaiDate } from './dates';
import { historyLine } from './history';
import { maskedAccount } from './follow-up';
import { fileProblem, followImport, importFigures, importProgressText, percentOf } from './import';
import { DELIVERY_TEMPLATE, parseTrackingPaste, timeline } from './membership';
import { parseYuan, yuan } from './money';

describe('money', () => {
  it('shows fen as 元 with two decimals and separators', () => {
    expect(yuan(1800000)).toBe('18,000.00');
    expect(yuan(35000)).toBe('350.00');
    expect(yuan(29)).toBe('0.29');
    expect(yuan(-150)).toBe('-1.50');
    expect(() => yuan(1.5)).toThrow(/整数分/);
  });
  it('parses typed 元 without floating point error and refuses bad input in Chinese', () => {
    expect(parseYuan('0.29')).toEqual({ fen: 29 });
    expect(parseYuan('1,800')).toEqual({ fen: 180000 });
    expect(parseYuan(' 6000.5 ')).toEqual({ fen: 600050 });
    expect(parseYuan('1.234')).toEqual({ error: '金额格式有误，请输入元，最多两位小数' });
    expect(parseYuan('0')).toEqual({ error: '金额须大于0' });
    expect(parseYuan('abc')).toHaveProperty('error');
  });
});

describe('dates', () => {
  it('counts age on Shanghai dates: 00:30 Shanghai is already the next day', () => {
    expect(shanghaiDate('2027-03-02T16:30:00Z')).toBe('2027-03-03');
    expect(ageInDays('2027-03-03', new Date('2027-03-02T16:30:00Z'))).toBe(0);
    expect(ageInDays('2027-03-01', new Date('2027-03-02T16:30:00Z'))).toBe(2);
    expect(ageInDays('2027-03-04', new Date('2027-03-02T16:30:00Z'))).toBe(0);
  });
});

describe('split allocations', () => {
  const d = (orderId: string, amountText: string) => ({ orderId, institutionName: orderId, amountText });
  it('accepts parts adding up to the credit exactly', () => {
    expect(checkAllocations(1200000, [d('a', '6000'), d('b', '6,000.00')])).toEqual({ allocations: [{ orderId: 'a', amountFen: 600000 }, { orderId: 'b', amountFen: 600000 }], problems: [], remainingFen: 0 });
  });
  it('says what is left over or too much, and refuses duplicates and bad amounts', () => {
    expect(checkAllocations(1200000, [d('a', '6000')]).problems).toEqual(['尚有 6000.00 元未分配']);
    expect(checkAllocations(1200000, [d('a', '13000')]).problems).toEqual(['分配合计超出到账金额 1000.00 元']);
    expect(checkAllocations(100, [d('a', '0.5'), d('a', '0.5')]).problems).toEqual(['a：同一缴费单不能重复分配']);
    expect(checkAllocations(100, [d('a', 'x')]).problems[0]).toMatch(/^a：金额格式有误/);
    expect(checkAllocations(100, []).problems).toContain('请至少选择一张缴费单');
  });
});

describe('import result', () => {
  const summary = { statementId: 's', filename: 'f.csv', format: 'csv', profile: 'bank-of-beijing', balanceCheck: 'mismatch', flagged: true, lines: 10, credits: 8, newCredits: 7, duplicates: 1, debitsIgnored: 2, autoMatched: 5, suggested: 1, unmatched: 1, rejected: [] };
  it('lists the figures a clerk checks, with the balance check in Chinese and flagged', () => {
    const figures = importFigures(summary);
    expect(figures.map((f) => f.label)).toEqual(['文件行数', '新到账', '重复（已导入过）', '自动匹配', '待确认', '未匹配', '支出行（忽略）', '余额核对']);
    expect(figures.at(-1)).toEqual({ label: '余额核对', value: '余额不符', tone: 'bad' });
  });
  it('progress and file checks', () => {
    expect(percentOf(512, 1024)).toBe(50);
    expect(percentOf(5, 0)).toBe(0);
    expect(fileProblem({ name: 'a.pdf', size: 10 })).toMatch(/仅支持/);
    expect(fileProblem({ name: 'a.csv', size: 0 })).toMatch(/为空/);
    expect(fileProblem({ name: 'big.xlsx', size: 21 * 1024 * 1024 })).toMatch(/超过 20 MB/);
    expect(fileProblem({ name: '北京银行.CSV', size: 100 })).toBeNull();
  });
  const job = (state: 'queued' | 'running' | 'done' | 'failed', persistedLines: number, percent: number, parsedLines = 100010) => ({
    importId: 'i', statementId: 'i', filename: 'f.csv', state, result: state === 'done' ? summary : null, error: null,
    attempts: 1, uploadedBy: 'fin-a', createdAt: '2026-12-07T02:00:00Z', startedAt: null, finishedAt: null,
    progress: { totalLines: 100010, parsedLines, creditLines: 100000, persistedLines, matchedLines: 12, percent },
  });
  it('says where the background import stands', () => {
    expect(importProgressText(job('queued', 0, 0, 0))).toBe('文件已上传，排队等待导入…');
    expect(importProgressText(job('running', 0, 0, 0))).toBe('正在解析文件…');
    expect(importProgressText(job('running', 40000, 43))).toBe('已解析 100,010 行；已入库 40,000 / 100,000 笔到账，其中自动匹配 12 笔');
  });
  it('follows the import to its end through a failed poll, reporting each answer', async () => {
    const answers = [job('queued', 0, 0, 0), job('running', 2000, 6), new Error('offline'), job('running', 50000, 52), job('done', 100000, 100)];
    const seen: number[] = [];
    const done = await followImport(
      async () => {
        const a = answers.shift()!;
        if (a instanceof Error) throw a;
        return a;
      },
      (j) => seen.push(j.progress.percent),
      { sleep: async () => undefined },
    );
    expect(seen).toEqual([0, 6, 52, 100]);
    expect(done.result).toEqual(summary);
  });
  it('gives up after five failed polls in a row', async () => {
    await expect(followImport(async () => Promise.reject(new Error('offline')), () => undefined, { sleep: async () => undefined })).rejects.toThrow('offline');
  });
});

describe('follow-up mail', () => {
  it('previews the payer account as the mail shows it: the last four characters only', () => {
    expect(maskedAccount('6222020200112233445')).toBe('****3445');
    expect(maskedAccount('6222 0202 0011 2233 445')).toBe('****3445');
    expect(maskedAccount('')).toBe('');
  });
});

describe('charts', () => {
  it('income bars are in 元', () => {
    const o = incomeByMonthOption([{ period: '2026-11', amountFen: 1800000, count: 1 }]);
    expect(o.xAxis.data).toEqual(['2026-11']);
    expect(o.series[0]!.data).toEqual([18000]);
  });
  it('match rate stacks auto / manual / open / set aside per statement, oldest first', () => {
    const o = matchRateOption([
      { filename: 'b.csv', uploadedAt: '2026-12-02 10:00', auto: 1, manual: 0, open: 0, setAside: 0 },
      { filename: 'a.csv', uploadedAt: '2026-12-01 10:00', auto: 5, manual: 2, open: 1, setAside: 1 },
    ]);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([
      ['自动匹配', [5, 1]],
      ['人工匹配', [2, 0]],
      ['未处理', [1, 0]],
      ['非会费款项', [1, 0]],
    ]);
    expect(matchPercent({ auto: 5, manual: 2, open: 1, setAside: 1 })).toBe(88);
  });
  it('age buckets without outstanding money are left out of the pie', () => {
    const o = receivablesByAgeOption([{ bucket: '30天以内', count: 1, outstandingFen: 600000 }, { bucket: '一年以上', count: 0, outstandingFen: 0 }]);
    expect(o.series[0]!.data).toEqual([{ name: '30天以内', value: 6000 }]);
  });
});

describe('membership administration', () => {
  it('reads carrier and tracking numbers pasted from a spreadsheet, with line numbers for bad rows', () => {
    const { rows, problems } = parseTrackingPaste('会员编号\t承运商\t运单号\nLSC2026001\t中国邮政EMS\tEA123456789CN\nLSC2026002\t顺丰\n\nLSC2026003,顺丰,SF 1');
    expect(rows).toEqual([{ memberNumber: 'LSC2026001', carrier: '中国邮政EMS', trackingNumber: 'EA123456789CN' }]);
    expect(problems).toEqual(['第3行：须有会员编号、承运商、运单号三列', '第5行：运单号格式有误']);
  });
  it('turns events into a Chinese timeline, newest first', () => {
    const t = timeline([
      { type: 'MembershipActivated', at: '2026-09-03T02:00:00Z', data: { memberNumber: 'LSC2026001', validTo: '2027-12-31' } },
      { type: 'MembershipStatusOverridden', at: '2026-10-01T02:00:00Z', data: { status: 'grace', reason: '理事会决定' } },
    ]);
    expect(t.map((e) => e.title)).toEqual(['人工调整状态', '会员资格生效']);
    expect(t[0]!.detail).toBe('状态：宽限期；原因：理事会决定');
    expect(t[1]!.detail).toBe('会员编号 LSC2026001；有效期至 2027-12-31');
  });
  it('a transfer history line names the clerk and the reason', () => {
    expect(historyLine({ type: 'TransferSetAside', actorName: '王会计', data: { reason: '图书款' } })).toBe('王会计 标记为非会费款项：图书款');
    expect(historyLine({ type: 'TransferFollowUpRequested', actorName: '王会计', data: { institutionName: '西山文献馆' } })).toBe('王会计 发送核对邮件给西山文献馆');
    expect(historyLine({ type: 'TransferMatched', actorName: null, data: { mode: 'auto' } })).toBe('系统 匹配到缴费单（自动）');
  });
});

describe('邮件类型 labels', () => {
  it('names every mail notification can send in Chinese (a new template without a label fails here)', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = join(__dirname, '../../../notification/src/templates');
    const templates = readdirSync(dir).filter((n) => !n.startsWith('_') && !n.startsWith('.') && statSync(join(dir, n)).isDirectory() && n !== '__snapshots__');
    expect(templates.length).toBeGreaterThan(10);
    expect(templates.filter((t) => !DELIVERY_TEMPLATE[t])).toEqual([]);
    for (const t of templates) expect(DELIVERY_TEMPLATE[t]).toMatch(/^[\u4e00-\u9fff/]+$/u);
  });
});
