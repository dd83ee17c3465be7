import { generateMatchingSet, isWrongAuto } from '../../test-fixtures/reconciliation/matching-set';
import { createReconciler } from './reconciler';

describe('matching quality on a seeded labelled set', () => {
  const { orders, institutions, cases } = generateMatchingSet(20260901, 800, 3000);
  const reconciler = createReconciler(orders, {}, institutions);
  const outcomes = cases.map((c) => ({ ...c, decision: reconciler.decide(c.line) }));

  it('never auto-confirms a wrong order and finds ≥ 95% of matchable credits', () => {
    const autos = outcomes.filter((o) => o.decision.kind === 'auto');
    // An automatic match of a case only a person can decide (the payer is another registered institution) is wrong too.
    const wrongAutos = autos.filter((o) => isWrongAuto(o, o.decision));
    const matchable = outcomes.filter((o) => o.expectedOrderId !== null);
    const found = matchable.filter(
      (o) =>
        (o.decision.kind === 'auto' && o.decision.orderId === o.expectedOrderId) ||
        (o.decision.kind === 'suggest' && o.decision.candidates[0].orderId === o.expectedOrderId),
    );
    const autoCorrect = autos.length - wrongAutos.length;
    const byScenario = new Map<string, { n: number; auto: number; found: number }>();
    for (const o of outcomes) {
      const s = byScenario.get(o.scenario) ?? { n: 0, auto: 0, found: 0 };
      s.n++;
      if (o.decision.kind === 'auto') s.auto++;
      if (found.includes(o)) s.found++;
      byScenario.set(o.scenario, s);
    }
    const unrelated = outcomes.filter((o) => o.expectedOrderId === null);
    console.log(
      [
        `lines=${cases.length} orders=${orders.length} matchable=${matchable.length} unrelated=${unrelated.length}`,
        `auto=${autos.length} wrongAuto=${wrongAutos.length} precision=${((autoCorrect / autos.length) * 100).toFixed(2)}%`,
        `recall(auto or correct top suggestion)=${((found.length / matchable.length) * 100).toFixed(2)}%`,
        `auto-rate among matchable=${((autoCorrect / matchable.length) * 100).toFixed(2)}%`,
        `unrelated left unmatched=${unrelated.filter((o) => o.decision.kind === 'unmatched').length}/${unrelated.length}`,
        ...[...byScenario.entries()].sort().map(([k, v]) => `  ${k}: n=${v.n} auto=${v.auto} found=${v.found}`),
        ...wrongAutos.slice(0, 5).map((o) => `  WRONG ${JSON.stringify(o.line)} → ${JSON.stringify(o.decision)}`),
      ].join('\n'),
    );
    expect(matchable.length + unrelated.length).toBeGreaterThanOrEqual(2000);
    expect(autos.length).toBeGreaterThan(0);
    expect(wrongAutos).toEqual([]);
    expect(found.length / matchable.length).toBeGreaterThanOrEqual(0.95);
  });
});
