import { dateText } from './dates';
import { yuanText } from './money';

/**
 * The institution's event history as sentences a staff member reads: never an event type name or an id.
 * Event data arrives as untyped JSON (the API documents it as an object), so every field is read defensively.
 */
export interface HistoryEntry {
  readonly type: string;
  readonly at?: string | null;
  readonly data?: unknown;
}

export interface TimelineItem {
  readonly title: string;
  readonly detail: string;
  readonly tone: 'primary' | 'success' | 'warning' | 'danger' | 'info';
}

type Data = Record<string, unknown>;
const obj = (v: unknown): Data => (typeof v === 'object' && v !== null ? (v as Data) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
const name = (v: unknown): string => str(obj(v).name);
const money = (v: unknown): string => {
  const n = num(v);
  return n === null ? '' : yuanText(n);
};
const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('，');

function address(v: unknown): string {
  const a = obj(v);
  const region = obj(a.region);
  const where = `${str(region.provinceName)}${str(region.cityName)}${str(region.districtName)}${str(a.street)}`;
  return join(str(a.recipient) ? `签收人 ${str(a.recipient)}` : '', where);
}

const MEMBERSHIP_STATUS_WORDS: Readonly<Record<string, string>> = { active: '有效', grace: '宽限期', expired: '已过期', cancelled: '已取消', payment_reversed: '暂停' };

const DESCRIBE: Readonly<Record<string, (d: Data) => TimelineItem>> = {
  ApplicationStarted: (d) => ({
    title: d.kind === 'renewal' ? '提交会员续费申请' : '提交会员申请',
    detail: join(name(d.qualification), name(d.staffTier), num(d.years) !== null ? `${num(d.years)}年` : '', money(obj(d.quote).amountDueFen) && `应付金额 ${money(obj(d.quote).amountDueFen)}`),
    tone: 'primary',
  }),
  ApplicationSubmitted: (d) => ({ title: '确认申请信息与寄送地址', detail: join(str(d.invoiceTitle) && `发票抬头 ${str(d.invoiceTitle)}`, address(d.mailingAddress)), tone: 'primary' }),
  PaymentOrderRecorded: (d) => ({ title: '生成缴费单', detail: join(money(d.amountDueFen) && `应付金额 ${money(d.amountDueFen)}`, str(d.transferRemark) && `转账附言 ${str(d.transferRemark)}`), tone: 'info' }),
  ApplicationPaid: (d) => ({ title: '会费到账', detail: str(d.paidOn) ? `到账日期 ${dateText(str(d.paidOn))}` : '', tone: 'success' }),
  ApplicationCancelled: (d) => ({ title: '取消申请', detail: str(d.reason) && `原因：${str(d.reason)}`, tone: 'info' }),
  PaymentOrderIssuedForCancelledApplication: () => ({ title: '已取消申请的缴费单', detail: '申请取消后生成的缴费单将由学会作废，无需缴费', tone: 'info' }),
  PaymentReceivedForCancelledApplication: (d) => ({ title: '已取消申请收到会费', detail: join(str(d.paidOn) && `到账日期 ${dateText(str(d.paidOn))}`, '学会工作人员将与您联系办理退款或恢复申请'), tone: 'warning' }),
  MembershipRegistered: () => ({ title: '建立会员档案', detail: '', tone: 'info' }),
  MembershipActivated: (d) => ({
    title: d.kind === 'renewal' ? '续费生效' : '会员资格生效',
    detail: join(str(d.memberNumber) && `会员号 ${str(d.memberNumber)}`, str(d.validFrom) && `有效期 ${dateText(str(d.validFrom))} 至 ${dateText(str(d.validTo))}`),
    tone: 'success',
  }),
  MembershipExpiring: (d) => ({ title: '会员资格即将到期', detail: str(d.validTo) && `将于 ${dateText(str(d.validTo))} 到期，请及时续费`, tone: 'warning' }),
  MembershipEnteredGrace: (d) => ({ title: '会员资格进入宽限期', detail: str(d.graceEndsOn) && `请于 ${dateText(str(d.graceEndsOn))} 前续费`, tone: 'warning' }),
  MembershipExpired: () => ({ title: '会员资格已过期', detail: '续费后即可恢复', tone: 'danger' }),
  MembershipCancelled: (d) => ({ title: '会员资格已取消', detail: str(d.reason) && `原因：${str(d.reason)}`, tone: 'danger' }),
  MembershipStatusOverridden: (d) => ({ title: '学会调整会员状态', detail: join(MEMBERSHIP_STATUS_WORDS[str(d.to)] ? `调整为“${MEMBERSHIP_STATUS_WORDS[str(d.to)]}”` : '', str(d.reason) && `原因：${str(d.reason)}`), tone: 'warning' }),
  MembershipPaymentReversed: (d) => ({ title: '一笔会费被退回', detail: join(money(d.amountFen), str(d.reason) && `原因：${str(d.reason)}`), tone: 'danger' }),
  MembershipPaymentRestored: () => ({ title: '退回的会费已重新到账', detail: '', tone: 'success' }),
  CertificateMailed: (d) => ({ title: '会员证书已寄出', detail: join(str(d.carrier), str(d.trackingNumber) && `运单号 ${str(d.trackingNumber)}`), tone: 'success' }),
};

export function describeHistoryEntry(entry: HistoryEntry): TimelineItem {
  const describe = DESCRIBE[entry.type];
  return describe ? describe(obj(entry.data)) : { title: '其他记录', detail: '', tone: 'info' };
}
