import { characterCount, normalizeInput } from './normalize';

export const STREET_ADDRESS_MAX_LENGTH = 500;

/** Names of the region already chosen in the 省/市/区县 picker (e.g. from resolveRegion). */
export interface RegionNames {
  readonly province: string;
  readonly city: string;
  readonly district: string;
}

// Longest first so that 广西壮族自治区 loses "壮族自治区", not just "自治区".
const ADMINISTRATIVE_SUFFIXES = [
  '维吾尔自治区',
  '壮族自治区',
  '回族自治区',
  '特别行政区',
  '自治区',
  '自治州',
  '自治县',
  '地区',
  '省',
  '市',
  '盟',
  '区',
  '县',
  '旗',
];

/** 安徽省 → 安徽, 六安市 → 六安; a name that would become a single character is kept whole. */
function shortName(name: string): string {
  const suffix = ADMINISTRATIVE_SUFFIXES.find((s) => name.endsWith(s) && characterCount(name) - s.length >= 2);
  return suffix === undefined ? name : name.slice(0, name.length - suffix.length);
}

/**
 * The region prefix the user repeated at the start of the street address, or null.
 * A full name (安徽省, 六安市, 金安区) at the start is always a repetition. A short name alone is not —
 * many streets are named after places (北京路 in 广州) — so it counts only when the next region level
 * follows it (安徽六安…, 北京海淀区…).
 */
export function repeatedRegionPrefix(address: string, region: RegionNames): string | null {
  const text = normalizeInput(address);
  const levels = [region.province, region.city, region.district].filter((name) => name !== '');
  for (const [index, name] of levels.entries()) {
    if (text.startsWith(name)) return name;
    const short = shortName(name);
    const rest = text.slice(short.length);
    const followedByLowerLevel = levels
      .slice(index + 1)
      .some((lower) => lower !== name && (rest.startsWith(lower) || rest.startsWith(shortName(lower))));
    if (text.startsWith(short) && followedByLowerLevel) return short;
  }
  return null;
}

/** 详细地址: street and number only — the page says 无需再填写省市县 — and at most 500 characters. */
export function streetAddressProblems(address: string, region: RegionNames, label = '详细地址'): string[] {
  const text = normalizeInput(address);
  if (text === '') return [`${label}不能为空`];
  const problems: string[] = [];
  if (characterCount(text) > STREET_ADDRESS_MAX_LENGTH) {
    problems.push(`${label}不能超过${STREET_ADDRESS_MAX_LENGTH}个字`);
  }
  const repeated = repeatedRegionPrefix(text, region);
  if (repeated !== null) {
    problems.push(`${label}无需再填写省市县，请删去开头的“${repeated}”，只填写街道门牌号`);
  }
  return problems;
}
