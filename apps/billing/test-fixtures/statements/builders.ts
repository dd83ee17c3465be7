/** Binary statement fixtures are built at test time so the repository holds only readable sources. */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export const BANK_OF_BEIJING_CSV = [
  '北京银行对公账户交易明细',
  '账号：20000006591600105310002',
  '户名：中国图书馆学会',
  '开户行：北京银行白石桥支行',
  '查询期间：2026-09-01 至 2026-09-30',
  '',
  '交易日期,交易时间,交易流水号,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,对方开户行,附言',
  '2026-09-01,09:05:00,BOB202609010001,转账,,"18,000.00","1,018,000.00",="6222020200112233445",北京市朝阳区图书馆,中国工商银行北京朝阳支行,北京市朝阳区图书馆会费',
  '2026/9/2,15:00,BOB202609020002,网银转账,,￥6000.00元,"1,024,000.00",11001234567890,北京市朝阳区少儿图书馆,中国建设银行北京分行,北京市朝阳区少儿图书馆交纳中图学会会费 K3M9Q7',
  '20260903,,BOB202609030003,跨行汇款手续费,10.00,,"1,023,990.00",,,,',
  '2026年9月4日,,BOB202609040004,首都师范大学图书馆会费,,"1,000.00","1,024,990.00",0200001234,首都师范大学,中国银行北京分行,',
  '合计,,,,10.00,"25,000.00",,,,,',
].join('\r\n');

export const bankOfBeijingGbk = (): Buffer => iconv.encode(BANK_OF_BEIJING_CSV, 'gbk');

