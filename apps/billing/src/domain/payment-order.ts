import { DomainError, type Command, type Decider, type DomainEvent } from '@lsc/event-sourcing';
import { isCalendarDate } from './dates';
import { MAX_YEARS, MIN_YEARS, type Quote } from './fee-schedule';

/** One stream per payment order (缴费单): the bank-transfer instructions for an application and what was paid on it. */

export interface Payee {
  readonly accountName: string;
  readonly bankName: string;
  readonly accountNumber: string;
}

/** The society's account from the guide (缴费 step 7); configuration passes it into Issue. */
export const LSC_PAYEE: Payee = { accountName: '中国图书馆学会', bankName: '北京银行白石桥支行', accountNumber: '20000006591600105310002' };

export type PaymentOrderStatus = 'none' | 'unpaid' | 'partially_paid' | 'paid' | 'overpaid' | 'cancelled';
type SettlementStatus = Exclude<PaymentOrderStatus, 'none' | 'cancelled'>;

/** The remark payers must put on the transfer (guide: 【平台内注册的单位名称】+会费). */
export const transferRemarkFor = (institutionName: string): string => `${institutionName}+会费`;

const PAYMENT_CODE = /^[0-9A-HJKMNP-TV-Z]{5}[0-9A-HJKMNP-TV-Z*~$=U]$/;

// ---- commands ----
export interface IssueData {
  readonly orderId: string;
  readonly applicationId: string;
  readonly institutionId: string;
  readonly institutionName: string;
  readonly quote: Quote;
  readonly payee: Payee;
  /** Short structured reference with a check character, allocated outside the domain. */
  readonly paymentCode: string;
  /** The term the order pays for, from membership's ApplicationSubmitted (see `coverageOfApplication`). */
  readonly coverage: Coverage;
}
/**
 * The term an order pays for (Shanghai calendar dates). `activeFromPayment`: a new membership is active from the day
 * the payment arrives; `startsNextYear`: confirmed on or after the late-join cut-off, the paid years start on 1 January.
 */
export interface Coverage {
  readonly kind: 'new' | 'renewal';
  readonly termStart: string;
  readonly termEnd: string;
  readonly activeFromPayment: boolean;
  readonly startsNextYear: boolean;
}

/**
 * The coverage of the application membership asked billing to bill. Membership decides the term (cut-off, renewal
 * continuing the running term) and sends it on ApplicationSubmitted; billing only reads it: a new application whose term
 * starts after the day it was confirmed is a late joiner (paid years from 1 January, active from payment).
 */
export function coverageOfApplication(app: { kind: 'new' | 'renewal'; termStart: string; termEnd: string }, confirmedOn: string): Coverage {
  const isNew = app.kind === 'new';
  return { kind: app.kind, termStart: app.termStart, termEnd: app.termEnd, activeFromPayment: isNew, startsNextYear: isNew && app.termStart > confirmedOn };
}
export interface ApplyPaymentData {
  readonly transferId: string;
  readonly amountFen: number;
  readonly matchId: string;
  readonly bookedOn: string;
}
export interface ReversePaymentData {
  readonly transferId: string;
  readonly reason: string;
}

export type PaymentOrderCommand =
  | Command<'Issue', IssueData>
  | Command<'ApplyPayment', ApplyPaymentData>
  | Command<'Cancel', { readonly reason: string }>
  | Command<'ReversePayment', ReversePaymentData>;

// ---- events ----
export type PaymentOrderIssued = DomainEvent<
  'PaymentOrderIssued',
  {
    readonly orderId: string;
    readonly applicationId: string;
    readonly institutionId: string;
    readonly institutionName: string;
    readonly feePerYearFen: number;
    readonly years: number;
    readonly amountDueFen: number;
    readonly scheduleVersion: string;
    readonly payee: Payee;
    readonly transferRemark: string;
    readonly paymentCode: string;
    /** Absent on orders issued before billing recorded the term. */
    readonly coverage?: Coverage;
    readonly issuedAt: string;
  }
>;
export type PaymentApplied = DomainEvent<
  'PaymentApplied',
  ApplyPaymentData & { readonly totalPaidFen: number; readonly transferIds: readonly string[]; readonly resultingStatus: SettlementStatus; readonly at: string }
>;
export type PaymentOrderPaid = DomainEvent<'PaymentOrderPaid', { readonly totalPaidFen: number; readonly transferIds: readonly string[]; readonly paidOn: string; readonly at: string }>;
export type OverpaymentRecorded = DomainEvent<
  'OverpaymentRecorded',
  { readonly creditFen: number; readonly totalCreditFen: number; readonly totalPaidFen: number; readonly transferIds: readonly string[]; readonly paidOn: string; readonly at: string }
