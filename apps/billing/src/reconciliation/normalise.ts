import * as OpenCC from 'opencc-js';

const fromTaiwan = OpenCC.Converter({ from: 'tw', to: 'cn' });
const fromHongKong = OpenCC.Converter({ from: 'hk', to: 'cn' });

/**
 * Words that carry no identity: fee vocabulary, the society's own name, years, connectives. Longest first so
 * 中国图书馆学会 goes before 图书馆 could be touched (we never strip 图书馆 itself — it is part of every name).
 */
const BOILERPLATE = [
  '中国图书馆学会', '中图学会', '中图协会', '单位会员会费', '单位会员费', '单位会费', '会员会费', '会员费', '会费',
  '交纳', '缴纳', '缴费', '交费', '缴交', '年费', '年度', '费用', '单位会员', '入会', '续费', '汇款', '转账', '付款',
  '和', '的', '及', '与',
].sort((a, b) => b.length - a.length);
const BOILERPLATE_RE = new RegExp(BOILERPLATE.join('|'), 'g');
const PHONE = /(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8}/g;
const YEAR = /(?:19|20)\d{2}(?:年度?|年)?/g;
const NON_WORD = /[^\p{L}\p{N}]/gu;
/** Payers often write the amount, in figures or in capitals (陆仟元, 壹万捌仟元整, 6000元): it says nothing about who paid. */
const AMOUNT = /[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元(?:[零壹贰叁肆伍陆柒捌玖]+[角分])*整?|\d+(?:\.\d+)?元|人民币|rmb/g;

/** Full-width → half-width, traditional → simplified, lower case, no punctuation or spaces. */
export function normaliseText(text: string): string {
  return fromHongKong(fromTaiwan(text.normalize('NFKC'))).toLowerCase().replace(NON_WORD, '');
}

/** The identity-bearing core of a remark or payer name: normalised, with phone numbers, years and boilerplate removed. */
export function coreOf(text: string, removeTokens: readonly string[] = []): string {
  let s = fromHongKong(fromTaiwan(text.normalize('NFKC'))).toLowerCase();
  for (const token of removeTokens) s = s.split(token.toLowerCase()).join(' ');
  s = s.replace(PHONE, ' ').replace(NON_WORD, '').replace(YEAR, '').replace(AMOUNT, '').replace(BOILERPLATE_RE, '');
  return s;
}

export function digitsOnly(account: string): string {
  return account.normalize('NFKC').replace(/[^0-9a-zA-Z]/g, '').toUpperCase();
}
