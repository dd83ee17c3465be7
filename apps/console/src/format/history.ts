/** A transfer's audit trail as sentences a clerk reads ("王会计 确认匹配 …"). */
const WHAT: Readonly<Record<string, string>> = {
  TransferMatched: '匹配到缴费单',
  SuggestionRejected: '驳回匹配建议',
  TransferMatchReversed: '冲正（撤销匹配）',
  TransferSetAside: '标记为非会费款项',
  TransferSetAsideUndone: '撤销非会费款项标记',
  TransferFollowUpRequested: '发送核对邮件',
};

export function historyLine(entry: { type: string; actorName: string | null; data: Record<string, unknown> }): string {
  const who = entry.actorName && !entry.actorName.startsWith('system') ? entry.actorName : '系统';
  const what = WHAT[entry.type] ?? entry.type;
  const reason = typeof entry.data.reason === 'string' ? `：${entry.data.reason}` : entry.type === 'TransferFollowUpRequested' && typeof entry.data.institutionName === 'string' ? `给${entry.data.institutionName}` : '';
  const mode = entry.type === 'TransferMatched' ? (entry.data.mode === 'auto' ? '（自动）' : '（人工）') : '';
  return `${who} ${what}${mode}${reason}`;
}
