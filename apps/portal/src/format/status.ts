/** Chinese wording of the states the API reports (never show the raw codes). */
export const MEMBERSHIP_STATUS: Readonly<Record<string, { label: string; tone: 'success' | 'warning' | 'info' | 'danger' }>> = {
  none: { label: '尚未入会', tone: 'info' },
  pending_payment: { label: '待缴费', tone: 'warning' },
  active: { label: '有效', tone: 'success' },
  grace: { label: '宽限期（请尽快续费）', tone: 'warning' },
  expired: { label: '已过期', tone: 'danger' },
  cancelled: { label: '已取消', tone: 'danger' },
  payment_reversed: { label: '缴费被退回，资格暂停', tone: 'danger' },
};

export const APPLICATION_STATUS: Readonly<Record<string, string>> = {
  draft: '待确认申请信息',
  submitted: '已提交，正在生成缴费单',
  awaiting_payment: '待缴费',
  paid: '已缴费',
  cancelled: '已取消',
};

export const ORDER_STATUS: Readonly<Record<string, { label: string; tone: 'success' | 'warning' | 'info' | 'danger' }>> = {
  unpaid: { label: '待缴费', tone: 'warning' },
  partially_paid: { label: '部分到账', tone: 'warning' },
  paid: { label: '已到账', tone: 'success' },
  overpaid: { label: '已到账（多付）', tone: 'success' },
  cancelled: { label: '已取消', tone: 'info' },
};

export const APPLICATION_KIND: Readonly<Record<string, string>> = { new: '会员申请', renewal: '会员续费' };

export const INVOICE_KIND: Readonly<Record<string, string>> = {
  normal: '电子发票（普通发票）',
  red: '红字发票',
};

export const label = (table: Readonly<Record<string, string | { label: string }>>, code: unknown): string => {
  const entry = typeof code === 'string' ? table[code] : undefined;
  if (entry === undefined) return '—';
  return typeof entry === 'string' ? entry : entry.label;
};
