import { amountSignal, dateSignalForDays } from './amount-signal';
import { IndexedOrder } from './order-index';
import { nameSimilarity, percent } from './similarity';
import { ReconcilerOptions } from './types';

/** Reasons are built only for candidates that are shown: most scored candidates are discarded. */
export interface RawScore {
  orderId: string;
  score: number;
  /** The name evidence came from the remark alone: nothing the payer did not type themselves backs it up. */
  remarkOnly: boolean;
  explain: () => string[];
}

/** What is known about a line once, before it is compared with candidate orders. */
export interface LineFacts {
  amountFen: number;
  bookedOn: string;
  /** `bookedOn` as a day number. */
  bookedDay: number;
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

export function scoreCandidate(facts: LineFacts, candidate: IndexedOrder, options: ReconcilerOptions): RawScore {
  const { order } = candidate;
  const codeMatches = facts.validCodes.includes(order.paymentCode.toUpperCase());
  const accountKnown = candidate.accounts.has(facts.payerAccount);
  const remarkSimilarity = bestSimilarity(facts.remarkCore, candidate.names);
  const payerSimilarity = bestSimilarity(facts.payerCore, candidate.names);
  const doubt =
    (codeMatches ? 0.01 : 1) *
    (accountKnown ? 0.08 : 1) *
    (1 - evidenceOf(remarkSimilarity)) *
    (1 - evidenceOf(payerSimilarity));
  const amount = amountSignal(facts.amountFen, order);
  const date = dateSignalForDays(facts.bookedDay - candidate.issuedDay, options.dateWindowDays);
  const score = Math.round((1 - doubt) * amount.factor * date.factor * 1000) / 1000;

  const explain = (): string[] => {
    const reasons: string[] = [];
    if (codeMatches) reasons.push(`缴费码有效（${order.paymentCode}）`);
    else if (facts.validCodes.length > 0) reasons.push('附言中的缴费码属于其他订单');
    if (facts.invalidCodes.length > 0) reasons.push(`缴费码校验失败，疑似输入错误（${facts.invalidCodes.join('、')}），未采用`);
    if (accountKnown) reasons.push('付款账号为已登记的付款账号');
    if (remarkSimilarity >= 0.999) reasons.push('附言与单位名称一致');
    else if (remarkSimilarity >= 0.6) reasons.push(`附言与单位名称相似 ${percent(remarkSimilarity)}`);
    if (payerSimilarity >= 0.999) reasons.push('户名与单位名称一致');
    else if (payerSimilarity >= 0.6) reasons.push(`户名相似 ${percent(payerSimilarity)}`);
    reasons.push(amount.reason());
    if (date.factor < 1) reasons.push(date.reason());
    return reasons;
  };
  const remarkOnly = !codeMatches && !accountKnown && remarkSimilarity >= 0.999 && payerSimilarity < 0.999;
  return { orderId: order.orderId, score, remarkOnly, explain };
}
