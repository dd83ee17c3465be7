import { distance } from 'fastest-levenshtein';

/**
 * Character-level similarity for Chinese names (no word boundaries, so token scorers see one token).
 * Combines plain normalised Levenshtein with containment: the name inside a longer remark ("…图书馆张老师") scores
 * near 1, a remark that is a fragment of the name (an abbreviation) scores lower, scaled by how much it covers.
 */
export function nameSimilarity(remark: string, name: string): number {
  if (remark === '' || name === '') return 0;
  if (remark === name) return 1;
  const longest = Math.max(remark.length, name.length);
  const plainDistance = distance(remark, name);
  let best = 1 - plainDistance / longest;
  if (remark.length > name.length) {
    const coverage = 0.8 + (0.2 * name.length) / remark.length;
    if (remark.includes(name)) return Math.max(best, coverage);
    // Deleting the surplus remark characters bounds the embedded distance from below; skip the DP when even
    // that bound cannot beat the plain score or reach the 0.6 floor below which similarity carries no evidence.
    const lowerBound = Math.max(0, plainDistance - (remark.length - name.length));
    const ceiling = (1 - lowerBound / name.length) * coverage;
    if (ceiling > best && ceiling >= 0.6) {
      best = Math.max(best, (1 - embeddedDistance(name, remark) / name.length) * coverage);
    }
  } else if (remark.length >= 4 && name.includes(remark)) {
    best = Math.max(best, 0.6 + (0.3 * remark.length) / name.length);
  }
  return Math.max(0, best);
}

// Reused DP rows: this runs for every candidate of every statement line.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Edit distance of `needle` against its best-matching substring of `hay` (leading/trailing hay chars are free). */
function embeddedDistance(needle: string, hay: string): number {
  const m = needle.length;
  if (m + 1 > rowA.length) [rowA, rowB] = [new Int32Array(m + 1), new Int32Array(m + 1)];
  let previous = rowA;
  let current = rowB;
  for (let i = 0; i <= m; i++) previous[i] = i;
  let best = previous[m];
  for (let j = 1; j <= hay.length; j++) {
    current[0] = 0;
    const h = hay.charCodeAt(j - 1);
    for (let i = 1; i <= m; i++) {
      const substitution = previous[i - 1] + (needle.charCodeAt(i - 1) === h ? 0 : 1);
      current[i] = Math.min(substitution, previous[i] + 1, current[i - 1] + 1);
    }
    best = Math.min(best, current[m]);
    [previous, current] = [current, previous];
  }
  return best;
}

export const percent = (x: number): string => `${Math.round(x * 100)}%`;
