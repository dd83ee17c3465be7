import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { findLookAlikes, NamedOwner, oneTypoApart } from './look-alikes';

describe('oneTypoApart', () => {
  it.each([
    ['竹清大学医学图书馆', '河清大学医学图书馆', true],
    ['甘肃省平市图书馆', '甘肃省廉平市图书馆', true],
    ['长沙市图书馆', '沙长市图书馆', true],
    ['北京市朝阳区图书馆', '北京市朝阳区少儿图书馆', false],
    ['长沙市图书馆', '长春县图书馆', false],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(oneTypoApart(a, b)).toBe(expected);
    expect(oneTypoApart(b, a)).toBe(expected);
  });
});

const swapped = (a: string, b: string): boolean =>
  a.length === b.length && [...a].some((_, i) => i + 1 < a.length && a.slice(0, i) + a[i + 1] + a[i] + a.slice(i + 2) === b);

describe('findLookAlikes', () => {
  it('finds exactly the pairs of different institutions one typo apart (checked against all pairs)', () => {
    // A small alphabet makes collisions of every kind frequent: substitutions, insertions, deletions, swaps.
    const name = fc.string({ unit: fc.constantFrom('图', '书', '馆', '市', '和', '平'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.integer({ min: 0, max: 5 })), { maxLength: 40 }), (rows) => {
        const owners: NamedOwner[] = rows.map(([n, inst], order) => ({ name: n, institutionId: `I${inst}`, order }));
        const found = findLookAlikes(owners);
        const typoApart = (x: string, y: string): boolean => distance(x, y) <= 1 || swapped(x, y);
        for (const name of new Set(owners.map((o) => o.name))) {
          const owning = owners.filter((o) => o.name === name);
          const expected = owners.filter((b) => owning.some((x) => x.institutionId !== b.institutionId) && typoApart(name, b.name)).map((b) => b.order);
          expect([...(found.get(name) ?? [])].sort((p, q) => p - q)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
