import { generateMatchingSet } from '../../test-fixtures/reconciliation/matching-set';
import { createReconciler } from './reconciler';

describe('reconciler throughput', () => {
  it('decides 100,000 lines against 50,000 open orders within 30 s', () => {
    const { orders, cases } = generateMatchingSet(7, 50_000, 100_000);
    const started = performance.now();
    const reconciler = createReconciler(orders);
    const indexed = performance.now();
    let autos = 0;
    for (const c of cases) if (reconciler.decide(c.line).kind === 'auto') autos++;
    const finished = performance.now();
    console.log(`index ${Math.round(indexed - started)} ms, decide ${Math.round(finished - indexed)} ms, auto ${autos}/${cases.length}`);
    expect(orders).toHaveLength(50_000);
    expect(autos).toBeGreaterThan(cases.length / 2);
    expect(finished - started).toBeLessThan(30_000);
  });
});
