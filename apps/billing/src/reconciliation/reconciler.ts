import { dayNumber } from './amount-signal';
import { coreOf, digitsOnly } from './normalise';
import { InstitutionRegistry, NamedInstitution } from './institution-registry';
import { OrderIndex } from './order-index';
import { findPaymentCodes } from './payment-code';
import { displayScore, LineFacts, RawScore, scoreCandidate } from './scoring';
import {
  DEFAULT_RECONCILER_OPTIONS,
  MatchDecision,
  MatchableLine,
  OpenOrder,
  ReconcilerOptions,
  RegisteredInstitution,
  ScoredCandidate,
} from './types';

/** The note of a credit for which nothing plausible was found (and nothing else was noted). */
export const NO_MATCH_NOTE = '未找到匹配的订单';

export interface Reconciler {
  /** Scores the line against the orders' balances as they stand; deciding changes nothing. */
  decide(line: MatchableLine): MatchDecision;
  /**
   * Counts a payment about to be recorded against the order's balance, so later lines of the same statement see the
   * order as paid: a second transfer of the full amount then scores as a possible duplicate payment and goes to
   * finance's review instead of being confirmed as an overpayment.
   */
  recordPayment(orderId: string, amountFen: number): void;
}

/** Payer names repeat across a statement (regular payers, parent organisations): their cores are computed once. */
class CoreCache {
  private readonly cores = new Map<string, string>();
  of(text: string): string {
    let core = this.cores.get(text);
    if (core === undefined) {
      // Bounded: a statement of unique payer names must not grow this without limit.
      if (this.cores.size >= 100_000) this.cores.clear();
      core = coreOf(text);
      this.cores.set(text, core);
    }
    return core;
  }
}

function factsOf(line: MatchableLine, payerCores: CoreCache): LineFacts {
  const codes = findPaymentCodes(line.remark);
  return {
    amountFen: line.amountFen,
    bookedOn: line.bookedOn,
    bookedDay: dayNumber(line.bookedOn),
    remarkCore: coreOf(line.remark, [...codes.valid, ...codes.invalid]),
    payerCore: payerCores.of(line.payerName),
    payerAccount: digitsOnly(line.payerAccount),
    validCodes: codes.valid,
    invalidCodes: codes.invalid,
  };
}

// Code-unit order, not localeCompare: only breaks exact score ties deterministically, and ICU collation per
// comparison was a visible share of deciding a large statement.
const byScoreThenId = (a: RawScore, b: RawScore): number => b.score - a.score || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);

/** What a person sees of a candidate: the score rounded for display, the reasons spelled out. */
const shown = (c: RawScore): ScoredCandidate => ({ orderId: c.orderId, score: displayScore(c.score), reasons: c.explain() });

/**
 * The registered institutions the payer account name is, when none of them is `institutionId`: the payer side then
 * points to another member or applicant.
 */
function otherPayerInstitutions(payers: readonly NamedInstitution[], institutionId: string): readonly NamedInstitution[] {
  return payers.length === 0 || payers.some((p) => p.institutionId === institutionId) ? [] : payers;
}

/** Says what points where: the payer side to the other institution(s), the remark (its payment code, if any) to `named`. */
const payerConflictNote = (payerName: string, others: readonly NamedInstitution[], named: { institutionName: string; paymentCode: string }, codeMatches: boolean): string =>
  `付款户名「${payerName}」是另一已登记单位（${others.map((p) => p.name).join('、')}），而${codeMatches ? `附言中的缴费码 ${named.paymentCode} 属于` : '附言等信息指向'}「${named.institutionName}」${codeMatches ? '的订单' : ''}：需人工确认这笔款项归属哪家单位`;

/**
 * Builds the indexes once; `decide` is then pure per line. An automatic match needs a high score AND a clear lead
 * over the runner-up, so two look-alike institutions produce a suggestion for a human, never a silent wrong match.
 * `institutions`: registered institutions without an open order (members, earlier applicants), so a payer that is one
 * of them is recognised too; institutions with open orders are known from the orders.
 */