>;
/** Money matched to a cancelled order: held as a credit for refund or reuse. */
export type PaymentReceivedForCancelledOrder = DomainEvent<'PaymentReceivedForCancelledOrder', ApplyPaymentData & { readonly at: string }>;
export type PaymentOrderCancelled = DomainEvent<'PaymentOrderCancelled', { readonly reason: string; readonly cancelledBy: string; readonly at: string }>;
export type PaymentReversed = DomainEvent<
  'PaymentReversed',
  ReversePaymentData & { readonly amountFen: number; readonly totalPaidFen: number; readonly resultingStatus: SettlementStatus; readonly reversedBy: string; readonly at: string }
>;

export type PaymentOrderEvent = PaymentOrderIssued | PaymentApplied | PaymentOrderPaid | OverpaymentRecorded | PaymentReceivedForCancelledOrder | PaymentOrderCancelled | PaymentReversed;

// ---- state ----
export type AppliedTransfer = ApplyPaymentData;
export interface PaymentOrderState {
  readonly status: PaymentOrderStatus;
  readonly order?: PaymentOrderIssued['data'];
  readonly transfers: readonly AppliedTransfer[];
  readonly paidFen: number;
  readonly paidOn?: string;
  /** Transfer ids ever seen (applied, reversed or received after cancellation): redeliveries are ignored. */
  readonly seenTransferIds: readonly string[];
  readonly strayCreditFen: number;
}

const ev = <E extends PaymentOrderEvent>(type: E['type'], data: E['data']): E => ({ type, schemaVersion: 1, data }) as E;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) throw new DomainError('INVALID_FIELD', `字段无效：${field}`, { field });
  return value;
}
function fen(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new DomainError('INVALID_AMOUNT', `金额无效（整数分）：${field}`, { field, value });
  return value;
}

function statusFor(paid: number, due: number): SettlementStatus {
  if (paid === 0) return 'unpaid';
  if (paid < due) return 'partially_paid';
  return paid === due ? 'paid' : 'overpaid';
}

function validateIssue(d: IssueData): void {
  text(d.orderId, 'orderId', 100);
  text(d.applicationId, 'applicationId', 100);
  text(d.institutionId, 'institutionId', 100);
  text(d.institutionName, 'institutionName', 200);
  const q = d.quote;
  if (!q) throw new DomainError('INVALID_FIELD', '缺少报价', { field: 'quote' });
  fen(q.feePerYearFen, 'quote.feePerYearFen');
  fen(q.amountDueFen, 'quote.amountDueFen', 1);
  text(q.scheduleVersion, 'quote.scheduleVersion', 40);
  if (!Number.isInteger(q.years) || q.years < MIN_YEARS || q.years > MAX_YEARS) throw new DomainError('YEARS_OUT_OF_RANGE', '资格期限无效', { years: q.years });
  if (q.feePerYearFen * q.years !== q.amountDueFen) throw new DomainError('QUOTE_INCONSISTENT', '应付金额与会费×年限不符', { ...q });
  text(d.payee?.accountName, 'payee.accountName', 100);
  text(d.payee?.bankName, 'payee.bankName', 100);
  if (!/^\d{8,32}$/.test(d.payee.accountNumber)) throw new DomainError('INVALID_FIELD', '收款账号无效', { field: 'payee.accountNumber' });
  if (typeof d.paymentCode !== 'string' || !PAYMENT_CODE.test(d.paymentCode)) throw new DomainError('INVALID_PAYMENT_CODE', '缴费识别码无效', { paymentCode: d.paymentCode });
  const c = d.coverage;
  if (!c || !isCalendarDate(c.termStart) || !isCalendarDate(c.termEnd) || c.termEnd < c.termStart) {
    throw new DomainError('INVALID_COVERAGE', '缴费单缺少有效的缴费覆盖期限', { field: 'coverage', coverage: c });
  }
}

