/** Chinese labels staff read in reports and exports (the API keeps the codes). */
export const ORDER_STATUS_LABELS: Readonly<Record<string, string>> = { unpaid: '未付款', partially_paid: '部分付款', paid: '已付清', overpaid: '多付', cancelled: '已取消' };
export const TRANSFER_STATUS_LABELS: Readonly<Record<string, string>> = { matched: '已匹配', suggested: '待确认', unmatched: '未匹配', rejected: '建议已驳回', set_aside: '非会费款项', pending_approval: '待审批（双人复核）' };
export const MATCH_MODE_LABELS: Readonly<Record<string, string>> = { auto: '自动匹配', manual: '人工匹配' };
export const BALANCE_CHECK_LABELS: Readonly<Record<string, string>> = { ok: '余额一致', mismatch: '余额不符', not_available: '无余额信息' };

export const labelOf = (labels: Readonly<Record<string, string>>, code: unknown): string => (code === null || code === undefined || code === '' ? '' : (labels[String(code)] ?? String(code)));
