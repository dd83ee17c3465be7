import fc from 'fast-check';
import { OrderIndex } from './order-index';
import { OpenOrder } from './types';

const order = (i: number, name: string): OpenOrder => ({
  orderId: `O${i}`, institutionId: `I${i}`, institutionName: name, aliases: [], knownPayerAccounts: [],
  amountDueFen: 100000, amountPaidFen: 0, feePerYearFen: 100000, years: 1, paymentCode: `P${i}`, issuedOn: '2026-08-01',
});

/** The retrieval rule spelled out naively: the rarest bigram lists within the budget, ranked by hits then first touch. */
function reference(names: string[], texts: string[], limit: number, budget: number, maxPostings: number): number[] {
  const grams = new Set<string>();
  for (const t of texts) for (let i = 0; i + 1 < t.length; i++) grams.add(t.slice(i, i + 2));
  const lists = [...grams]
    .map((g) => names.flatMap((n, i) => (n.includes(g) ? [i] : [])))
    .filter((l) => l.length > 0 && l.length <= maxPostings)
    .sort((a, b) => a.length - b.length);
  const hits = new Map<number, number>();
  let scanned = 0;
  for (const [k, list] of lists.entries()) {
    if (k >= 2 && scanned + list.length > budget) break;
    for (const i of list) hits.set(i, (hits.get(i) ?? 0) + 1);
    scanned += list.length;
  }
  return [...hits.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([i]) => i);
}

describe('OrderIndex.similarNames', () => {
  it('ranks exactly as counting every posting would, whether two lists or more are scanned', () => {
    const name = fc.string({ unit: fc.constantFrom('北', '京', '东', '0', '1', '号', '图', '书', '馆'), minLength: 2, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 60 }), fc.array(name, { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 40 }), (names, texts, limit, budget) => {
        const index = new OrderIndex(names.map((n, i) => order(i, n)));
        expect(index.similarNames(texts, limit, budget, 50)).toEqual(reference(index.orders.map((o) => o.names[0] ?? ''), texts, limit, budget, 50));
      }),
      { numRuns: 500 },
    );
  });
});