export const paymentOrderDecider: Decider<PaymentOrderCommand, PaymentOrderState, PaymentOrderEvent> = {
  streamType: 'payment-order',
  initialState: () => ({ status: 'none', transfers: [], paidFen: 0, seenTransferIds: [], strayCreditFen: 0 }),

  decide(command, state) {
    const at = command.metadata.now;
    switch (command.type) {
      case 'Issue': {
        const d = command.data;
        if (state.order) {
          if (state.order.orderId === d.orderId && state.order.applicationId === d.applicationId) return []; // redelivered request
          throw new DomainError('ORDER_ALREADY_ISSUED', '缴费单已生成', { orderId: state.order.orderId });
        }
        validateIssue(d);
        const { feePerYearFen, years, amountDueFen, scheduleVersion } = d.quote;
        return [
          ev<PaymentOrderIssued>('PaymentOrderIssued', {
            orderId: d.orderId,
            applicationId: d.applicationId,
            institutionId: d.institutionId,
            institutionName: d.institutionName,
            feePerYearFen,
            years,
            amountDueFen,
            scheduleVersion,
            payee: { ...d.payee },
            transferRemark: transferRemarkFor(d.institutionName),
            paymentCode: d.paymentCode,
            coverage: { ...d.coverage },
            issuedAt: at,
          }),
        ];
      }
      case 'ApplyPayment': {
        const order = state.order;
        if (!order) throw new DomainError('ORDER_NOT_FOUND', '缴费单不存在');
        const d = command.data;
        text(d.transferId, 'transferId', 100);
        text(d.matchId, 'matchId', 100);
        fen(d.amountFen, 'amountFen', 1);
        if (!isCalendarDate(d.bookedOn)) throw new DomainError('INVALID_DATE', '到账日期格式无效', { bookedOn: d.bookedOn });
        if (state.seenTransferIds.includes(d.transferId)) return []; // the same bank transfer, again
        const applied: ApplyPaymentData = { transferId: d.transferId, amountFen: d.amountFen, matchId: d.matchId, bookedOn: d.bookedOn };
        if (state.status === 'cancelled') return [ev<PaymentReceivedForCancelledOrder>('PaymentReceivedForCancelledOrder', { ...applied, at })];
        const due = order.amountDueFen;
        const before = state.paidFen;
        const total = before + d.amountFen;
        const transferIds = [...state.transfers.map((t) => t.transferId), d.transferId];
        const resultingStatus = statusFor(total, due);
        const events: PaymentOrderEvent[] = [ev<PaymentApplied>('PaymentApplied', { ...applied, totalPaidFen: total, transferIds, resultingStatus, at })];
        if (before < due && total >= due) events.push(ev<PaymentOrderPaid>('PaymentOrderPaid', { totalPaidFen: total, transferIds, paidOn: d.bookedOn, at }));
        if (total > due) {
          const creditFen = total - Math.max(due, before);
          events.push(ev<OverpaymentRecorded>('OverpaymentRecorded', { creditFen, totalCreditFen: total - due, totalPaidFen: total, transferIds, paidOn: state.paidOn ?? d.bookedOn, at }));
        }
        return events;
      }
      case 'Cancel': {
        if (!state.order) throw new DomainError('ORDER_NOT_FOUND', '缴费单不存在');
        if (state.status === 'cancelled') throw new DomainError('ORDER_ALREADY_CANCELLED', '缴费单已取消');
        if (state.status !== 'unpaid') throw new DomainError('ORDER_HAS_PAYMENTS', '缴费单已有到账款项，不能取消', { paidFen: state.paidFen });
        const reason = text(command.data.reason, 'reason', 500);
        return [ev<PaymentOrderCancelled>('PaymentOrderCancelled', { reason, cancelledBy: command.metadata.actor, at })];
      }
      case 'ReversePayment': {
        const order = state.order;
        if (!order) throw new DomainError('ORDER_NOT_FOUND', '缴费单不存在');
        const transfer = state.transfers.find((t) => t.transferId === command.data.transferId);
        if (!transfer) throw new DomainError('TRANSFER_NOT_APPLIED', '该笔到账未计入此缴费单', { transferId: command.data.transferId });
        const reason = text(command.data.reason, 'reason', 500);
        const total = state.paidFen - transfer.amountFen;
        return [
          ev<PaymentReversed>('PaymentReversed', {
            transferId: transfer.transferId,
            reason,
            amountFen: transfer.amountFen,
            totalPaidFen: total,
            resultingStatus: statusFor(total, order.amountDueFen),
            reversedBy: command.metadata.actor,
            at,
          }),
        ];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PaymentOrderIssued':
        return { ...state, status: 'unpaid', order: event.data };
      case 'PaymentApplied': {
        const { transferId, amountFen, matchId, bookedOn } = event.data;
        return {
          ...state,
          status: event.data.resultingStatus,
          paidFen: event.data.totalPaidFen,
          transfers: [...state.transfers, { transferId, amountFen, matchId, bookedOn }],
          seenTransferIds: [...state.seenTransferIds, transferId],
        };
      }
      case 'PaymentOrderPaid':
        return { ...state, paidOn: event.data.paidOn };
      case 'OverpaymentRecorded':
        return state;
      case 'PaymentReceivedForCancelledOrder':
        return { ...state, seenTransferIds: [...state.seenTransferIds, event.data.transferId], strayCreditFen: state.strayCreditFen + event.data.amountFen };
      case 'PaymentOrderCancelled':
        return { ...state, status: 'cancelled' };
      case 'PaymentReversed': {
        const stillPaid = event.data.resultingStatus === 'paid' || event.data.resultingStatus === 'overpaid';
        return {
          ...state,
          status: event.data.resultingStatus,
          paidFen: event.data.totalPaidFen,
          transfers: state.transfers.filter((t) => t.transferId !== event.data.transferId),
          paidOn: stillPaid ? state.paidOn : undefined,
        };
      }
    }
  },
};