export function createReconciler(
  orders: readonly OpenOrder[],
  options: Partial<ReconcilerOptions> = {},
  institutions: readonly RegisteredInstitution[] = [],
): Reconciler {
  const settings: ReconcilerOptions = { ...DEFAULT_RECONCILER_OPTIONS, ...options };
  // Copies: recorded payments move this reconciler's balances, never the caller's orders.
  const index = new OrderIndex(orders.map((order) => ({ ...order })));
  const byId = new Map(index.orders.map(({ order }) => [order.orderId, order]));
  const registry = new InstitutionRegistry(index.orders, institutions);
  const payerCores = new CoreCache();

  return {
    recordPayment(orderId: string, amountFen: number): void {
      const order = byId.get(orderId);
      if (order) order.amountPaidFen += amountFen;
    },

    decide(line: MatchableLine): MatchDecision {
      if (line.direction !== 'credit') return { kind: 'unmatched', notes: ['支出流水，不参与会费匹配'] };
      const facts = factsOf(line, payerCores);
      const notes: string[] = [];
      if (facts.invalidCodes.length > 0) notes.push(`附言中的缴费码校验失败，疑似输入错误：${facts.invalidCodes.join('、')}`);

      const ids = new Set<number>();
      for (const code of facts.validCodes) {
        const found = index.withCode(code);
        if (found.length === 0) notes.push(`缴费码 ${code} 有效，但没有对应的未结订单`);
        found.forEach((i) => ids.add(i));
      }
      index.withAccount(facts.payerAccount).forEach((i) => ids.add(i));
      index.withName(facts.remarkCore).forEach((i) => ids.add(i));
      index.withName(facts.payerCore).forEach((i) => ids.add(i));
      index.similarNames([facts.remarkCore, facts.payerCore], settings.maxNameCandidates).forEach((i) => ids.add(i));

      const scored: RawScore[] = [...ids]
        .map((i) => scoreCandidate(facts, index.orders[i], settings))
        .sort(byScoreThenId);
      const [best, runnerUp] = scored;
      // The payer account name is another member or applicant than the best candidate's institution. Even a valid
      // payment code of the best order does not settle it (issue #24): the code says which order the remark means, not
      // whose money it is (a sibling college's transfer quoting the library's code may be the sibling's own dues).
      const payerIsOther = best ? otherPayerInstitutions(registry.named(facts.payerCore), best.institutionId) : [];
      /** Notes the conflict and returns the payer institution's own open orders, shown next to `top` whatever they score. */
      const payerSide = (top: RawScore): RawScore[] => {
        if (payerIsOther.length === 0) return [];
        const payerOrders = scored.filter((c) => payerIsOther.some((p) => p.institutionId === c.institutionId));
        notes.push(payerConflictNote(line.payerName, payerIsOther, byId.get(top.orderId)!, top.codeMatches));
        if (payerOrders.length === 0) notes.push(`${payerIsOther.map((p) => p.name).join('、')}目前没有未结订单`);
        return payerOrders;
      };
      if (best && best.score >= settings.autoThreshold && (!runnerUp || best.score - runnerUp.score >= settings.autoMargin)) {
        const lookAlikes = best.remarkOnly ? index.lookAlikesOf(facts.remarkCore) : [];
        if (lookAlikes.length === 0 && payerIsOther.length === 0) {
          return { kind: 'auto', orderId: best.orderId, confidence: displayScore(best.score), reasons: best.explain(), notes };
        }
        // The typed name is exact for one institution and one typo from another: the typo cannot be told from the
        // intent. A person decides, shown the look-alikes whatever they score on the typed text (which is low).
        if (lookAlikes.length > 0) notes.push('附言与另一单位的名称仅差一字，可能为笔误，需人工确认');
        const twins = lookAlikes.map((i) => scoreCandidate(facts, index.orders[i], settings)).sort(byScoreThenId);
        const payerOrders = payerSide(best);
        const shownIds = new Set([best, ...payerOrders, ...twins].map((c) => c.orderId));
        const others = scored.filter((c) => !shownIds.has(c.orderId) && c.score >= settings.suggestFloor);
        const candidates = [...new Map([best, ...payerOrders, ...twins, ...others].map((c) => [c.orderId, c])).values()].slice(0, 3).map(shown);
        return { kind: 'suggest', candidates, notes };
      }
      const plausible = scored.filter((c) => c.score >= settings.suggestFloor).slice(0, 3);
      if (plausible.length > 0) {
        if (best.score >= settings.autoThreshold) notes.push('存在得分接近的其他订单，需人工确认');
        if (payerIsOther.length === 0) return { kind: 'suggest', candidates: plausible.map(shown), notes };
        // Both sides are shown here too: the best candidate and the payer institution's own orders first.
        const payerOrders = payerSide(best);
        const candidates = [...new Map([best, ...payerOrders, ...plausible].map((c) => [c.orderId, c])).values()].slice(0, 3).map(shown);
        return { kind: 'suggest', candidates, notes };
      }
      return { kind: 'unmatched', notes: notes.length > 0 ? notes : [NO_MATCH_NOTE] };
    },
  };
}
