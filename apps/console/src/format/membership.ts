/** Membership codes and events as the member administrators read them. */
export const MEMBERSHIP_STATUS: Readonly<Record<string, string>> = {
  pending_payment: '待缴费', active: '有效', grace: '宽限期', expired: '已过期', cancelled: '已取消', payment_reversed: '缴费已冲正',
};
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  ApplicationStarted: '开始填写入会申请',
  ApplicationSubmitted: '提交入会申请',
  ApplicationPaid: '申请已缴费',
  ApplicationCancelled: '申请已取消',
  PaymentOrderRecorded: '生成缴费单',
  MembershipRegistered: '登记会员',
  MembershipActivated: '会员资格生效',
  MembershipExpiring: '到期提醒',
  MembershipEnteredGrace: '进入宽限期',
  MembershipExpired: '会员资格到期',
  MembershipCancelled: '会员资格取消',
  MembershipPaymentReversed: '缴费被冲正',
  MembershipPaymentRestored: '缴费恢复',
  MembershipStatusOverridden: '人工调整状态',
  CertificateMailed: '证书已寄出',
  PaymentOrderIssuedForCancelledApplication: '已取消申请收到缴费单',
  PaymentReceivedForCancelledApplication: '已取消申请收到付款',
};
/** 邮件类型: notification's templates (apps/notification/src/templates/<name>) as staff call them. */
export const DELIVERY_TEMPLATE: Readonly<Record<string, string>> = {
  'institution-registered': '注册成功通知',
  'mailing-address-confirmation': '寄送地址确认',
  'mailing-address-changed': '寄送地址变更',
  'payment-order-issued': '缴费通知',
  'payment-partially-received': '部分到账通知',
  'payment-received': '到账通知',
  'overpayment-recorded': '多付款项通知',
  'membership-activated': '入会/续费成功',
  'invoice-issued': '电子发票',
  'certificate-mailed': '证书寄出通知',
  'membership-expiring': '到期提醒',
  'membership-entered-grace': '宽限期提醒',
  'membership-expired': '会籍到期通知',
  'membership-payment-reversed': '到账冲正通知',
  'application-cancelled': '申请取消通知',
  'transfer-unmatched': '到账核对邮件',
};
export const DELIVERY_STATUS: Readonly<Record<string, string>> = { pending: '待发送', sending: '发送中', sent: '已发送', failed: '发送失败' };

export interface TimelineEntry {
  at: string;
  title: string;
  detail: string;
}
/** One readable line per event, newest first; reasons, tracking numbers and member numbers shown when present. */
export function timeline(events: ReadonlyArray<{ type: string; at?: string | null; data?: Record<string, unknown> }>): TimelineEntry[] {
  return [...events]
    .map((e) => {
      const d = e.data ?? {};
      const parts = [
        typeof d.memberNumber === 'string' ? `会员编号 ${d.memberNumber}` : '',
        typeof d.carrier === 'string' ? `${d.carrier} ${String(d.trackingNumber ?? '')}` : '',
        typeof d.status === 'string' && MEMBERSHIP_STATUS[d.status] ? `状态：${MEMBERSHIP_STATUS[d.status]}` : '',
        typeof d.reason === 'string' ? `原因：${d.reason}` : '',
        typeof d.validTo === 'string' ? `有效期至 ${d.validTo}` : '',
      ].filter(Boolean);
      return { at: e.at ?? '', title: EVENT_LABELS[e.type] ?? e.type, detail: parts.join('；') };
    })
    .sort((a, b) => b.at.localeCompare(a.at));
}

/** Rows pasted from a spreadsheet (tab or comma separated): 会员编号, 承运商, 运单号. Bad lines are reported by number. */
export function parseTrackingPaste(text: string): { rows: Array<{ memberNumber: string; carrier: string; trackingNumber: string }>; problems: string[] } {
  const rows: Array<{ memberNumber: string; carrier: string; trackingNumber: string }> = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const cells = line.split(/\t|,|，/).map((c) => c.trim());
    if (i === 0 && /会员编号|编号/.test(cells[0] ?? '')) return;
    const [memberNumber, carrier, trackingNumber] = cells;
    if (!memberNumber || !carrier || !trackingNumber) problems.push(`第${i + 1}行：须有会员编号、承运商、运单号三列`);
    else if (!/^[A-Za-z0-9-]{6,40}$/.test(trackingNumber)) problems.push(`第${i + 1}行：运单号格式有误`);
    else rows.push({ memberNumber, carrier, trackingNumber });
  });
  return { rows, problems };
}
