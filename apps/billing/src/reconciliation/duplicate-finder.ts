import { formatFen } from '@lsc/validation';
import { findPaymentCodes } from './payment-code';
import { createReconciler, type Reconciler } from './reconciler';
import type { MatchableLine, OpenOrder, ReconcilerOptions } from './types';

/** How far back a settled order counts as one a transfer may repeat. */
export const DUPLICATE_LOOKBACK_DAYS = 120;

/** A settled order the line most likely pays again, and the note the unmatched inbox shows finance for it. */
export interface PossibleDuplicate {
  order: OpenOrder;
  /** 0–1: the reconciler's score for the order as if it were still due. */
  confidence: number;
  note: string;
}

export interface DuplicateFinder {
  /** The settled order when the line looks like a repeat of its payment; undefined otherwise. */
  find(line: MatchableLine): PossibleDuplicate | undefined;
}

/**
 * A transfer that no open order explains may repeat a payment already made (paid twice, once by the library and once
 * by its university; or the same payment booked again under another reference). Asked only for lines left unmatched,
 * against recently settled orders scored as if still due, so it adds a note to the unmatched inbox and never competes
 * with open orders for a match or a suggestion slot (settled orders among the candidates pushed a renewal's open order
 * out of the review queue when tried). A repeat is the same amount again, or names the order by its payment code: other
 * lines are not scored at all (scoring every unrelated credit of a large statement against 10,000 settled orders cost
 * ~40 µs a line).
 */
export function createDuplicateFinder(settled: readonly OpenOrder[], options: Partial<ReconcilerOptions> = {}): DuplicateFinder {
  if (settled.length === 0) return { find: () => undefined };
  const byId = new Map(settled.map((order) => [order.orderId, order]));
  const amountsDue = new Set(settled.map((order) => order.amountDueFen));
  const codes = new Map(settled.map((order) => [order.paymentCode, order.orderId]));
  // Built on the first line worth scoring, so a statement without one pays nothing for it (10,000 orders: ~0.5 s).
  let asDue: Reconciler | undefined;
  const reconciler = (): Reconciler => (asDue ??= createReconciler(settled.map((order) => ({ ...order, amountPaidFen: 0 })), options));
  return {
    find(line: MatchableLine): PossibleDuplicate | undefined {
      if (line.direction !== 'credit') return undefined;
      const coded = findPaymentCodes(line.remark).valid.filter((code) => codes.has(code));
      if (!amountsDue.has(line.amountFen) && coded.length === 0) return undefined;
      const decision = reconciler().decide(line);
      const best = decision.kind === 'auto' ? { orderId: decision.orderId, score: decision.confidence } : decision.kind === 'suggest' ? decision.candidates[0] : undefined;
      if (!best) return undefined;
      const order = byId.get(best.orderId)!;
      if (line.amountFen !== order.amountDueFen && !coded.some((code) => codes.get(code) === order.orderId)) return undefined;
      const note = `可能为已结清订单的重复付款：${order.institutionName}（缴费码 ${order.paymentCode}，应付 ${formatFen(order.amountDueFen)}，匹配度 ${Math.round(best.score * 100)}%），请核实后退款或结转`;
      return { order, confidence: best.score, note };
    },
  };
}
