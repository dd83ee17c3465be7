import * as OpenCC from 'opencc-js';

const fromTaiwan = OpenCC.Converter({ from: 'tw', to: 'cn' });
const fromHongKong = OpenCC.Converter({ from: 'hk', to: 'cn' });

type DictLike = string | readonly (readonly [string, string])[];
const entriesOf = (dict: DictLike): Array<readonly [string, string]> =>
  typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ') as unknown as readonly [string, string]) : [...dict];

/**
 * Characters at least one of which occurs in every rule of the two converters' dictionaries that changes text
 * (single traditional characters, plus one character of each changing phrase not already covered). Text without
 * any of them comes out of both converters unchanged, so the trie walk — most of the cost of normalising a
 * remark, and nearly every remark is already simplified — is skipped. Derived from the very dictionaries the
 * converters use, so it follows opencc-js upgrades.
 */
export const CONVERTIBLE_CHARS: ReadonlySet<string> = (() => {
  const groups = [...OpenCC.Locale.from.tw, ...OpenCC.Locale.from.hk, ...OpenCC.Locale.to.cn] as unknown as DictLike[][];
  const changing = groups.flatMap((group) => group.flatMap(entriesOf)).filter(([from, to]) => from !== '' && from !== to);
  const chars = new Set(changing.filter(([from]) => [...from].length === 1).map(([from]) => from));
  for (const [from] of changing) {
    const cs = [...from];
    if (!cs.some((c) => chars.has(c))) chars.add(cs[cs.length - 1]);
  }
  return chars;
})();

// Below this code unit (ASCII, Latin, punctuation) no character needs a Set lookup.
const LOWEST_CONVERTIBLE = Math.min(...[...CONVERTIBLE_CHARS].map((c) => c.charCodeAt(0)));

function mayConvert(text: string): boolean {
  for (const c of text) if (c.charCodeAt(0) >= LOWEST_CONVERTIBLE && CONVERTIBLE_CHARS.has(c)) return true;
  return false;
}

/** Traditional (Taiwan and Hong Kong forms) → simplified; the input of an already simplified text is returned as is. */
export function toSimplified(text: string): string {
  return mayConvert(text) ? fromHongKong(fromTaiwan(text)) : text;
}

/**
 * Words that carry no identity: fee vocabulary, the society's own name, years, connectives. Longest first so
 * 中国图书馆学会 goes before 图书馆 could be touched (we never strip 图书馆 itself — it is part of every name).
 */
const BOILERPLATE = [
  '中国图书馆学会', '中图学会', '中图协会', '单位会员会费', '单位会员费', '单位会费', '会员会费', '会员费', '会费',
  '交纳', '缴纳', '缴费', '交费', '缴交', '年费', '年度', '费用', '单位会员', '入会', '续费', '汇款', '转账', '付款',
].sort((a, b) => b.length - a.length);
const BOILERPLATE_RE = new RegExp(BOILERPLATE.join('|'), 'g');
/**
 * Connectives (…图书馆和会费, …的会费) are only boilerplate where they join the name to boilerplate or end the text:
 * inside a name they are identity (天津市和平区, 和县, 太和县). Stripping them everywhere made 甘肃省和平市图书馆
 * and a one-character typo of 甘肃省廉平市图书馆 the same exact name, and the typo was auto-confirmed to 和平.
 */
const CUT = '\u0001';
const TRAILING_CONNECTIVE = new RegExp(`[和的及与]+(?=${CUT}|$)`, 'g');
const CUT_RE = new RegExp(CUT, 'g');
/**
 * Whole numbers only (never digits inside a longer number): 7+ digits are phone, account or reference numbers, and a
 * year is 19xx/20xx standing alone. Without the digit boundaries 北京东12001号图书馆 lost "2001" to the year rule and
 * became the same core as 北京东01925号图书馆 (which lost "1925").
 */
const PHONE = /(?<!\d)(?:0\d{2,3}-\d{7,8}|\d{7,})(?!\d)/g;
const YEAR = /(?<!\d)(?:19|20)\d{2}(?!\d)(?:\s*年度?)?/g;
const NON_WORD = /[^\p{L}\p{N}]/gu;
/** Payers often write the amount, in figures or in capitals (陆仟元, 壹万捌仟元整, 6000元): it says nothing about who paid. */
const AMOUNT = /[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元(?:[零壹贰叁肆伍陆柒捌玖]+[角分])*整?|\d+(?:\.\d+)?元|人民币|rmb/g;

/** Full-width → half-width, traditional → simplified, lower case, no punctuation or spaces. */
export function normaliseText(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(NON_WORD, '');
}

/** The identity-bearing core of a remark or payer name: normalised, with phone numbers, years and boilerplate removed. */
export function coreOf(text: string, removeTokens: readonly string[] = []): string {
  let s = toSimplified(text.normalize('NFKC')).toLowerCase();
  for (const token of removeTokens) s = s.split(token.toLowerCase()).join(' ');
  // Numbers go while their separators still delimit them (2026-06-01, 2026/2027年度).
  s = s.replace(PHONE, ' ').replace(YEAR, ' ').replace(NON_WORD, '').replace(AMOUNT, '');
  return s.replace(BOILERPLATE_RE, CUT).replace(TRAILING_CONNECTIVE, '').replace(CUT_RE, '');
}

export function digitsOnly(account: string): string {
  return account.normalize('NFKC').replace(/[^0-9a-zA-Z]/g, '').toUpperCase();
}
