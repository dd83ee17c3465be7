import { amountSignal, dateSignalForDays } from './amount-signal';
import { IndexedOrder, NameKind } from './order-index';
import { nameSimilarity, percent } from './similarity';
import { ReconcilerOptions } from './types';

/** Reasons are built only for candidates that are shown: most scored candidates are discarded. */
export interface RawScore {
  orderId: string;
  institutionId: string;
  /** Unrounded: thresholds and margins are tested on this; only what is shown is rounded (displayScore). */
  score: number;
  /** The name evidence came from the remark alone: nothing the payer did not type themselves backs it up. */
  remarkOnly: boolean;
  /** The remark carries this order's valid payment code: the payer named the order itself. */
  codeMatches: boolean;
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

interface NameMatch {
  similarity: number;
  /** Index into the candidate's names of the most similar one. */
  index: number;
}

function bestSimilarity(text: string, names: string[]): NameMatch {
  let best: NameMatch = { similarity: 0, index: 0 };
  for (let i = 0; i < names.length; i++) {
    const similarity = nameSimilarity(text, names[i]);
    if (similarity > best.similarity) best = { similarity, index: i };
  }
  return best;
}

/** A score as it is shown and stored (confidence, candidate scores): 3 decimals. Never compared with a threshold. */
export const displayScore = (score: number): number => Math.round(score * 1000) / 1000;

/**
 * What the matched name is, said exactly: the institution's registered name, one of its own other names, or an
 * account name finance confirmed as paying for it (a parent university's name is not the library's name).
 */
function nameReason(subject: '附言' | '户名', match: NameMatch, candidate: IndexedOrder): string | undefined {
  const { similarity } = match;
  if (similarity < 0.6) return undefined;
  const exact = similarity >= 0.999;
  const source = candidate.nameSources[match.index];
  const kind: NameKind = source?.kind ?? 'registered';
  const how = exact ? '一致' : `相似 ${percent(similarity)}`;
  if (kind === 'registered') return `${subject}与单位名称${how}`;
  if (kind === 'alias') return `${subject}与单位别名「${source.text}」${how}`;
  return `${subject}与已确认为该单位付款的户名「${source.text}」${how}`;
}

export function scoreCandidate(facts: LineFacts, candidate: IndexedOrder, options: ReconcilerOptions): RawScore {
  const { order } = candidate;
  const codeMatches = facts.validCodes.includes(order.paymentCode.toUpperCase());
  const accountKnown = candidate.accounts.has(facts.payerAccount);
  const remarkMatch = bestSimilarity(facts.remarkCore, candidate.names);
  const payerMatch = bestSimilarity(facts.payerCore, candidate.names);
  const remarkSimilarity = remarkMatch.similarity;
  const payerSimilarity = payerMatch.similarity;
  const doubt =
    (codeMatches ? 0.01 : 1) *
    (accountKnown ? 0.08 : 1) *
    (1 - evidenceOf(remarkSimilarity)) *
    (1 - evidenceOf(payerSimilarity));
  const amount = amountSignal(facts.amountFen, order);
  const date = dateSignalForDays(facts.bookedDay - candidate.issuedDay, options.dateWindowDays);
  // Not rounded: a score of 0.8996 must not pass a 0.9 threshold because it is shown as 0.9.
  const score = (1 - doubt) * amount.factor * date.factor;

  const explain = (): string[] => {
    const reasons: string[] = [];
    if (codeMatches) reasons.push(`缴费码有效（${order.paymentCode}）`);
    else if (facts.validCodes.length > 0) reasons.push('附言中的缴费码属于其他订单');
    if (facts.invalidCodes.length > 0) reasons.push(`缴费码校验失败，疑似输入错误（${facts.invalidCodes.join('、')}），未采用`);
    if (accountKnown) reasons.push('付款账号为已登记的付款账号');
    const remarkReason = nameReason('附言', remarkMatch, candidate);
    if (remarkReason) reasons.push(remarkReason);
    const payerReason = nameReason('户名', payerMatch, candidate);
    if (payerReason) reasons.push(payerReason);
    reasons.push(amount.reason());
    if (date.factor < 1) reasons.push(date.reason());
    return reasons;
  };
  const remarkOnly = !codeMatches && !accountKnown && remarkSimilarity >= 0.999 && payerSimilarity < 0.999;
  return { orderId: order.orderId, institutionId: order.institutionId, score, remarkOnly, codeMatches, explain };
}
