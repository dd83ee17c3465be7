/**
 * 中文大写金额 for receipts and invoices, following 《正确填写票据和结算凭证的基本规定》:
 * - 整 after 元 when there are no 角/分; none after 分, and (as the rules allow) none after 角.
 * - 壹拾 rather than 拾, so nothing can be prepended to the amount.
 * - Runs of zeros inside the integer part are written as one 零; zeros ending a 万/亿 section are
 *   silent, zeros starting the next section are one 零 (壹万零伍佰, but 壹拾万伍仟).
 * - 零 after 元 when the 角 digit is 0 but 分 is not (required), or when the 元 digit is 0 (allowed,
 *   and it keeps 壹仟元零伍角 unambiguous).
 */
const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const POSITION_UNITS = ['', '拾', '佰', '仟'] as const;
const SECTION_SIZE = 10_000;
const HUNDRED_MILLION = 100_000_000;

function digit(value: number): string {
  return DIGITS[value] as string;
}

/** 1..9999 without a leading 零. */
function sectionInWords(section: number): string {
  let words = '';
  let zeroPending = false;
  for (let position = 3; position >= 0; position -= 1) {
    const value = Math.floor(section / 10 ** position) % 10;
    if (value === 0) {
      zeroPending = words !== '';
      continue;
    }
    if (zeroPending) words += '零';
    zeroPending = false;
    words += digit(value) + POSITION_UNITS[position];
  }
  return words;
}

/** 1..99 999 999: two sections joined by 万. */
function belowHundredMillionInWords(value: number): string {
  const high = Math.floor(value / SECTION_SIZE);
  const low = value % SECTION_SIZE;
  if (high === 0) return sectionInWords(low);
  const highWords = `${sectionInWords(high)}万`;
  if (low === 0) return highWords;
  return highWords + (low < 1000 ? '零' : '') + sectionInWords(low);
}

/**
 * Groups of 亿 rather than a flat 万/亿/万亿 ladder: 1 0001 0000 0000 is 壹万零壹亿, and only the
 * grouping by 亿 lets 万 inside the upper group multiply 亿.
 */
function yuanInWords(yuan: number): string {
  const hundredMillions = Math.floor(yuan / HUNDRED_MILLION);
  const rest = yuan % HUNDRED_MILLION;
  if (hundredMillions === 0) return belowHundredMillionInWords(rest);
  const highWords = `${yuanInWords(hundredMillions)}亿`;
  if (rest === 0) return highWords;
  return highWords + (rest < 10_000_000 ? '零' : '') + belowHundredMillionInWords(rest);
}

/** Chinese capital amount for a non-negative integer number of fen (1 元 = 100 fen). */
export function amountInWords(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) {
    throw new RangeError(`金额须为非负整数（单位：分），收到 ${String(fen)}`);
  }
  if (fen === 0) return '零元整';
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let words = yuan > 0 ? `${yuanInWords(yuan)}元` : '';
  if (jiao === 0 && cents === 0) return `${words}整`;
  if (yuan > 0 && (yuan % 10 === 0 || jiao === 0)) words += '零';
  if (jiao > 0) words += `${digit(jiao)}角`;
  if (cents > 0) words += `${digit(cents)}分`;
  return words;
}
