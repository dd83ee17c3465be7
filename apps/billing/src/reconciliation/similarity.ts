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
  let best = 1 - distance(remark, name) / longest;
  if (remark.length > name.length) {
    const d = remark.includes(name) ? 0 : embeddedDistance(name, remark);
    best = Math.max(best, (1 - d / name.length) * (0.8 + (0.2 * name.length) / remark.length));
  } else if (remark.length >= 4 && name.includes(remark)) {
    best = Math.max(best, 0.6 + (0.3 * remark.length) / name.length);
  }
  return Math.max(0, best);
}

/** Edit distance of `needle` against its best-matching substring of `hay` (leading/trailing hay chars are free). */
function embeddedDistance(needle: string, hay: string): number {
  const m = needle.length;
  let previous = new Int32Array(m + 1);
  let current = new Int32Array(m + 1);
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
