/** Chinese labels for the codes the API returns (the same words as billing's XLSX exports). */
export const TRANSFER_STATUS: Readonly<Record<string, string>> = { matched: '已匹配', suggested: '待确认', unmatched: '未匹配', rejected: '建议已驳回', set_aside: '非会费款项' };
export const ORDER_STATUS: Readonly<Record<string, string>> = { unpaid: '未付款', partially_paid: '部分付款', paid: '已付清', overpaid: '多付', cancelled: '已取消' };
export const MATCH_MODE: Readonly<Record<string, string>> = { auto: '自动匹配', manual: '人工匹配' };
export const BALANCE_CHECK: Readonly<Record<string, string>> = { ok: '余额一致', mismatch: '余额不符', not_available: '无余额信息' };
export const ROLE: Readonly<Record<string, string>> = { finance: '财务', member_admin: '会员管理员', super_admin: '超级管理员' };
export const STAFF_STATUS: Readonly<Record<string, string>> = { pending: '待设置密码', active: '正常', disabled: '已停用' };

export const label = (labels: Readonly<Record<string, string>>, code: unknown): string => (code === null || code === undefined || code === '' ? '—' : (labels[String(code)] ?? String(code)));

/** Element Plus tag type for a transfer status. */
export const transferTagType = (status: string): 'success' | 'warning' | 'danger' | 'info' =>
  status === 'matched' ? 'success' : status === 'suggested' ? 'warning' : status === 'set_aside' ? 'info' : 'danger';
