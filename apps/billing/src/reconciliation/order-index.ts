import { coreOf, digitsOnly } from './normalise';
import { dayNumber } from './amount-signal';
import { findLookAlikes, NamedOwner } from './look-alikes';
import { normalisePaymentCode } from './payment-code';
import { OpenOrder } from './types';

/** Where a name of an order comes from: reasons name the one that matched. */
export type NameKind = 'registered' | 'alias' | 'payer';

export interface IndexedOrder {
  order: OpenOrder;
  /** Normalised cores of the institution name, its aliases and its confirmed payer names; the first is the registered name. */
  names: string[];
  /** Per name: its kind and the text it was normalised from (the first kind wins when two normalise alike). */
  nameSources: Array<{ kind: NameKind; text: string }>;
  accounts: Set<string>;
  /** The issue date as a day number, so the date signal does not parse it for every line. */
  issuedDay: number;
}

function namesOf(order: OpenOrder): Pick<IndexedOrder, 'names' | 'nameSources'> {
  const names: string[] = [];
  const nameSources: IndexedOrder['nameSources'] = [];
  const add = (kind: NameKind, text: string): void => {
    const core = coreOf(text);
    if (core === '' || names.includes(core)) return;
    names.push(core);
    nameSources.push({ kind, text });
  };
  add('registered', order.institutionName);
  order.aliases.forEach((alias) => add('alias', alias));
  order.knownPayerNames?.forEach((payer) => add('payer', payer));
  return { names, nameSources };
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
// At least the two rarest bigram lists are scanned whatever their length: fewer lost look-alike competitors.
const MIN_LISTS = 2;
export class OrderIndex {
  readonly orders: IndexedOrder[];
  private readonly byCode = new Map<string, number[]>();
  private readonly byAccount = new Map<string, number[]>();
  private readonly byName = new Map<string, number[]>();
  // Postings as typed arrays once built: the scan below is the hot path when reconciling large statements.
  private readonly byBigram = new Map<string, Int32Array>();
  private readonly counts: Uint16Array;
  // Scratch space reused by every similarNames call (one reconciler decides one line at a time).
  private touched: Int32Array;
  private ranked: Int32Array;
  private readonly grams = new Set<string>();
  private readonly postings: Int32Array[] = [];
  private readonly lookAlikes: Map<string, number[]>;

  constructor(orders: readonly OpenOrder[]) {
    const byBigram = new Map<string, number[]>();
    const owners: NamedOwner[] = [];
    this.orders = orders.map((order, i) => {
      const { names, nameSources } = namesOf(order);
      const accounts = new Set(order.knownPayerAccounts.map(digitsOnly).filter((a) => a !== ''));
      push(this.byCode, normalisePaymentCode(order.paymentCode), i);
      for (const account of accounts) push(this.byAccount, account, i);
      for (const name of names) {
        push(this.byName, name, i);
        owners.push({ name, institutionId: order.institutionId, order: i });
        for (const gram of bigrams(name)) push(byBigram, gram, i);
      }
      return { order, names, nameSources, accounts, issuedDay: dayNumber(order.issuedOn) };
    });
    for (const [gram, list] of byBigram) this.byBigram.set(gram, Int32Array.from(list));
    this.lookAlikes = findLookAlikes(owners);
    this.counts = new Uint16Array(orders.length);
    this.touched = new Int32Array(Math.min(orders.length, 4096));
    this.ranked = new Int32Array(Math.min(orders.length, 4096));
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

  /** Orders of other institutions whose name is one typo away from this exact name (see look-alikes.ts). */
  lookAlikesOf(name: string): readonly number[] {
    return this.lookAlikes.get(name) ?? [];
  }

  /**
   * Orders sharing the most bigrams with the texts (ties in first-seen order). Only the rarest bigrams are scanned
   * (common ones such as 图书 occur in nearly every name and would cost a full scan while telling nothing).
   */
  similarNames(texts: string[], limit: number, postingBudget = 1500, maxPostings = 3000): number[] {
    const grams = this.grams;
    grams.clear();
    for (const text of texts) for (let i = 0; i + 1 < text.length; i++) grams.add(text.slice(i, i + 2));
    // A bigram shared by thousands of names (图书, 书馆, 大学) cannot pick out a candidate; scanning it only costs time.
    const lists = this.postings;
    lists.length = 0;
    for (const gram of grams) {
      const p = this.byBigram.get(gram);
      if (p !== undefined && p.length <= maxPostings) lists.push(p);
    }
    lists.sort((a, b) => a.length - b.length);
    let used = 0;
    for (let scanned = 0; used < lists.length; used++) {
      if (used >= MIN_LISTS && scanned + lists[used].length > postingBudget) break;
      scanned += lists[used].length;
    }
    if (used <= 2) return topOfTwo(used > 0 ? lists[0] : NONE, used > 1 ? lists[1] : NONE, limit);
    return this.rankByCount(lists, used, limit);
  }

  private rankByCount(lists: Int32Array[], used: number, limit: number): number[] {
    const counts = this.counts;
    let touched = this.touched;
    let n = 0;
    for (let l = 0; l < used; l++) {
      const postings = lists[l];
      if (n + postings.length > touched.length) touched = this.grow(n + postings.length);
      for (let k = 0; k < postings.length; k++) {
        const i = postings[k];
        if (counts[i] === 0) touched[n++] = i;
        counts[i]++;
      }
    }
    // Counting sort by hit count, descending, stable in first-touched order: linear, where sorting thousands of
    // hits per line is not.
    const starts = new Int32Array(used + 2);
    for (let k = 0; k < n; k++) starts[used - counts[touched[k]] + 1]++;
    for (let c = 1; c <= used + 1; c++) starts[c] += starts[c - 1];
    const ranked = this.ranked.length >= n ? this.ranked : (this.ranked = new Int32Array(touched.length));
    for (let k = 0; k < n; k++) {
      const i = touched[k];
      ranked[starts[used - counts[i]]++] = i;
      counts[i] = 0;
    }
    const out: number[] = [];
    for (let k = 0; k < n && k < limit; k++) out.push(ranked[k]);
    return out;
  }

  private grow(size: number): Int32Array {
    const bigger = new Int32Array(Math.max(size, this.touched.length * 2));
    bigger.set(this.touched);
    this.touched = bigger;
    return bigger;
  }
}

const NONE = new Int32Array(0);

/**
 * The ranking of rankByCount for at most two lists, without touching every posting: in both lists (in order), then
 * only in the first, then only in the second. Postings are ascending order positions, so the common ones come out
 * of a merge in first-list order and the walk stops once `limit` are found. Names made of shared pieces (every
 * 北京东… name has 北京 and 京东) make both lists long and their intersection dense: counting them all was most of
 * the time spent deciding a large statement.
 */
function topOfTwo(a: Int32Array, b: Int32Array, limit: number): number[] {
  const out: number[] = [];
  let x = 0;
  let y = 0;
  while (x < a.length && y < b.length && out.length < limit) {
    if (a[x] < b[y]) x++;
    else if (a[x] > b[y]) y++;
    else {
      out.push(a[x]);
      x++;
      y++;
    }
  }
  if (out.length >= limit) return out;
  // Short of `limit`, one list ran out: every common posting is known, the rest of each list is in it alone.
  const common = out.length;
  const alone = (list: Int32Array): void => {
    for (let k = 0, c = 0; k < list.length && out.length < limit; k++) {
      while (c < common && out[c] < list[k]) c++;
      if (c < common && out[c] === list[k]) continue;
      out.push(list[k]);
    }
  };
  alone(a);
  alone(b);
  return out;
}