export async function statementXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('交易明细');
  sheet.addRow(['中国图书馆学会 账户交易明细']);
  sheet.addRow(['账号：20000006591600105310002']);
  sheet.addRow([]);
  sheet.addRow(['交易日期', '记账日期', '交易金额', '账户余额', '摘要', '对方账号', '对方户名', '备注']);
  sheet.addRow([new Date(Date.UTC(2026, 8, 1, 9, 5)), '2026-09-01', 1000, 201000, '转账', '6217001', '辽宁省图书馆', '辽宁省图书馆会费']);
  sheet.addRow([new Date(Date.UTC(2026, 8, 2)), '2026-09-02', -35.5, 200964.5, '邮费', '', '中国邮政', '证书邮寄费']);
  sheet.addRow([new Date(Date.UTC(2026, 8, 3)), '2026-09-03', { formula: '2000+1000', result: 3000 }, 203964.5, '网银转账', '6217002', '吉林省图书馆', { richText: [{ text: '吉林省图书馆' }, { text: '会费' }] }]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An entry of a generated camt.053 statement; every optional block can be left out. */
export interface CamtEntry {
  amount: string;
  ccy?: string;
  direction: 'CRDT' | 'DBIT';
  /** `Dt` (date) or `DtTm`; omitted: only a value date is given. */
  booked?: { Dt: string } | { DtTm: string };
  valueDate?: string;
  ref?: string;
  payer?: string;
  payerAccount?: string;
  remark?: string;
  /** Text of AddtlNtryInf, for entries without NtryDtls (bank fees). */
  info?: string;
  /** BOOK when omitted. */
  status?: string;
  /** A batch booking: one TxDtls each (amount omitted: the transaction carries none). */
  transactions?: Array<{ amount?: string; ref?: string; payer: string; remark: string }>;
}

export interface CamtStmt {
  id?: string;
  account?: string;
  /** Acct/Ccy; optional in the schema. */
  ccy?: string;
  /** OPBD and CLBD amounts in yuan; omitted: no Bal blocks. */
  balances?: { opening: string; closing: string; ccy?: string };
  entries: CamtEntry[];
}

export const CAMT_053_VERSIONS = ['02', '03', '04', '05', '06', '07', '08'] as const;

/**
 * A camt.053 document of the given version (001.02 … 001.08). Versions differ where it matters here: from 001.08 a
 * related party's name sits in `Pty` (Party40Choice), and from 001.03 a transaction carries its own `Amt`.
 */
export function camt053Document(version: (typeof CAMT_053_VERSIONS)[number], statements: CamtStmt[]): Buffer {
  const v = Number(version);
  const party = (name: string): string => (v >= 8 ? `<Dbtr><Pty><Nm>${name}</Nm></Pty></Dbtr>` : `<Dbtr><Nm>${name}</Nm></Dbtr>`);
  const entry = (e: CamtEntry): string => {
    const ccy = e.ccy ?? 'CNY';
    const booked = e.booked ? `<BookgDt>${'Dt' in e.booked ? `<Dt>${e.booked.Dt}</Dt>` : `<DtTm>${e.booked.DtTm}</DtTm>`}</BookgDt>` : '';
    const batch = (t: NonNullable<CamtEntry['transactions']>[number]): string =>
      `<TxDtls><Refs>${t.ref ? `<AcctSvcrRef>${t.ref}</AcctSvcrRef>` : ''}<EndToEndId>NOTPROVIDED</EndToEndId></Refs>` +
      `${t.amount === undefined ? '' : v >= 3 ? `<Amt Ccy="${ccy}">${t.amount}</Amt>` : `<AmtDtls><TxAmt><Amt Ccy="${ccy}">${t.amount}</Amt></TxAmt></AmtDtls>`}` +
      `<RltdPties>${party(t.payer)}</RltdPties><RmtInf><Ustrd>${t.remark}</Ustrd></RmtInf></TxDtls>`;
    const details = e.transactions
      ? `<NtryDtls><Btch><NbOfTxs>${e.transactions.length}</NbOfTxs></Btch>${e.transactions.map(batch).join('')}</NtryDtls>`
      : e.payer === undefined && e.remark === undefined
        ? ''
        : `<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>${v >= 3 ? `<Amt Ccy="${ccy}">${e.amount}</Amt><CdtDbtInd>${e.direction}</CdtDbtInd>` : ''}` +
          `${e.payer === undefined ? '' : `<RltdPties>${party(e.payer)}${e.payerAccount ? `<DbtrAcct><Id><Othr><Id>${e.payerAccount}</Id></Othr></Id></DbtrAcct>` : ''}</RltdPties>`}` +
          `${e.remark === undefined ? '' : `<RmtInf><Ustrd>${e.remark}</Ustrd></RmtInf>`}</TxDtls></NtryDtls>`;
    return (
      `<Ntry>${e.ref ? `<NtryRef>${e.ref}</NtryRef>` : ''}<Amt Ccy="${ccy}">${e.amount}</Amt><CdtDbtInd>${e.direction}</CdtDbtInd>` +
      `${v >= 8 ? `<Sts><Cd>${e.status ?? 'BOOK'}</Cd></Sts>` : `<Sts>${e.status ?? 'BOOK'}</Sts>`}${booked}${e.valueDate ? `<ValDt><Dt>${e.valueDate}</Dt></ValDt>` : ''}` +
      `${e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : ''}<BkTxCd/>${details}${e.info ? `<AddtlNtryInf>${e.info}</AddtlNtryInf>` : ''}</Ntry>`
    );
  };
  const balance = (code: string, amount: string, ccy: string): string =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="${ccy}">${amount.replace(/^-/, '')}</Amt><CdtDbtInd>${amount.startsWith('-') ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2026-09-30</Dt></Dt></Bal>`;
  const stmt = (s: CamtStmt, i: number): string =>
    `<Stmt>${s.id === undefined ? '' : `<Id>${s.id}</Id>`}<ElctrncSeqNb>${i + 1}</ElctrncSeqNb><CreDtTm>2026-09-30T18:00:00+08:00</CreDtTm>` +
    `<Acct><Id><Othr><Id>${s.account ?? '20000006591600105310002'}</Id></Othr></Id>${s.ccy === undefined ? '' : `<Ccy>${s.ccy}</Ccy>`}</Acct>` +
    `${s.balances ? balance('OPBD', s.balances.opening, s.balances.ccy ?? s.ccy ?? 'CNY') + balance('CLBD', s.balances.closing, s.balances.ccy ?? s.ccy ?? 'CNY') : ''}` +
    `${s.entries.map(entry).join('')}</Stmt>`;
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}"><BkToCstmrStmt>` +
      `<GrpHdr><MsgId>STMT-${version}</MsgId><CreDtTm>2026-09-30T18:00:00+08:00</CreDtTm></GrpHdr>${statements.map(stmt).join('')}</BkToCstmrStmt></Document>`,
    'utf8',
  );
}
