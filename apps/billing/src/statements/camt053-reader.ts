import { XMLParser } from 'fast-xml-parser';
import { checkBalance } from './balance';
import { parseDateTime } from './dates';
import { parseAmountFen } from './money';
import { BalanceCheck, RejectedRow, StatementFormatError, StatementSection, UnhashedLine } from './types';

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

/** The currency the society's dues are paid in; the only one whose amounts are fen. */
export const YUAN = 'CNY';

export interface CamtStatement {
  accountNumber?: string;
  openingBalanceFen?: number;
  closingBalanceFen?: number;
  lines: UnhashedLine[];
  rejected: RejectedRow[];
  balanceCheck: BalanceCheck;
  statements: StatementSection[];
}

const currencyOf = (node: unknown): string => {
  const value = child(node);
  return value && typeof value === 'object' && typeof value['@_Ccy'] === 'string' ? value['@_Ccy'].trim().toUpperCase() : '';
};

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

/**
 * Why an entry cannot be read as a payment in yuan, or undefined. The amount of an entry is in its own `Ccy`: a EUR or
 * CHF amount taken as yuan would pay an order with the wrong sum.
 */
function currencyProblem(entryCurrency: string, accountCurrency: string): string | undefined {
  if (entryCurrency !== accountCurrency) return `币种为 ${entryCurrency}，与账户币种 ${accountCurrency} 不符，未导入，请人工核对`;
  if (accountCurrency !== YUAN) return `币种为 ${entryCurrency}（外币账户），会费只以人民币结算，未导入，请人工处理`;
  return undefined;
}

/** A transaction's own amount: `TxDtls/Amt` from 001.03, `AmtDtls/TxAmt/Amt` in every version. */
const transactionAmount = (tx: unknown): unknown => child(tx, 'Amt') ?? child(tx, 'AmtDtls', 'TxAmt', 'Amt');

interface Counterparty {
  payerName: string;
  payerAccount: string;
  payerBank?: string;
  remark: string;
  bankReference?: string;
}

function counterpartyOf(tx: unknown, entry: unknown, credit: boolean, reference: string): Counterparty {
  const party = credit ? 'Dbtr' : 'Cdtr';
  const agent = credit ? 'DbtrAgt' : 'CdtrAgt';
  const payerName = text(tx, 'RltdPties', party, 'Nm') || text(tx, 'RltdPties', party, 'Pty', 'Nm');
  const payerAccount =
    text(tx, 'RltdPties', `${party}Acct`, 'Id', 'Othr', 'Id') || text(tx, 'RltdPties', `${party}Acct`, 'Id', 'IBAN');
  const payerBank = text(tx, 'RltdAgts', agent, 'FinInstnId', 'Nm') || text(tx, 'RltdAgts', agent, 'FinInstnId', 'BICFI');
  const remark =
    list(child(tx, 'RmtInf'), 'Ustrd').map((u) => text({ u }, 'u')).join(' ').trim() || text(entry, 'AddtlNtryInf');
  const bankReference = reference || text(tx, 'Refs', 'AcctSvcrRef') || text(tx, 'Refs', 'EndToEndId');
  return {
    payerName,
    payerAccount,
    ...(payerBank ? { payerBank } : {}),
    remark,
    ...(bankReference && bankReference !== 'NOTPROVIDED' ? { bankReference } : {}),
  };
}

/**
 * One line per entry; a batch booking (one entry, several `TxDtls`, e.g. a collective transfer of several payers) one
 * line per transaction, when their amounts add up to the entry's — otherwise the entry is rejected, never read as one
 * payer's payment.
 */
