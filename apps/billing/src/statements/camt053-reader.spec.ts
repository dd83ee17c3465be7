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
});
