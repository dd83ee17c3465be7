import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { CONVERTIBLE_CHARS, coreOf, toSimplified } from './normalise';
import { nameSimilarity } from './similarity';

describe('coreOf', () => {
  it.each([
    ['北京市朝阳区图书馆交纳中图学会会费', '北京市朝阳区图书馆'],
    ['湖北省图书馆+2026会费+13912345678', '湖北省图书馆'],
    ['湖北省圖書館２０２６年會費', '湖北省图书馆'],
    ['上海市徐汇区图书馆　2026年度单位会费（联系电话010-88544588）', '上海市徐汇区图书馆联系电话'],
    // Connectives go only where they join the name to boilerplate; inside a name they are part of it.
    ['天津市和平区图书馆和会费', '天津市和平区图书馆'],
    ['甘肃省和平市图书馆', '甘肃省和平市图书馆'],
    ['安徽省太和县图书馆的会费', '安徽省太和县图书馆'],
    // Years and long numbers only as whole numbers: digits inside a name's number stay.
    ['北京东12001号图书馆2026会费', '北京东12001号图书馆'],
    ['北京东01925号图书馆', '北京东01925号图书馆'],
    ['第十九中学2026/2027年度会费 订单6222000000012345', '第十九中学订单'],
  ])('%s → %s', (input, expected) => {
    expect(coreOf(input)).toBe(expected);
  });
});

describe('nameSimilarity', () => {
  it('is 1 for equal strings and 0 for empty ones', () => {
    expect(nameSimilarity('北京大学图书馆', '北京大学图书馆')).toBe(1);
    expect(nameSimilarity('', '北京大学图书馆')).toBe(0);
  });

  it('separates near-identical institution names', () => {
    const exact = nameSimilarity('北京市朝阳区图书馆', '北京市朝阳区图书馆');
    const lookAlike = nameSimilarity('北京市朝阳区图书馆', '北京市朝阳区少儿图书馆');
    expect(lookAlike).toBeLessThan(0.85);
    expect(exact - lookAlike).toBeGreaterThan(0.15);
  });

  it('rewards the full name inside a longer remark over a shorter name inside it', () => {
    const remark = '北京大学医学图书馆张老师';
    expect(nameSimilarity(remark, '北京大学医学图书馆')).toBeGreaterThan(nameSimilarity(remark, '北京大学图书馆'));
    expect(nameSimilarity(remark, '北京大学医学图书馆')).toBeGreaterThan(0.9);
  });
});

describe('toSimplified', () => {
  const fromTaiwan = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const fromHongKong = OpenCC.Converter({ from: 'hk', to: 'cn' });
  const full = (s: string): string => fromHongKong(fromTaiwan(s));

  it('converts traditional text exactly as the converters do', () => {
    for (const s of ['湖北省圖書館會費', '臺灣師範大學圖書館', '香港中文大學圖書館', '上梁不正', '一目瞭然', '北京大學圖書館']) expect(toSimplified(s)).toBe(full(s));
  });

  it('skips conversion only for text the converters leave unchanged', () => {
    // Every CJK code point on its own, then random runs of them (phrase rules need several characters).
    const cjk = Array.from({ length: 0x9fff - 0x4e00 + 1 }, (_, i) => String.fromCodePoint(0x4e00 + i));
    for (const c of cjk) expect(toSimplified(c)).toBe(full(c));
    const plain = cjk.filter((c) => !CONVERTIBLE_CHARS.has(c));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...plain), { minLength: 1, maxLength: 12 }), (chars) => {
        const s = chars.join('');
        expect(full(s)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