function readEntry(entry: unknown, accountCurrency: string): UnhashedLine[] | { reason: string } {
  const status = text(entry, 'Sts') || text(entry, 'Sts', 'Cd');
  if (status !== '' && status !== 'BOOK') return { reason: `记账状态为 ${status}（尚未入账），未导入` };
  const entryCurrency = currencyOf(child(entry, 'Amt')) || accountCurrency;
  const currencyReason = currencyProblem(entryCurrency, accountCurrency);
  if (currencyReason) return { reason: currencyReason };
  const amountFen = parseAmountFen(text(entry, 'Amt'));
  if (amountFen === null || amountFen <= 0) return { reason: `金额无法识别：${text(entry, 'Amt') || '（空）'}` };
  const indicator = text(entry, 'CdtDbtInd');
  if (indicator !== 'CRDT' && indicator !== 'DBIT') return { reason: `借贷标志无法识别：${indicator || '（空）'}` };
  const booking = text(entry, 'BookgDt', 'DtTm') || text(entry, 'BookgDt', 'Dt') || text(entry, 'ValDt', 'Dt');
  // camt DtTm carries an offset; the date part is already the account's local date for a Chinese bank.
  const dateTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(booking);
  const parsed = dateTime ? parseDateTime(`${dateTime[1]} ${dateTime[2]}`) : parseDateTime(booking);
  if (!parsed) return { reason: `记账日期无法识别：${booking || '（空）'}` };
  const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(booking)?.[1];
  const common = {
    lineNumber: 0,
    bookedOn: parsed.date,
    ...(parsed.time ? { bookedAt: `${parsed.date}T${parsed.time}${offset === undefined || offset === 'Z' ? '+08:00' : offset}` } : {}),
    direction: indicator === 'CRDT' ? ('credit' as const) : ('debit' as const),
  };
  const reference = text(entry, 'AcctSvcrRef');
  const transactions = list(entry, 'NtryDtls').flatMap((d) => list(d, 'TxDtls'));
  if (transactions.length <= 1) {
    const party = counterpartyOf(transactions[0], entry, indicator === 'CRDT', reference);
    if (party.payerName === '' && party.remark === '') return { reason: '缺少对方户名和附言，无法识别付款方' };
    return [{ ...common, amountFen, ...party }];
  }
  const amounts = transactions.map((tx) => {
    const amount = transactionAmount(tx);
    return (currencyOf(amount) || entryCurrency) === entryCurrency ? parseAmountFen(text(amount)) : null;
  });
  if (amounts.some((a) => a === null || a <= 0) || amounts.reduce((sum: number, a) => sum + (a ?? 0), 0) !== amountFen) {
    return { reason: `批量入账含 ${transactions.length} 笔明细，明细金额缺失或合计与入账金额不符，无法逐笔拆分，未导入，请人工处理` };
  }
  const lines: UnhashedLine[] = [];
  for (const [j, tx] of transactions.entries()) {
    // Each transaction of the batch needs its own reference: the entry's is shared by all of them.
    const party = counterpartyOf(tx, {}, indicator === 'CRDT', text(tx, 'Refs', 'AcctSvcrRef') || (reference ? `${reference}/${j + 1}` : ''));
    if (party.payerName === '' && party.remark === '') return { reason: `批量入账第 ${j + 1} 笔明细缺少对方户名和附言，无法识别付款方，未导入` };
    lines.push({ ...common, amountFen: amounts[j]!, ...party });
  }
  return lines;
}

/** Where an entry is, in the words finance finds it by: the statement's id, the entry's position, the bank's reference. */
function entryLocation(entry: unknown, statementId: string, index: number): { label: string; reference?: string } {
  const [tag, reference] = text(entry, 'AcctSvcrRef') ? ['AcctSvcrRef', text(entry, 'AcctSvcrRef')] : ['NtryRef', text(entry, 'NtryRef')];
  return { label: `对账单 ${statementId} 第 ${index} 笔${reference ? `（${tag} ${reference}）` : ''}`, ...(reference ? { reference } : {}) };
}

/**
 * Every `Stmt` of the document (a file may hold several days or several accounts), each entry numbered in document
 * order across the file. An entry that cannot be read, or is not in yuan, is rejected with the statement, entry and
 * reason; nothing else of the file is dropped. Balances are checked per statement.
 */
