import { parseAmountFen } from './money';
import { parseDateTime, parseTimeOnly, toShanghaiIso } from './dates';
import { ColumnProfile } from './profiles';
import { ColumnIndex, cellText } from './header-row';
import { Cell, Direction, UnhashedLine } from './types';

export type RowOutcome =
  | { kind: 'line'; line: UnhashedLine; balanceFen?: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'skip' };

const first = (cells: Cell[], columns: number[]): Cell => {
  for (const i of columns) {
    const v = cells[i];
    if (v !== null && v !== undefined && cellText(v) !== '') return v;
  }
  return null;
};

/** Spreadsheet tricks to keep long account numbers as text: ="6222…", '6222…, tab prefix. */
export const cleanText = (cell: Cell): string =>
  cellText(cell)
    .replace(/^="(.*)"$/, '$1')
    .replace(/^['\t]/, '')
    .trim();

const FOOTER = /^(合计|总计|本页合计|小计|共\d+笔|期末余额|期初余额|打印|制表)/;

function pickRemark(cells: Cell[], index: ColumnIndex, profile: ColumnProfile): string {
  const boilerplate = new Set(profile.bankBoilerplate);
  const texts = index.remark.map((i) => cleanText(cells[i] ?? null)).filter((t) => t !== '');
  return texts.find((t) => !boilerplate.has(t.replace(/\s+/g, ''))) ?? texts[0] ?? '';
}

function directionFromMarker(marker: string, profile: ColumnProfile): Direction | null {
  const m = marker.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (profile.creditMarkers.some((x) => x.toUpperCase() === m)) return 'credit';
  if (profile.debitMarkers.some((x) => x.toUpperCase() === m)) return 'debit';
  return null;
}

type AmountOutcome = { direction: Direction; amountFen: number } | { reason: string };

function readAmount(cells: Cell[], index: ColumnIndex, profile: ColumnProfile): AmountOutcome {
  const creditCell = first(cells, index.credit);
  const debitCell = first(cells, index.debit);
  if (index.credit.length > 0 || index.debit.length > 0) {
    const credit = creditCell === null ? 0 : parseAmountFen(creditCell);
    const debit = debitCell === null ? 0 : parseAmountFen(debitCell);
    if (credit === null) return { reason: `收入金额无法识别：${cellText(creditCell)}` };
    if (debit === null) return { reason: `支出金额无法识别：${cellText(debitCell)}` };
    if (credit !== 0 && debit !== 0) return { reason: '收入金额与支出金额同时有值' };
    if (credit !== 0) return credit > 0 ? { direction: 'credit', amountFen: credit } : { direction: 'debit', amountFen: -credit };
    if (debit !== 0) return debit > 0 ? { direction: 'debit', amountFen: debit } : { direction: 'credit', amountFen: -debit };
    if (index.amount.length === 0) return { reason: '金额为空或为零' };
  }
  const amountCell = first(cells, index.amount);
  if (amountCell === null) return { reason: '缺少交易金额' };
  const amount = parseAmountFen(amountCell);
  if (amount === null) return { reason: `交易金额无法识别：${cellText(amountCell)}` };
  if (amount === 0) return { reason: '交易金额为零' };
  if (index.direction.length > 0) {
    const marker = cellText(first(cells, index.direction));
    const direction = directionFromMarker(marker, profile);
    if (direction === null) return { reason: `借贷标志无法识别：${marker || '（空）'}` };
    return { direction, amountFen: Math.abs(amount) };
  }
  // No direction column: the sign is the direction (common in exports with one signed 交易金额 column).
  return amount > 0 ? { direction: 'credit', amountFen: amount } : { direction: 'debit', amountFen: -amount };
}

export function mapRow(cells: Cell[], index: ColumnIndex, profile: ColumnProfile): RowOutcome {
  const texts = cells.map(cellText);
  if (texts.every((t) => t === '')) return { kind: 'skip' };
  if (FOOTER.test(texts.find((t) => t !== '') ?? '')) return { kind: 'skip' };

  const dateCell = first(cells, index.date);
  const parsed = parseDateTime(dateCell);
  if (!parsed) return { kind: 'rejected', reason: `交易日期无法识别：${cellText(dateCell) || '（空）'}` };
  const amount = readAmount(cells, index, profile);
  if ('reason' in amount) return { kind: 'rejected', reason: amount.reason };

  const payerName = cleanText(first(cells, index.payerName));
  const payerAccount = cleanText(first(cells, index.payerAccount)).replace(/\s+/g, '');
  const remark = pickRemark(cells, index, profile);
  if (payerName === '' && remark === '') return { kind: 'rejected', reason: '缺少对方户名和附言，无法识别付款方' };

  const time = parsed.time ?? parseTimeOnly(first(cells, index.time)) ?? parseDateTime(first(cells, index.time))?.time;
  const payerBank = cleanText(first(cells, index.payerBank));
  const bankReference = cleanText(first(cells, index.bankReference));
  const balanceCell = first(cells, index.balance);
  const balanceFen = balanceCell === null ? undefined : parseAmountFen(balanceCell) ?? undefined;
  if (balanceCell !== null && balanceFen === undefined) {
    return { kind: 'rejected', reason: `余额无法识别：${cellText(balanceCell)}` };
  }
  const line: UnhashedLine = {
    lineNumber: 0,
    bookedOn: parsed.date,
    ...(time ? { bookedAt: toShanghaiIso(parsed.date, time) } : {}),
    direction: amount.direction,
    amountFen: amount.amountFen,
    payerName,
    payerAccount,
    ...(payerBank ? { payerBank } : {}),
    remark,
    ...(bankReference ? { bankReference } : {}),
  };
  return { kind: 'line', line, balanceFen };
}

