import { CAMT_053_VERSIONS, camt053Document, type CamtStmt } from '../../test-fixtures/statements/builders';
import { parseStatement } from './parse-statement';

/**
 * Two daily statements of the dues account (the second opens where the first closed) and one of another account
 * without balances; entries in EUR and CHF among yuan ones; entries missing optional blocks (no NtryDtls, no
 * AcctSvcrRef, a value date only, no Acct/Ccy).
 */
const statements: CamtStmt[] = [
  {
    id: 'S-0901',
    ccy: 'CNY',
    balances: { opening: '500000.00', closing: '506000.00' },
    entries: [
      { amount: '6000.00', direction: 'CRDT', booked: { DtTm: '2026-09-01T09:05:00+08:00' }, ref: 'R1', payer: '北京市朝阳区图书馆', payerAccount: '6222020200112233445', remark: '北京市朝阳区图书馆会费' },
      { amount: '1200.00', ccy: 'EUR', direction: 'CRDT', booked: { Dt: '2026-09-01' }, ref: 'R2', payer: 'Bibliothèque de Genève', remark: 'membership fee' },
    ],
  },
  {
    id: 'S-0902',
    balances: { opening: '506000.00', closing: '508990.00' },
    entries: [
      { amount: '3000.00', direction: 'CRDT', valueDate: '2026-09-02', payer: '辽宁省图书馆', remark: '辽宁省图书馆会费' },
      { amount: '500.00', ccy: 'CHF', direction: 'CRDT', booked: { Dt: '2026-09-02' }, payer: 'ETH-Bibliothek', remark: 'fee' },
      { amount: '10.00', direction: 'DBIT', booked: { Dt: '2026-09-02' }, ref: 'R5', info: '账户管理费' },
    ],
  },
  {
    account: '11001234567890',
    entries: [{ amount: '800.00', direction: 'CRDT', booked: { Dt: '2026-09-03' }, ref: 'R1', payer: '吉林省图书馆', remark: '吉林省图书馆会费' }],
  },
];

describe.each(CAMT_053_VERSIONS)('camt.053.001.%s', (version) => {
  it('imports every statement of the file, rejects foreign-currency entries by statement and entry, and checks balances per statement', async () => {
    const result = await parseStatement(camt053Document(version, statements));
    expect(result.format).toBe('camt053');
    expect(result.lines.map((l) => [l.lineNumber, l.accountNumber, l.direction, l.amountFen, l.payerName, l.bankReference])).toEqual([
      [1, '20000006591600105310002', 'credit', 600000, '北京市朝阳区图书馆', 'R1'],
      [3, '20000006591600105310002', 'credit', 300000, '辽宁省图书馆', undefined],
      [5, '20000006591600105310002', 'debit', 1000, '', 'R5'],
      [6, '11001234567890', 'credit', 80000, '吉林省图书馆', 'R1'],
    ]);
    expect(result.lines[1]).toMatchObject({ bookedOn: '2026-09-02', remark: '辽宁省图书馆会费' });
    expect(result.lines[2]).toMatchObject({ remark: '账户管理费' });
    expect(result.rejected.map(({ lineNumber, reason, entry }) => ({ lineNumber, reason, entry }))).toEqual([
      { lineNumber: 2, reason: '对账单 S-0901 第 2 笔（AcctSvcrRef R2）：币种为 EUR，与账户币种 CNY 不符，未导入，请人工核对', entry: { statementId: 'S-0901', index: 2, reference: 'R2' } },
      { lineNumber: 4, reason: '对账单 S-0902 第 2 笔：币种为 CHF，与账户币种 CNY 不符，未导入，请人工核对', entry: { statementId: 'S-0902', index: 2 } },
    ]);
    expect(result.statements).toEqual([
      { id: 'S-0901', accountNumber: '20000006591600105310002', currency: 'CNY', openingBalanceFen: 50000000, closingBalanceFen: 50600000, entries: 2, imported: 1, rejected: 1, balanceCheck: 'ok' },
      { id: 'S-0902', accountNumber: '20000006591600105310002', currency: 'CNY', openingBalanceFen: 50600000, closingBalanceFen: 50899000, entries: 3, imported: 2, rejected: 1, balanceCheck: 'ok' },
      { id: '第 3 个', accountNumber: '11001234567890', currency: 'CNY', entries: 1, imported: 1, rejected: 0, balanceCheck: 'not_available' },
    ]);
    // Two accounts: no single pair of balances describes the file; one statement without balances makes it unknown.
    expect(result).toMatchObject({ accountNumber: '20000006591600105310002、11001234567890', balanceCheck: 'not_available' });
    expect(result).not.toHaveProperty('openingBalanceFen');
  });
});