export function readCamt053(xml: string): CamtStatement {
  // parseTagValue off: amounts must stay strings so they never pass through a float.
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, trimValues: true });
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    throw new StatementFormatError('XML 对账单格式错误，无法解析');
  }
  const stmts = list(child(doc, 'Document', 'BkToCstmrStmt'), 'Stmt');
  if (stmts.length === 0) throw new StatementFormatError('camt.053 文件中没有 Stmt 对账单节点');
  const lines: UnhashedLine[] = [];
  const rejected: RejectedRow[] = [];
  const statements: StatementSection[] = [];
  let lineNumber = 0;
  stmts.forEach((stmt, s) => {
    const id = text(stmt, 'Id') || `第 ${s + 1} 个`;
    const accountNumber = text(stmt, 'Acct', 'Id', 'Othr', 'Id') || text(stmt, 'Acct', 'Id', 'IBAN');
    // Acct/Ccy is optional: the balances' currency, else yuan (the society's dues account).
    const currency = text(stmt, 'Acct', 'Ccy').toUpperCase() || currencyOf(child(stmt, 'Bal', 'Amt')) || YUAN;
    const own: UnhashedLine[] = [];
    const entries = list(stmt, 'Ntry');
    const rejectedBefore = rejected.length;
    entries.forEach((entry, i) => {
      const outcome = readEntry(entry, currency);
      if ('reason' in outcome) {
        lineNumber++;
        const { label, reference } = entryLocation(entry, id, i + 1);
        rejected.push({
          lineNumber,
          reason: `${label}：${outcome.reason}`,
          raw: JSON.stringify(entry),
          entry: { statementId: id, index: i + 1, ...(reference ? { reference } : {}) },
        });
      } else for (const line of outcome) own.push({ ...line, lineNumber: ++lineNumber, ...(accountNumber ? { accountNumber } : {}) });
    });
    // A foreign-currency statement's balances are no amounts in fen.
    const openingBalanceFen = currency === YUAN ? balance(stmt, ['OPBD', 'PRCD']) : undefined;
    const closingBalanceFen = currency === YUAN ? balance(stmt, ['CLBD']) : undefined;
    statements.push({
      id,
      ...(accountNumber ? { accountNumber } : {}),
      currency,
      ...(openingBalanceFen !== undefined ? { openingBalanceFen } : {}),
      ...(closingBalanceFen !== undefined ? { closingBalanceFen } : {}),
      entries: entries.length,
      imported: own.length,
      rejected: rejected.length - rejectedBefore,
      balanceCheck: checkBalance(own, openingBalanceFen, closingBalanceFen),
    });
    // Not push(...own): a statement of 100,000+ entries would exceed the engine's argument limit.
    for (const line of own) lines.push(line);
  });
  return { ...fileFacts(statements), lines, rejected, statements };
}

/**
 * The file's account and balances: one statement's own; for several of one account that follow each other (each
 * opening where the previous closed), the first opening and the last closing. The file's check is the worst of its
 * statements': one mismatch flags the file.
 */
function fileFacts(statements: StatementSection[]): Pick<CamtStatement, 'accountNumber' | 'openingBalanceFen' | 'closingBalanceFen' | 'balanceCheck'> {
  const accounts = [...new Set(statements.map((s) => s.accountNumber).filter((a): a is string => a !== undefined))];
  const checks = statements.map((s) => s.balanceCheck);
  const balanceCheck: BalanceCheck = checks.includes('mismatch') ? 'mismatch' : checks.every((c) => c === 'ok') ? 'ok' : 'not_available';
  const chained =
    accounts.length <= 1 &&
    statements.every((s, i) => s.openingBalanceFen !== undefined && s.closingBalanceFen !== undefined && (i === 0 || s.openingBalanceFen === statements[i - 1].closingBalanceFen));
  const first = statements[0];
  const last = statements[statements.length - 1];
  return {
    ...(accounts.length > 0 ? { accountNumber: accounts.join('、') } : {}),
    ...(chained ? { openingBalanceFen: first.openingBalanceFen, closingBalanceFen: last.closingBalanceFen } : {}),
    balanceCheck,
  };
}
