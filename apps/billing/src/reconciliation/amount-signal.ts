import { formatFen } from '@lsc/validation';
import { OpenOrder } from './types';

export interface Signal {
  factor: number;
  /** Lazy: the text is only needed for candidates that are shown to a person. */
  reason: () => string;
}

/** How well the amount fits the order; multiplies the identity evidence. */
export function amountSignal(amountFen: number, order: OpenOrder): Signal {
  const outstanding = order.amountDueFen - order.amountPaidFen;
  if (outstanding <= 0) return { factor: 0.6, reason: () => '订单已结清，可能为重复付款' };
  if (amountFen === outstanding) return { factor: 1, reason: () => '金额一致' };
  if (order.feePerYearFen > 0 && amountFen % order.feePerYearFen === 0) {
    return { factor: 0.9, reason: () => `金额为 ${amountFen / order.feePerYearFen} 年会费（应付 ${formatFen(outstanding)}）` };
  }
  if (amountFen < outstanding) {
    return { factor: 0.8, reason: () => `部分付款：实付 ${formatFen(amountFen)}，尚欠 ${formatFen(outstanding - amountFen)}` };
  }
  return { factor: 0.75, reason: () => `超额付款：实付 ${formatFen(amountFen)}，应付 ${formatFen(outstanding)}` };
}

export const dayNumber = (isoDate: string): number => Date.UTC(+isoDate.slice(0, 4), +isoDate.slice(5, 7) - 1, +isoDate.slice(8, 10)) / 86_400_000;

const BEFORE_ORDER: Signal = { factor: 0.7, reason: () => '到账日期早于订单日期' };
const IN_WINDOW: Signal = { factor: 1, reason: () => '到账日期在缴费期内' };

export function dateSignal(bookedOn: string, order: OpenOrder, windowDays: number): Signal {
  return dateSignalForDays(dayNumber(bookedOn) - dayNumber(order.issuedOn), windowDays);
}

/** `days`: booking day minus the order's issue day. */
export function dateSignalForDays(days: number, windowDays: number): Signal {
  if (days < 0) return BEFORE_ORDER;
  if (days > windowDays) return { factor: 0.85, reason: () => `到账日期距订单日期超过 ${windowDays} 天` };
  return IN_WINDOW;
}
