/**
 * Names one typo apart. A payer who mistypes one character of 河清大学医学图书馆 can produce 竹清大学医学图书馆
 * exactly — another institution's registered name. Nothing in the remark tells the two apart, so an exact name
 * that has such a neighbour among the open orders must not be auto-confirmed on the remark alone.
 */

export interface NamedOwner {
  /** A normalised name core. */
  name: string;
  /** Names of one institution are never each other's look-alikes (aliases, several open orders). */
  institutionId: string;
  /** The owner's position in the order index. */
  order: number;
}

/** Levenshtein distance ≤ 1, or one swap of adjacent characters (a common slip on a keyboard). */
export function oneTypoApart(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.length - short.length > 1) return false;
  let i = 0;
  while (i < short.length && short.charCodeAt(i) === long.charCodeAt(i)) i++;
  if (short.length === long.length) {
    if (short.slice(i + 1) === long.slice(i + 1)) return true;
    return i + 1 < short.length && short[i] === long[i + 1] && short[i + 1] === long[i] && short.slice(i + 2) === long.slice(i + 2);
  }
  return short.slice(i) === long.slice(i + 1);
}

const BASE = 0x01000193;
// Keys pack a 31-bit hash above 22 bits of entry number into one exactly representable double, so a single numeric
// sort brings every pair that may be one typo apart next to each other.
const ENTRY_BITS = 2 ** 22;

/**
 * For every name that has a look-alike owned by another institution, the orders owning those look-alikes.
 * Two strings one substitution, insertion or deletion apart share a string obtained by deleting one character from
 * each (or one from the longer only): their deletion hashes collide. Hashes of deletions are computed from prefix
 * and suffix hashes without building strings; colliding pairs are then checked on the real strings.
 */
export function findLookAlikes(owners: readonly NamedOwner[]): Map<string, number[]> {
  const result = new Map<string, number[]>();
  if (owners.length >= ENTRY_BITS) throw new RangeError(`too many names for the look-alike index: ${owners.length}`);
  let total = 0;
  for (const o of owners) total += o.name.length + 1;
  const keys = new Float64Array(total);
  let n = 0;
  const prefix: number[] = [];
  const suffix: number[] = [];
  const power: number[] = [1];
  owners.forEach((o, entry) => {
    const s = o.name;
    const len = s.length;
    while (power.length <= len) power.push(Math.imul(power[power.length - 1], BASE) >>> 0);
    prefix[0] = 0;
    for (let i = 0; i < len; i++) prefix[i + 1] = (Math.imul(prefix[i], BASE) + s.charCodeAt(i)) >>> 0;
    suffix[len] = 0;
    for (let i = len - 1; i >= 0; i--) suffix[i] = (Math.imul(s.charCodeAt(i), power[len - 1 - i]) + suffix[i + 1]) >>> 0;
    keys[n++] = (prefix[len] >>> 1) * ENTRY_BITS + entry;
    // hash(s without s[k]) = hash(s[0..k)) · BASE^(len-1-k) + hash(s[k+1..]), the same polynomial as a whole string.
    for (let k = 0; k < len; k++) keys[n++] = (((Math.imul(prefix[k], power[len - 1 - k]) + suffix[k + 1]) >>> 0) >>> 1) * ENTRY_BITS + entry;
  });
  keys.sort();
  for (let start = 0; start < n; ) {
    const hash = Math.floor(keys[start] / ENTRY_BITS);
    let end = start + 1;
    while (end < n && Math.floor(keys[end] / ENTRY_BITS) === hash) end++;
    for (let x = start; x < end; x++) {
      const a = owners[keys[x] % ENTRY_BITS];
      for (let y = x + 1; y < end; y++) {
        const b = owners[keys[y] % ENTRY_BITS];
        if (a.institutionId === b.institutionId || !oneTypoApart(a.name, b.name)) continue;
        link(result, a.name, b.order);
        link(result, b.name, a.order);
      }
    }
    start = end;
  }
  return result;
}

function link(map: Map<string, number[]>, name: string, order: number): void {
  const list = map.get(name);
  if (list === undefined) map.set(name, [order]);
  else if (!list.includes(order)) list.push(order);
}