describe('camt.053 balances and currencies', () => {
  it('flags the file when one statement does not balance, and chains the balances of consecutive statements of one account', async () => {
    const [first, second] = statements;
    const unbalanced = { ...second, balances: { opening: '506000.00', closing: '509990.00' } };
    const flagged = await parseStatement(camt053Document('04', [first, unbalanced]));
    expect(flagged.statements?.map((s) => s.balanceCheck)).toEqual(['ok', 'mismatch']);
    expect(flagged.balanceCheck).toBe('mismatch');
    const chained = await parseStatement(camt053Document('04', [first, second]));
    expect(chained).toMatchObject({ accountNumber: '20000006591600105310002', openingBalanceFen: 50000000, closingBalanceFen: 50899000, balanceCheck: 'ok' });
  });

  it('rejects every entry of a foreign-currency account, and reads no fen out of its balances', async () => {
    const eur: CamtStmt = {
      id: 'EUR-1',
      ccy: 'EUR',
      balances: { opening: '1000.00', closing: '2200.00' },
      entries: [{ amount: '1200.00', ccy: 'EUR', direction: 'CRDT', booked: { Dt: '2026-09-01' }, ref: 'E1', payer: 'Bibliothèque de Genève', remark: 'fee' }],
    };
    const result = await parseStatement(camt053Document('08', [eur]));
    expect(result.lines).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual(['对账单 EUR-1 第 1 笔（AcctSvcrRef E1）：币种为 EUR（外币账户），会费只以人民币结算，未导入，请人工处理']);
    expect(result.statements).toEqual([{ id: 'EUR-1', accountNumber: '20000006591600105310002', currency: 'EUR', entries: 1, imported: 0, rejected: 1, balanceCheck: 'not_available' }]);
  });

  it('takes the account currency from the balances when Acct/Ccy is left out', async () => {
    const result = await parseStatement(
      camt053Document('02', [{ id: 'U', balances: { opening: '0.00', closing: '0.00', ccy: 'USD' }, entries: [{ amount: '5.00', ccy: 'USD', direction: 'CRDT', booked: { Dt: '2026-09-01' }, payer: 'X', remark: 'y' }] }]),
    );
    expect(result.statements?.[0]).toMatchObject({ currency: 'USD', rejected: 1 });
    expect(result.rejected[0].reason).toBe('对账单 U 第 1 笔：币种为 USD（外币账户），会费只以人民币结算，未导入，请人工处理');
  });

  it.each(CAMT_053_VERSIONS)('001.%s: splits a batch booking into its transactions, and rejects one it cannot split or that is not booked', async (version) => {
    const batch = (amounts: Array<string | undefined>, ref: string) => ({
      amount: '9000.00',
      direction: 'CRDT' as const,
      booked: { Dt: '2026-09-05' },
      ref,
      transactions: [
        { amount: amounts[0], payer: '河北省图书馆', remark: '河北省图书馆会费' },
        { amount: amounts[1], ref: 'T-2', payer: '山西省图书馆', remark: '山西省图书馆会费' },
      ],
    });
    const result = await parseStatement(
      camt053Document(version, [
        {
          id: 'B',
          ccy: 'CNY',
          // Three booked entries of 9000.00; the pending one is not in the booked balance.
          balances: { opening: '0.00', closing: '27000.00' },
          entries: [
            batch(['6000.00', '3000.00'], 'BATCH-1'),
            batch(['6000.00', '2000.00'], 'BATCH-2'),
            batch([undefined, undefined], 'BATCH-3'),
            { amount: '50.00', direction: 'CRDT', status: 'PDNG', booked: { Dt: '2026-09-05' }, ref: 'P1', payer: '某人', remark: '会费' },
          ],
        },
      ]),
    );
    expect(result.lines.map((l) => [l.lineNumber, l.amountFen, l.payerName, l.remark, l.bankReference])).toEqual([
      [1, 600000, '河北省图书馆', '河北省图书馆会费', 'BATCH-1/1'],
      [2, 300000, '山西省图书馆', '山西省图书馆会费', 'T-2'],
    ]);
    const why = '明细金额缺失或合计与入账金额不符，无法逐笔拆分，未导入，请人工处理';
    expect(result.rejected.map((r) => [r.lineNumber, r.reason])).toEqual([
      [3, `对账单 B 第 2 笔（AcctSvcrRef BATCH-2）：批量入账含 2 笔明细，${why}`],
      [4, `对账单 B 第 3 笔（AcctSvcrRef BATCH-3）：批量入账含 2 笔明细，${why}`],
      [5, '对账单 B 第 4 笔（AcctSvcrRef P1）：记账状态为 PDNG（尚未入账），未导入'],
    ]);
    // Two booked entries could not be imported: the statement does not balance, and is flagged.
    expect(result.statements?.[0]).toMatchObject({ entries: 4, imported: 2, rejected: 3, balanceCheck: 'mismatch' });
  });
});
