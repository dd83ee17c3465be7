import { balancesFromRunningColumn, checkBalance } from './balance';
import { findHeaderRow, resolveColumns, cellText } from './header-row';
import { BUILT_IN_PROFILES, ColumnProfile, detectProfile, findProfile } from './profiles';
import { mapRow } from './row-mapper';
import { readTitleFacts } from './title-block';
import { BalanceCheck, RejectedRow, SourceRow, StatementFormatError, UnhashedLine } from './types';

export interface TableStatement {
  profile: string;
  accountNumber?: string;
  openingBalanceFen?: number;
  closingBalanceFen?: number;
  lines: UnhashedLine[];
  rejected: RejectedRow[];
  balanceCheck: BalanceCheck;
}

const rawOf = (row: SourceRow): string => row.cells.map(cellText).join(',');

/** Shared by CSV and XLSX: title block → header row → data rows → footer. */
export function readTable(
  rows: SourceRow[],
  profileName: string | undefined,
  profiles: readonly ColumnProfile[] = BUILT_IN_PROFILES,
): TableStatement {
  const headerAt = findHeaderRow(rows, profiles);
  if (headerAt < 0) throw new StatementFormatError('未找到表头行：请确认文件包含“交易日期”“金额”“对方户名”等列');
  const header = rows[headerAt].cells.map(cellText);
  let profile: ColumnProfile;
  if (profileName === undefined) {
    profile = detectProfile(header, profiles);
  } else {
    const chosen = findProfile(profileName, profiles);
    if (!chosen) throw new StatementFormatError(`未知的银行格式配置：${profileName}`);
    profile = chosen;
  }
  const index = resolveColumns(rows[headerAt].cells, profile);
  if (index.date.length === 0) throw new StatementFormatError('表头中缺少交易日期列');
  if (index.credit.length + index.debit.length + index.amount.length === 0) {
    throw new StatementFormatError('表头中缺少金额列（收入金额/贷方发生额/交易金额）');
  }

  const kept: { line: UnhashedLine; balanceFen?: number }[] = [];
  const rejected: RejectedRow[] = [];
  for (const row of rows.slice(headerAt + 1)) {
    const outcome = mapRow(row.cells, index, profile);
    if (outcome.kind === 'line') kept.push({ ...outcome, line: { ...outcome.line, lineNumber: row.lineNumber } });
    else if (outcome.kind === 'rejected') rejected.push({ lineNumber: row.lineNumber, reason: outcome.reason, raw: rawOf(row) });
  }

  const stated = readTitleFacts([...rows.slice(0, headerAt), ...rows.slice(headerAt + 1)].map((r) => r.cells));
  // Rejected rows are missing from the sum, so they surface as a mismatch — which is the point of the check.
  const derived = balancesFromRunningColumn(kept);
  const openingBalanceFen = stated.openingBalanceFen ?? derived.openingBalanceFen;
  const closingBalanceFen = stated.closingBalanceFen ?? derived.closingBalanceFen;
  const lines = kept.map((k) => k.line);
  return {
    profile: profile.name,
    ...(stated.accountNumber ? { accountNumber: stated.accountNumber } : {}),
    ...(openingBalanceFen !== undefined ? { openingBalanceFen } : {}),
    ...(closingBalanceFen !== undefined ? { closingBalanceFen } : {}),
    lines,
    rejected,
    balanceCheck: checkBalance(lines, openingBalanceFen, closingBalanceFen),
  };
}
