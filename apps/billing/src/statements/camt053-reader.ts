import { XMLParser } from 'fast-xml-parser';
import { checkBalance } from './balance';
import { parseDateTime } from './dates';
import { parseAmountFen } from './money';
import { RejectedRow, StatementFormatError, UnhashedLine, BalanceCheck } from './types';

/** fast-xml-parser output is untyped JSON; a tiny accessor keeps the walk type-safe without `any`. */
type Node = { [key: string]: unknown } | string | undefined;

const child = (node: unknown, ...path: string[]): Node => {
  let current: unknown = node;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    const next: unknown = (current as Record<string, unknown>)[key];
    current = Array.isArray(next) ? next[0] : next;
  }
  return current as Node;
};
const list = (node: unknown, key: string): unknown[] => {
  if (node === null || typeof node !== 'object') return [];
  const value = (node as Record<string, unknown>)[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
};
const text = (node: unknown, ...path: string[]): string => {
  const value = child(node, ...path);
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && typeof value['#text'] === 'string') return value['#text'].trim();
  return '';
};

export interface CamtStatement {
  accountNumber?: string;
  openingBalanceFen?: number;
  closingBalanceFen?: number;
  lines: UnhashedLine[];
  rejected: RejectedRow[];
  balanceCheck: BalanceCheck;
}

function balance(stmt: unknown, codes: string[]): number | undefined {
  for (const code of codes) {
    const bal = list(stmt, 'Bal').find((b) => text(b, 'Tp', 'CdOrPrtry', 'Cd') === code);
    if (!bal) continue;
    const amount = parseAmountFen(text(bal, 'Amt'));
    if (amount === null) return undefined;
    return text(bal, 'CdtDbtInd') === 'DBIT' ? -amount : amount;
  }
  return undefined;
}

function readEntry(entry: unknown, lineNumber: number): UnhashedLine | { reason: string } {
  const amountFen = parseAmountFen(text(entry, 'Amt'));
  if (amountFen === null || amountFen <= 0) return { reason: `金额无法识别：${text(entry, 'Amt') || '（空）'}` };
  const indicator = text(entry, 'CdtDbtInd');
  if (indicator !== 'CRDT' && indicator !== 'DBIT') return { reason: `借贷标志无法识别：${indicator || '（空）'}` };
  const booking = text(entry, 'BookgDt', 'DtTm') || text(entry, 'BookgDt', 'Dt') || text(entry, 'ValDt', 'Dt');
  // camt DtTm carries an offset; the date part is already the account's local date for a Chinese bank.
  const dateTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(booking);
  const parsed = dateTime ? parseDateTime(`${dateTime[1]} ${dateTime[2]}`) : parseDateTime(booking);
  if (!parsed) return { reason: `记账日期无法识别：${booking || '（空）'}` };
  const tx = child(entry, 'NtryDtls', 'TxDtls');
  const party = indicator === 'CRDT' ? 'Dbtr' : 'Cdtr';
  const agent = indicator === 'CRDT' ? 'DbtrAgt' : 'CdtrAgt';
  const payerName = text(tx, 'RltdPties', party, 'Nm') || text(tx, 'RltdPties', party, 'Pty', 'Nm');
  const payerAccount =
    text(tx, 'RltdPties', `${party}Acct`, 'Id', 'Othr', 'Id') || text(tx, 'RltdPties', `${party}Acct`, 'Id', 'IBAN');
  const payerBank = text(tx, 'RltdAgts', agent, 'FinInstnId', 'Nm') || text(tx, 'RltdAgts', agent, 'FinInstnId', 'BICFI');
  const remark =
    list(child(tx, 'RmtInf'), 'Ustrd').map((u) => text({ u }, 'u')).join(' ').trim() || text(entry, 'AddtlNtryInf');
  if (payerName === '' && remark === '') return { reason: '缺少对方户名和附言，无法识别付款方' };
  const bankReference = text(entry, 'AcctSvcrRef') || text(tx, 'Refs', 'AcctSvcrRef') || text(tx, 'Refs', 'EndToEndId');
  const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(booking)?.[1];
  return {
    lineNumber,
    bookedOn: parsed.date,
    ...(parsed.time ? { bookedAt: `${parsed.date}T${parsed.time}${offset === undefined || offset === 'Z' ? '+08:00' : offset}` } : {}),
    direction: indicator === 'CRDT' ? 'credit' : 'debit',
    amountFen,
    payerName,
    payerAccount,
    ...(payerBank ? { payerBank } : {}),
    remark,
    ...(bankReference && bankReference !== 'NOTPROVIDED' ? { bankReference } : {}),
  };
}

export function readCamt053(xml: string): CamtStatement {
  // parseTagValue off: amounts must stay strings so they never pass through a float.
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, trimValues: true });
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    throw new StatementFormatError('XML 对账单格式错误，无法解析');
  }
  const stmt = child(doc, 'Document', 'BkToCstmrStmt', 'Stmt');
  if (!stmt) throw new StatementFormatError('camt.053 文件中没有 Stmt 对账单节点');
  const lines: UnhashedLine[] = [];
  const rejected: RejectedRow[] = [];
  list(stmt, 'Ntry').forEach((entry, i) => {
    const outcome = readEntry(entry, i + 1);
    if ('reason' in outcome) rejected.push({ lineNumber: i + 1, reason: outcome.reason, raw: JSON.stringify(entry) });
    else lines.push(outcome);
  });
  const accountNumber = text(stmt, 'Acct', 'Id', 'Othr', 'Id') || text(stmt, 'Acct', 'Id', 'IBAN');
  const openingBalanceFen = balance(stmt, ['OPBD', 'PRCD']);
  const closingBalanceFen = balance(stmt, ['CLBD']);
  return {
    ...(accountNumber ? { accountNumber } : {}),
    ...(openingBalanceFen !== undefined ? { openingBalanceFen } : {}),
    ...(closingBalanceFen !== undefined ? { closingBalanceFen } : {}),
    lines,
    rejected,
    balanceCheck: checkBalance(lines, openingBalanceFen, closingBalanceFen),
  };
}
