import { coreOf, digitsOnly } from './normalise';
import { normalisePaymentCode } from './payment-code';
import { OpenOrder } from './types';

export interface IndexedOrder {
  order: OpenOrder;
  /** Normalised cores of the institution name and aliases; the first is the registered name. */
  names: string[];
  accounts: Set<string>;
}

const push = <K>(map: Map<K, number[]>, key: K, value: number): void => {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
};

export const bigrams = (s: string): string[] => {
  const out = new Set<string>();
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return [...out];
};

/**
 * Candidate retrieval so a line is scored against a handful of orders, not all of them: exact lookups by payment
 * code, payer account and normalised name, plus an inverted bigram index over names for typo-tolerant recall.
 */
export class OrderIndex {
  readonly orders: IndexedOrder[];
  private readonly byCode = new Map<string, number[]>();
  private readonly byAccount = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  private readonly byBigram = new Map<string, number[]>();
  private readonly counts: Uint16Array;

  constructor(orders: readonly OpenOrder[]) {
    this.orders = orders.map((order, i) => {
      const names = [...new Set([order.institutionName, ...order.aliases].map((n) => coreOf(n)).filter((n) => n !== ''))];
      const accounts = new Set(order.knownPayerAccounts.map(digitsOnly).filter((a) => a !== ''));
      push(this.byCode, normalisePaymentCode(order.paymentCode), i);
      for (const account of accounts) push(this.byAccount, account, i);
      for (const name of names) {
        push(this.byName, name, i);
        for (const gram of bigrams(name)) push(this.byBigram, gram, i);
      }
      return { order, names, accounts };
    });
    this.counts = new Uint16Array(orders.length);
  }

  withCode(code: string): number[] {
    return this.byCode.get(code) ?? [];
  }

  withAccount(account: string): number[] {
    return account === '' ? [] : this.byAccount.get(account) ?? [];
  }

  withName(core: string): number[] {
    return core === '' ? [] : this.byName.get(core) ?? [];
  }

  /**
   * Orders sharing the most bigrams with the texts. Only the rarest bigrams are scanned (common ones such as 图书
   * occur in nearly every name and would cost a full scan while telling nothing).
   */
  similarNames(texts: string[], limit: number, postingBudget = 1500, maxPostings = 3000): number[] {
    // A bigram shared by thousands of names (图书, 书馆, 大学) cannot pick out a candidate; scanning it only costs time.
    const grams = [...new Set(texts.flatMap(bigrams))]
      .map((g) => this.byBigram.get(g))
      .filter((p): p is number[] => p !== undefined && p.length <= maxPostings)
      .sort((a, b) => a.length - b.length);
    // A reusable counter array instead of a Map: this loop is the hot path when reconciling large statements.
    const counts = this.counts;
    const touched: number[] = [];
    let scanned = 0;
    let used = 0;
    for (const postings of grams) {
      if (used >= 2 && scanned + postings.length > postingBudget) break;
      for (const i of postings) {
        if (counts[i] === 0) touched.push(i);
        counts[i]++;
      }
      scanned += postings.length;
      used++;
    }
    // Bucket by hit count (at most `used` distinct counts): linear, where sorting thousands of hits per line is not.
    const buckets: number[][] = Array.from({ length: used + 1 }, () => []);
    for (const i of touched) {
      buckets[counts[i]].push(i);
      counts[i] = 0;
    }
    const out: number[] = [];
    for (let count = used; count >= 1 && out.length < limit; count--) {
      for (const i of buckets[count]) {
        if (out.length >= limit) break;
        out.push(i);
      }
    }
    return out;
  }
}
