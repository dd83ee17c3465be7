import { amountSignal, dateSignal } from './amount-signal';
import { IndexedOrder } from './order-index';
import { nameSimilarity, percent } from './similarity';
import { ReconcilerOptions, ScoredCandidate } from './types';

/** What is known about a line once, before it is compared with candidate orders. */
export interface LineFacts {
  amountFen: number;
  bookedOn: string;
  remarkCore: string;
  payerCore: string;
  payerAccount: string;
  validCodes: string[];
  invalidCodes: string[];
}

/**
 * Maps a similarity to the probability that it identifies the institution. Near-identical names (朝阳区图书馆 vs
 * 朝阳区少儿图书馆) are ≥ 0.8 similar, so anything short of an exact or contained match must stay well below
 * the auto threshold on its own.
 */
const evidenceOf = (similarity: number): number =>
  similarity >= 0.999 ? 0.97 : similarity < 0.6 ? 0 : 0.85 * ((similarity - 0.6) / 0.4) ** 2;

const bestSimilarity = (text: string, names: string[]): number =>
  names.reduce((best, name) => Math.max(best, nameSimilarity(text, name)), 0);

export function scoreCandidate(facts: LineFacts, candidate: IndexedOrder, options: ReconcilerOptions): ScoredCandidate {
  const { order } = candidate;
  const reasons: string[] = [];
  const doubts: number[] = [];

  if (facts.validCodes.includes(order.paymentCode.toUpperCase())) {
    doubts.push(0.01);
    reasons.push(`缴费码有效（${order.paymentCode}）`);
  } else if (facts.validCodes.length > 0) {
    reasons.push('附言中的缴费码属于其他订单');
  }
  if (facts.invalidCodes.length > 0) reasons.push(`缴费码校验失败，疑似输入错误（${facts.invalidCodes.join('、')}），未采用`);

  if (candidate.accounts.has(facts.payerAccount)) {
    doubts.push(0.08);
    reasons.push('付款账号为已登记的付款账号');
  }

  const remarkSimilarity = bestSimilarity(facts.remarkCore, candidate.names);
  const payerSimilarity = bestSimilarity(facts.payerCore, candidate.names);
  if (remarkSimilarity >= 0.999) reasons.push('附言与单位名称一致');
  else if (remarkSimilarity >= 0.6) reasons.push(`附言与单位名称相似 ${percent(remarkSimilarity)}`);
  if (payerSimilarity >= 0.999) reasons.push('户名与单位名称一致');
  else if (payerSimilarity >= 0.6) reasons.push(`户名相似 ${percent(payerSimilarity)}`);
  doubts.push(1 - evidenceOf(remarkSimilarity), 1 - evidenceOf(payerSimilarity));

  const identity = 1 - doubts.reduce((product, d) => product * d, 1);
  const amount = amountSignal(facts.amountFen, order);
  const date = dateSignal(facts.bookedOn, order, options.dateWindowDays);
  reasons.push(amount.reason);
  if (date.factor < 1) reasons.push(date.reason);
  const score = Math.round(identity * amount.factor * date.factor * 1000) / 1000;
  return { orderId: order.orderId, score, reasons };
}
