import { BalanceCheck, UnhashedLine } from './types';

const signed = (line: UnhashedLine): number => (line.direction === 'credit' ? line.amountFen : -line.amountFen);

export function checkBalance(
  lines: UnhashedLine[],
  openingBalanceFen: number | undefined,
  closingBalanceFen: number | undefined,
): BalanceCheck {
  if (openingBalanceFen === undefined || closingBalanceFen === undefined) return 'not_available';
  const net = lines.reduce((sum, line) => sum + signed(line), 0);
  return openingBalanceFen + net === closingBalanceFen ? 'ok' : 'mismatch';
}

/**
 * Derives opening/closing balances from a running-balance column. Exports are sorted oldest-first or newest-first;
 * the order whose derived balances reconcile wins, otherwise oldest-first is reported (and will show a mismatch).
 */
export function balancesFromRunningColumn(
  rows: { line: UnhashedLine; balanceFen?: number }[],
): { openingBalanceFen?: number; closingBalanceFen?: number } {
  if (rows.length === 0 || rows.some((r) => r.balanceFen === undefined)) return {};
  const lines = rows.map((r) => r.line);
  const firstRow = rows[0];
  const lastRow = rows[rows.length - 1];
  const ascending = {
    openingBalanceFen: (firstRow.balanceFen as number) - signed(firstRow.line),
    closingBalanceFen: lastRow.balanceFen as number,
  };
  if (checkBalance(lines, ascending.openingBalanceFen, ascending.closingBalanceFen) === 'ok') return ascending;
  const descending = {
    openingBalanceFen: (lastRow.balanceFen as number) - signed(lastRow.line),
    closingBalanceFen: firstRow.balanceFen as number,
  };
  if (checkBalance(lines, descending.openingBalanceFen, descending.closingBalanceFen) === 'ok') return descending;
  return ascending;
}
